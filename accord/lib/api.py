"""What every app's API router shares: the one error shape (``{"error": "...", "fields": {...}}``),
the bounded number types of its inputs, the responses each operation documents, and the serializers of a
409 answer's current record.

It lives in ``lib/`` so that routers import it and ``accord.api`` (which collects the routers) imports
them, never the other way round."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field


class Error(Schema):
    error: str
    fields: dict[str, list[str]] = {}


class ConflictError(Error):
    current: dict[str, Any]


# Every number an operation takes is bounded: a value the database cannot hold (an id past 64 bits, a
# count past a 32-bit column) must be a 400 that says so, never a 500 from the database driver.
MAX_BIGINT = 2**63 - 1  # primary keys (BigAutoField)
MAX_INT = 2**31 - 1  # PositiveIntegerField columns: item numbers, versions, counts
MAX_DAYS = 3650  # ten years: the longest span a threshold, tolerance or "due within" makes sense for
MAX_HOURS = 8760.0  # a year: the longest response target
MAX_IDS = 1000  # the longest list of ids one request may name
MAX_TEXT = 20_000  # the longest comment or note (characters): pages and API alike

Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
STALE = "The version you read; a stale one gives 409 with the current state."
Version = Annotated[int, Field(ge=0, le=MAX_INT, description=STALE)]  # 0: never current, so stale
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
Hours = Annotated[float, Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)]
IdList = Annotated[list[Id], Field(max_length=MAX_IDS)]
# An action item's key within its relationship (register/numbering.py): 7, S4, C2, or its reference
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=30,
        pattern=r"^([A-Za-z0-9]{1,20}-)?[SCsc]?[0-9]{1,10}$",
        description="an item's key: 7 (shared), S4 or C2 (a side's private item), or TLA-S0004",
    ),
]
# A record's reference in a generic address (attachments/): its kind's door reads it (an item's key)
Ref = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9-]{1,30}$")]
# a number (an older client's int) reads as the key of the shared series
_KeyOrNumber = Annotated[Key, BeforeValidator(lambda v: str(v) if type(v) is int else v)]
KeyList = Annotated[list[_KeyOrNumber], Field(max_length=MAX_IDS)]


def body(message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": message, "fields": fields or {}}


# Documented on every operation: what any authenticated operation may answer. Any operation that takes
# input (a path, query or body parameter) may answer 400; any write may answer 403 (not allowed, or a
# signed-in browser's write without its CSRF token) and 413 (a body over the limit, accord.lib.bodysize).
READ_ERRORS: dict[int, type[Schema]] = {401: Error, 404: Error}
WRITE_ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error}


def responses(
    ok: dict[int, Any],
    *,
    write: bool = False,
    conflict: bool = False,
    admin: bool = False,
    takes_input: bool = True,
) -> dict[int, Any]:
    out: dict[int, Any] = {**ok, **(WRITE_ERRORS if write else READ_ERRORS)}
    if takes_input:
        out[400] = Error
    if admin:
        out[403] = Error
    if conflict:
        out[409] = ConflictError
    return dict(sorted(out.items()))


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
