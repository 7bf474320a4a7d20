from django.http import HttpResponse


def _todo(*args, **kwargs):  # pragma: no cover - replaced by the real pages
    return HttpResponse(status=501)


survey_list = _todo
survey_new = _todo
areas = _todo
survey_detail = _todo
survey_edit = _todo
survey_open = _todo
survey_close = _todo
invite = _todo
send_again = _todo
