"""PLACEHOLDER: the pages helper replaces this module."""

from typing import Any

from django.http import Http404


def expectation_list(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_propose(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_detail(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_change(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_agree(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_withdraw(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_retire(request: Any, **kwargs: Any) -> Any:
    raise Http404


def expectation_rate(request: Any, **kwargs: Any) -> Any:
    raise Http404


def rating_confirm(request: Any, **kwargs: Any) -> Any:
    raise Http404


def gap_plan(request: Any, **kwargs: Any) -> Any:
    raise Http404


def gap_track(request: Any, **kwargs: Any) -> Any:
    raise Http404


def scorecard(request: Any, **kwargs: Any) -> Any:
    raise Http404


def scorecard_pdf(request: Any, **kwargs: Any) -> Any:
    raise Http404


def scorecard_xlsx(request: Any, **kwargs: Any) -> Any:
    raise Http404
