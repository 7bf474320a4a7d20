"""The django-ninja API object: authentication, the error shape, and every app's router."""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from accord.accounts.services import user_for_token
from accord.lib.api import body, serialize_current
from accord.lib.errors import Conflict


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser's session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Nobody signed in (anonymous, or a wrong bearer token tried first): the answer is 401, not the
        # CSRF check's 403, which only a signed-in browser's write without its token should get.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None


class SwaggerFromStatic(Swagger):
    """Swagger UI served from Accord's vendored static files (``api/docs.html``), not from a CDN."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            # "</" escaped, so no value can end the JSON block early
            "swagger_settings": json.dumps(self.settings).replace("</", "<\\/"),
            "api": api,
            "add_csrf": True,  # the session's writes are CSRF-checked (``Session(csrf=True)`` below)
        }
        return render(request, self.template, context)


NUL = "\x00"


class NulInText(ValueError):
    """Text with a NUL character (django-ninja turns a body parser's error into a 400 "cannot parse")."""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class TextParser(Parser):
    """JSON bodies and query strings, refusing text with NUL characters: no database stores them
    (PostgreSQL refuses them outright), so they are a 400 here rather than a 500 there."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _has_nul(data):
            raise NulInText(_("Text may not contain NUL characters."))
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if _has_nul(parsed):
            raise HttpError(400, _("Text may not contain NUL characters."))
        return parsed


api = NinjaAPI(
    title="Accord API",
    version="1",
    description="Supplier–customer quality relationships under TL 9000. Errors always have the shape "
    '`{"error": "...", "fields": {...}}`.',
    auth=[BearerToken(), Session(csrf=True)],
    urls_namespace="api",
    docs=SwaggerFromStatic(),
    parser=TextParser(),
)


def _fields_from_ninja(exc: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "query", "path", "payload", "filters")
        ]
        fields.setdefault(".".join(loc) or "__all__", []).append(error.get("msg", "invalid"))
    return fields


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, body(_("Invalid input."), _fields_from_ninja(exc)), status=400)


@api.exception_handler(DjangoValidationError)
def _rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, body(_("Invalid input."), fields), status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, body(_("Authentication required.")), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="accord"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc.__cause__) if isinstance(exc.__cause__, NulInText) else str(exc)
    return api.create_response(request, body(message), status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, body(_("Invalid multipart body: %(why)s") % {"why": exc}), status=400)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # the form fields of a multipart body (its files are bounded by accord.lib.bodysize)
    return api.create_response(request, body(_("The request's fields are too large.")), status=413)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, body(_("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, body(str(exc) or _("Not allowed.")), status=403)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:

    return api.create_response(
        request, {**body(exc.message), "current": serialize_current(exc.current)}, status=409
    )


def _register_routers() -> None:
    """Add the ``router`` of every Accord app's ``api`` module, in ``INSTALLED_APPS`` order: an app
    joins the API from its own folder, and no app imports this package."""
    for config in apps.get_app_configs():
        if not config.name.startswith("accord.") or not module_has_submodule(config.module, "api"):
            continue
        router = getattr(import_module(f"{config.name}.api"), "router", None)
        if router is not None:
            api.add_router("", router)


_register_routers()
