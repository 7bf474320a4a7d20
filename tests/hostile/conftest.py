"""Running hostile files through ``run_import`` as Ada (an admin of the supplier: she may import
every kind), and seeing that nothing was written."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from accord.lib.importing import ImportResult, run_import
from accord.parties.access import relationship_for_user

SLUG = "northwind-telco-a"


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[str]], *, newline: str = "\r\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def counts() -> dict[str, int]:
    """The number of rows of every model of Accord's apps (the import history aside)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("accord.") and model._meta.label != "operations.ImportBatch"
    }


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def imported(world: Any, tmp_path: Path) -> Any:
    """``imported(kind, data, name)`` → the result of importing ``data`` as Ada."""

    def run(kind: str, data: bytes, name: str = "data.csv", **options: Any) -> ImportResult:
        path = tmp_path / name
        path.write_bytes(data)
        access = relationship_for_user(world.ada, slug=SLUG, write=True)
        return run_import(kind=kind, path_or_file=path, filename=name, relationship_access=access, **options)

    return run
