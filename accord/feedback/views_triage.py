from django.http import HttpResponse


def _todo(*args, **kwargs):  # pragma: no cover - replaced by the real pages
    return HttpResponse(status=501)


flag = _todo
triage = _todo
decide = _todo
