"""HTTP rules every page keeps.

A URL that only takes a form's POST never answers 405 to a GET: a reload, a bookmark or an address typed
again after a failed post is sent (303) to the page the form lives on. ``post_only`` replaces Django's
``require_POST`` everywhere (tests/test_source_rules.py forbids the latter). A failed post goes back to
that page too, with what was typed (``accord.lib.forms.keep_failed``), or re-renders it with status 400
at its own URL, which a reload (GET) turns into that page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.log import log_response

V = TypeVar("V", bound=Callable[..., HttpResponse])


KEPT = "accord.kept_forms"  # session: what failed posts kept for their pages (lib/forms.py keep_failed)


class SeeOther(HttpResponseRedirect):
    """303: go and GET that page (after a post, whatever the post was)."""

    status_code = 303


def post_only(back: str, *, keep: Sequence[str] | None = None) -> Callable[[V], V]:
    """Only a POST runs the view. A GET or HEAD is sent (303) to ``back``, the URL name of the page the
    form lives on, reversed with the view's URL arguments named in ``keep`` (all of them by default);
    any other method answers 405, as ``require_POST`` did.

    Put it above ``login_required``: the page it sends to checks access itself (a stranger gets that
    page's 404, the same as for a missing record)."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            names = kwargs if keep is None else {name: kwargs[name] for name in keep}
            if request.method == "POST":
                response = view(request, *args, **kwargs)
                if response.status_code < 400 and not getattr(response, "kept_failed", False):
                    forget_kept(request, reverse(back, kwargs=names))
                return response
            if request.method in ("GET", "HEAD"):
                return SeeOther(reverse(back, kwargs=names))
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            log_response(
                "Method Not Allowed (%s): %s",
                request.method,
                request.path,
                response=response,
                request=request,
            )
            return response

        wrapped.post_only_back = back  # type: ignore[attr-defined]
        return cast(V, wrapped)

    return decorator


def forget_kept(request: HttpRequest, page: str) -> None:
    """Forget what failed posts kept for ``page`` (a path or URL): a post from it succeeded."""
    session = getattr(request, "session", None)
    kept = session.get(KEPT) if session is not None else None
    if not kept:
        return
    path = page_path(page)
    left = {key: entry for key, entry in kept.items() if key.split(" ", 1)[1] != path}
    if len(left) != len(kept):
        session[KEPT] = left  # type: ignore[index]


def page_path(url: str) -> str:
    """``url`` without its query and fragment."""
    return url.split("#", 1)[0].split("?", 1)[0]


def client_ip(request: Any) -> str | None:
    """The client's address; behind a trusted proxy, the address that proxy appended last to
    X-Forwarded-For (earlier entries are whatever the client claimed)."""
    from django.conf import settings

    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return str(forwarded.split(",")[-1].strip()) or None
    return request.META.get("REMOTE_ADDR")
