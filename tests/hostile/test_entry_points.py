"""The same hostile files through every door: ``accord import``, the Data page, the register's
import page, the API, and the worker. Each answers with the file's errors (never a 500, never a
traceback, never a hang), and writes nothing."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accord.operations import runner, tasks
from accord.operations.models import BatchStatus, ImportBatch
from tests.hostile.conftest import SLUG, counts, csv_bytes
from tests.hostile.files import dimension_bomb
from tests.hostile.samples import SAMPLES

LAST = 1_048_576


def bomb(kind: str) -> bytes:
    sample = SAMPLES[kind]
    return dimension_bomb([list(sample.header), sample.row(0), sample.row(1)])


def nul(kind: str) -> bytes:
    sample = SAMPLES[kind]
    rows = [sample.row(0), sample.row(1, **{sample.header[0]: "x\0y"})]
    return csv_bytes(sample.header, rows)


def bad_rows(kind: str, n: int = 50_000, every: int = 50) -> tuple[bytes, list[int]]:
    sample = SAMPLES[kind]
    column, value = sample.bad
    bad = [i for i in range(n) if i % every == every // 2]
    rows = [sample.row(i, **{column: value}) if i % every == every // 2 else sample.row(i) for i in range(n)]
    return csv_bytes(sample.header, rows), [i + 2 for i in bad]


@pytest.mark.parametrize("kind", ["action-items", "shipments"])  # run_import directly; an import batch
def test_the_command_prints_every_error_and_exits_2(
    kind: str, world: Any, tmp_path: Path, capsys: Any
) -> None:
    before = counts()
    for name, data, rows in [
        ("bomb.xlsx", bomb(kind), [LAST]),
        ("bad.csv", *bad_rows(kind)),
        ("nul.csv", nul(kind), [3]),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        started = time.monotonic()
        with pytest.raises(SystemExit) as exited:
            call_command("import", kind, str(path), "--relationship", SLUG)
        assert exited.value.code == 2
        out, err = capsys.readouterr()
        printed = {int(found[1]) for line in out.splitlines() if (found := re.match(r"row (\d+)", line))}
        assert set(rows) <= printed, (name, out[:300])
        assert "nothing was imported" in err and "Traceback" not in out + err
        assert time.monotonic() - started < 15
    assert counts() == before


def test_the_data_page_rejects_the_bomb_and_the_bad_rows(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    before = counts()
    for name, data, rows in [("bomb.xlsx", bomb("shipments"), [LAST]), ("bad.csv", *bad_rows("shipments"))]:
        upload = SimpleUploadedFile(name, data)
        response = client.post(f"/r/{SLUG}/data/upload/", {"kind": "shipments", "file": upload})
        assert response.status_code == 302
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == BatchStatus.REJECTED
        assert sorted({e[0] for e in batch.errors}) == rows[: runner.MAX_STORED_ERRORS]
        assert batch.error_count >= len(rows)
        page = client.get(response["Location"])
        assert page.status_code == 200
    assert counts() == before


def test_the_register_import_page_shows_the_errors(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    before = counts()
    for name, data in [
        ("bomb.xlsx", bomb("action-items")),
        ("latin.csv", b"title,owner_side\nM\x81ller,joint\n"),  # 0x81: no character in Windows-1252
    ]:
        response = client.post(f"/r/{SLUG}/items/import/", {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400
        assert (
            b"row 1048576" in response.content.lower()
            or b"1048576" in response.content
            or b"UTF-8" in response.content
        )
    assert counts() == before


def test_the_api_answers_a_rejected_batch(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    before = counts()
    data, rows = bad_rows("returns")
    for name, body, expected in [("bomb.xlsx", bomb("returns"), [LAST]), ("bad.csv", data, rows)]:
        response = client.post(
            f"/api/v1/relationships/{world.nw_ta.pk}/imports",
            {"kind": "returns", "file": SimpleUploadedFile(name, body)},
        )
        assert response.status_code == 201
        batch = response.json()
        assert batch["status"] == "rejected" and batch["error_count"] >= len(expected)
        assert sorted({e["row"] for e in batch["errors"]}) == expected[: runner.MAX_STORED_ERRORS]
    assert counts() == before


def test_the_worker_rejects_the_bomb_and_a_damaged_sheet(world: Any, tmp_path: Path, settings: Any) -> None:
    from accord.operations import services
    from accord.parties.access import relationship_for_user

    settings.ACCORD_IMPORT_INLINE_MB = 0  # every file waits for the worker
    access = relationship_for_user(world.sam, slug=SLUG, write=True)
    before = counts()
    damaged = bomb("shipments").replace(b"PK\x03\x04", b"PK\x03\x05", 1)
    for name, data, reason in [
        ("bomb.xlsx", bomb("shipments"), "needs a value"),
        ("bad.xlsx", damaged, "XLSX"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        batch, _size = services.create_batch(
            access=access, kind="shipments", upload_path=path, file_name=name
        )
        started = time.monotonic()
        status = tasks.run_import_batch.call(batch_id=batch.pk)
        assert time.monotonic() - started < 10
        batch.refresh_from_db()
        assert status == BatchStatus.REJECTED, batch.message
        assert any(reason in e[3] for e in batch.errors), batch.errors
    assert counts() == before


def test_an_io_upload_of_a_damaged_xlsx_is_not_a_500(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).post(
        f"/r/{SLUG}/data/upload/",
        {"kind": "products", "file": SimpleUploadedFile("x.xlsx", io.BytesIO(bomb("products")).read()[:900])},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.latest("pk").status == BatchStatus.REJECTED
