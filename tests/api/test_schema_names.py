"""Every schema of the API has its own name: the OpenAPI document keys its components by class name,
so two classes of one name (an ``AttendeeOut`` in two modules) describe one operation's answer with the
other's fields, and clients and the fuzzer read a wrong contract."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from accord.api.main import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    api.get_openapi_schema()  # imports every router, hence every schema
    modules = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("accord."):
            modules[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert not {name: where for name, where in modules.items() if len(where) > 1}
