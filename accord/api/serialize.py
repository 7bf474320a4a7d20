"""The current state of a record for a 409 answer, in the same schema its detail operation uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
