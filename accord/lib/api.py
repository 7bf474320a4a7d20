"""What every app's API router shares: the one error shape (``{"error": "...", "fields": {...}}``),
the responses each operation documents, and the serializers of a 409 answer's current record.

It lives in ``lib/`` so that routers import it and ``accord.api`` (which collects the routers) imports
them, never the other way round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Schema


class Error(Schema):
    error: str
    fields: dict[str, list[str]] = {}


class ConflictError(Error):
    current: dict[str, Any]


def body(message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": message, "fields": fields or {}}


# Documented on every operation: what any authenticated operation may answer.
READ_ERRORS: dict[int, type[Schema]] = {401: Error, 404: Error}
WRITE_ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error}


def responses(
    ok: dict[int, Any], *, write: bool = False, conflict: bool = False, admin: bool = False
) -> dict[int, Any]:
    out: dict[int, Any] = {**ok, **(WRITE_ERRORS if write else READ_ERRORS)}
    if admin:
        out[403] = Error
    if conflict:
        out[409] = ConflictError
    return out


# The current state of a record for a 409 answer, in the same schema its detail operation uses.
SERIALIZERS: dict[str, Callable[[Any], dict[str, Any]]] = {}


def serializer(
    model_label: str,
) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    def register(func: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        SERIALIZERS[model_label] = func
        return func

    return register


def serialize_current(obj: Any) -> dict[str, Any]:
    func = SERIALIZERS.get(obj._meta.label_lower)
    return func(obj) if func else {"id": obj.pk, "version": getattr(obj, "version", None)}
