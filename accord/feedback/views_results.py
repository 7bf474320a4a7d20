from django.http import HttpResponse


def _todo(*args, **kwargs):  # pragma: no cover - replaced by the real pages
    return HttpResponse(status=501)


results = _todo
visit_pdf = _todo
results_xlsx = _todo
response = _todo
