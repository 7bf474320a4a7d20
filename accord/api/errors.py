"""The API's one error shape: ``{"error": "...", "fields": {...}}``."""

from __future__ import annotations

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
