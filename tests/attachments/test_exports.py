"""The register's PDF and XLSX exports name each item's files, as far as the viewer may see them."""

import io
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.attachments.helpers import attach


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_xlsx_and_pdf_name_each_items_files(world: Any, as_user: Any) -> None:
    attach(world, world.carol, world.item, name="alarms.log")
    attach(world, world.ada, world.private_item, name="margin-secret.txt")
    sam = as_user(world.sam)
    xlsx = _xlsx_text(sam.get("/r/northwind-telco-a/items/export.xlsx").content)
    assert "Files" in xlsx and "alarms.log" in xlsx and "margin-secret.txt" in xlsx
    pdf = _pdf_text(sam.get("/r/northwind-telco-a/items/export.pdf").content)
    assert "alarms.log" in pdf and "margin-secret.txt" in pdf


def test_the_other_side_never_sees_a_private_items_file_names_in_exports(world: Any, as_user: Any) -> None:
    attach(world, world.carol, world.item, name="alarms.log")
    attach(world, world.ada, world.private_item, name="margin-secret.txt")
    carol = as_user(world.carol)
    for fmt, text in (("xlsx", _xlsx_text), ("pdf", _pdf_text)):
        body = text(carol.get(f"/r/northwind-telco-a/items/export.{fmt}").content)
        assert "alarms.log" in body and "margin-secret" not in body, fmt
