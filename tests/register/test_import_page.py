"""The register's upload page: errors shown and downloadable, nothing written; a good file imported."""

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.register.models import ActionItem

HEADER = "title,owner_side,owner_email,due_date,priority,external_id\r\n"


def upload(client: Any, text: str, **extra: Any) -> Any:
    file = SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")
    return client.post("/r/northwind-telco-a/items/import/", {"file": file, **extra})


def test_a_bad_file_lists_every_problem_and_writes_nothing(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    before = ActionItem.objects.count()
    response = upload(
        client, HEADER + "Fix A,vendor,,2030-01-01,high,X-1\r\nFix B,supplier,,2030-13-01,,X-2\r\n"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "2 problems found; nothing was imported." in body and "owner_side" in body and "due_date" in body
    assert ActionItem.objects.count() == before
    download = client.get("/r/northwind-telco-a/items/import/errors.csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "reason"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("2", "owner_side"), ("3", "due_date")]


def test_a_dry_run_checks_and_writes_nothing(world: Any, as_user: Any) -> None:
    response = upload(as_user(world.carol), HEADER + "Fix A,supplier,,2030-01-01,high,X-1\r\n", dry_run="on")
    assert response.status_code == 200 and "1 would be created" in response.content.decode()
    assert not ActionItem.objects.filter(external_id="X-1").exists()


def test_a_good_file_imports_and_a_second_import_updates(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    response = upload(client, HEADER + "Fix A,supplier,sam@northwind.example,2030-01-01,high,X-1\r\n")
    assert response.status_code == 302
    item = ActionItem.objects.get(external_id="X-1")
    assert (item.owner, item.source_kind, item.requested_by) == (world.sam, "import", world.carol)
    # the owning side (Northwind) plans the item: Sam's file moves its due date
    upload(as_user(world.sam), HEADER + "Fix A,supplier,sam@northwind.example,2030-02-01,high,X-1\r\n")
    item.refresh_from_db()
    assert (item.due_moves, ActionItem.objects.filter(external_id="X-1").count()) == (1, 1)


def test_viewers_cannot_import(world: Any, as_user: Any) -> None:
    assert upload(as_user(world.vic), HEADER).status_code == 403
