import csv
import io
import math
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from accord.audit.models import AuditEvent
from accord.lib.importing import (
    ImportResult,
    RowError,
    UnknownImportKind,
    errors_as_csv,
    importer_kinds,
    run_import,
)
from accord.parties.access import relationship_for_user
from accord.register import services
from accord.register.importers import BATCH_SIZE
from accord.register.models import ActionItem, ActionUpdate, ItemSequence

SLUG = "northwind-telco-a"
COLUMNS = [
    "title",
    "description",
    "owner_side",
    "owner_email",
    "due_date",
    "priority",
    "status",
    "task_force",
    "external_id",
]


def csv_file(tmp_path: Path, rows: list[list[Any]], header: list[str] = COLUMNS, name: str = "r.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def do_import(world: Any, path: Path, *, user: Any = None, **options: Any) -> ImportResult:
    access = relationship_for_user(user or world.ada, slug=SLUG, write=True)
    return run_import(
        kind="action-items", path_or_file=path, filename=path.name, relationship_access=access, **options
    )


def imported() -> Any:
    return ActionItem.objects.filter(source_kind="import")


def last_number(world: Any) -> int:
    numbers = ItemSequence.objects.filter(relationship=world.nw_ta).values_list("last_number", flat=True)
    return numbers.first() or 0


def where(result: ImportResult) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


@pytest.fixture
def task_force(world: Any) -> Any:
    access = relationship_for_user(world.ada, slug=SLUG, write=True)
    return services.create_task_force(access=access, name="Optics quality", members=[world.sam, world.carol])


GOOD_ROWS = [
    ["Fix the laser drift", "Seen at Munich", "supplier", "sam@northwind.example", "2026-03-31", "high",
     "open", "Optics quality", "R-1"],
    ["Share spares forecast", "", "customer", "CAROL@telco-a.example", "", "", "in progress", "", "R-2"],
    ["Joint root cause review", "", "joint", "carol@telco-a.example", "2026-01-15", "critical", "done", "",
     "R-3"],
]  # fmt: skip


def test_it_imports_a_csv_register(world: Any, task_force: Any, tmp_path: Path) -> None:
    events, updates = AuditEvent.objects.count(), ActionUpdate.objects.count()
    last = last_number(world)  # the world has items of its own
    result = do_import(world, csv_file(tmp_path, GOOD_ROWS, name="register.csv"))
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    items = {i.external_id: i for i in imported()}
    first, second, third = items["R-1"], items["R-2"], items["R-3"]
    assert sorted(i.number for i in items.values()) == [last + 1, last + 2, last + 3]
    assert (first.title, first.description, first.owner, first.due_date) == (
        "Fix the laser drift",
        "Seen at Munich",
        world.sam,
        date(2026, 3, 31),
    )
    assert (first.priority, first.status, first.task_force) == ("high", "open", task_force)
    assert (second.owner, second.owner_side, second.priority, second.status) == (
        world.carol,
        "customer",
        "medium",
        "in_progress",
    )
    assert second.due_date is None and second.task_force is None
    assert third.status == "done" and third.done_at is not None and third.closed_at is None
    for item in items.values():
        assert (item.source_kind, item.source_label) == ("import", "Imported from register.csv")
        assert item.requested_by == world.ada and item.visibility == "shared" and item.version == 1
    for item in (first, second):  # open statuses: created, nothing more
        assert list(item.updates.values_list("kind", flat=True)) == ["created"]
    # done, a final status nobody set in Accord: the timeline says who imported it, from which file
    assert list(third.updates.values_list("kind", flat=True)) == ["created", "status"]
    status = third.updates.get(kind="status")
    assert (status.actor, status.from_status, status.to_status) == (world.ada, "open", "done")
    assert status.body == "Status set to done by import of register.csv by Ada Quinn."
    assert AuditEvent.objects.count() == events + 1 and ActionUpdate.objects.count() == updates + 4
    event = AuditEvent.objects.filter(verb="action_items.imported").get()
    assert event.changes == {"created": [None, 3], "updated": [None, 0]}
    assert (event.actor, event.relationship) == (world.ada, world.nw_ta)
    # numbers continue from the register's sequence afterwards
    access = relationship_for_user(world.ada, slug=SLUG, write=True)
    assert services.create_item(access=access, title="By hand").number == last + 4


def test_it_imports_an_xlsx_register(world: Any, task_force: Any, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Title", "Owner_Side", "Due_Date", "External_ID", "Owner_Email", "Task_Force"])
    sheet.append(
        ["Calibrate OTDR", "supplier", date(2026, 4, 1), 101, "ada@northwind.example", "optics QUALITY"]
    )
    sheet.append(["Update contacts", "customer", None, 102.0, None, None])
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    result = do_import(world, path)
    assert result.errors == [] and result.created == 2
    calibrate = ActionItem.objects.get(external_id="101")
    assert (calibrate.due_date, calibrate.owner, calibrate.task_force) == (
        date(2026, 4, 1),
        world.ada,
        task_force,
    )
    assert ActionItem.objects.get(external_id="102").source_label == "Imported from register.xlsx"


def test_it_reports_every_bad_value_with_its_row_and_column_and_writes_nothing(
    world: Any, task_force: Any, tmp_path: Path
) -> None:
    events, items, updates = (
        AuditEvent.objects.count(),
        ActionItem.objects.count(),
        ActionUpdate.objects.count(),
    )
    sequence = last_number(world)
    rows = [
        GOOD_ROWS[0],  # row 2: fine, but nothing of the file may be written
        ["", "", "vendor", "", "2024-13-01", "urgent", "closed", "", ""],  # row 3
        ["Owner outside", "", "supplier", "mallory@telco-b.example", "", "", "", "", ""],  # row 4
        ["Owner of the other side", "", "supplier", "carol@telco-a.example", "", "", "", "", ""],  # row 5
        [
            "Unknown task force",
            "",
            "joint",
            "nobody@example.com",
            "31/12/2026",
            "",
            "",
            "Ghosts",
            "",
        ],  # row 6
        ["x" * 301, "", "", "", "", "", "", "", "y" * 101],  # row 7
    ]
    result = do_import(world, csv_file(tmp_path, rows))
    assert where(result) == [
        (3, "title"),
        (3, "owner_side"),
        (3, "due_date"),
        (3, "priority"),
        (3, "status"),
        (4, "owner_email"),
        (5, "owner_email"),
        (6, "owner_email"),
        (6, "due_date"),
        (6, "task_force"),
        (7, "title"),
        (7, "owner_side"),
        (7, "external_id"),
    ]
    by_place = {(e.row, e.column): e for e in result.errors}
    assert str(by_place[3, "due_date"]) == "row 3, column due_date: '2024-13-01' is not a date (YYYY-MM-DD)."
    assert by_place[3, "due_date"].value == "2024-13-01"
    assert "'vendor' is not an owner side" in by_place[3, "owner_side"].reason
    assert "'urgent' is not a priority (low, medium, high or critical)" in by_place[3, "priority"].reason
    assert "'closed' is not a status" in by_place[3, "status"].reason
    assert "is not an active member of Northwind Networks" in by_place[4, "owner_email"].reason
    assert "Northwind Networks or Telco A" in by_place[6, "owner_email"].reason
    assert "no task force named 'Ghosts'" in by_place[6, "task_force"].reason
    assert ActionItem.objects.count() == items and ActionUpdate.objects.count() == updates
    assert last_number(world) == sequence
    assert AuditEvent.objects.count() == events


def test_a_duplicate_external_id_is_reported_on_the_second_row(world: Any, tmp_path: Path) -> None:
    rows = [
        ["A", "", "supplier", "", "", "", "", "", "R-1"],
        ["B", "", "supplier", "", "", "", "", "", "R-1"],
    ]
    result = do_import(world, csv_file(tmp_path, rows))
    assert where(result) == [(3, "external_id")]
    assert "row 2 has it already" in result.errors[0].reason
    assert not imported().exists()


def test_missing_required_columns_are_reported_at_row_1(world: Any, tmp_path: Path) -> None:
    result = do_import(world, csv_file(tmp_path, [["x", "R-1"]], header=["description", "external_id"]))
    assert [str(e) for e in result.errors] == [
        "row 1, column title: The required column title is missing.",
        "row 1, column owner_side: The required column owner_side is missing.",
    ]


def test_an_extra_column_is_an_error_unless_ignored(world: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [["A", "supplier", "blue"]], header=["title", "owner_side", "colour"])
    result = do_import(world, path)
    assert where(result) == [(1, "colour")] and "Unknown column 'colour'" in result.errors[0].reason
    assert not imported().exists()
    result = do_import(world, path, ignore_extra=True)
    assert result.errors == [] and result.created == 1


def test_an_empty_file_is_reported(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert where(do_import(world, path)) == [(1, "")]


def test_reimporting_the_same_file_changes_nothing(world: Any, task_force: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, GOOD_ROWS)
    do_import(world, path)
    updates, events = ActionUpdate.objects.count(), AuditEvent.objects.count()
    before = list(ActionItem.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    result = do_import(world, path)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 3, [])
    assert list(ActionItem.objects.order_by("pk").values_list("pk", "version", "updated_at")) == before
    assert ActionUpdate.objects.count() == updates and AuditEvent.objects.count() == events


def test_reimporting_a_moved_due_date_updates_the_item(world: Any, task_force: Any, tmp_path: Path) -> None:
    do_import(world, csv_file(tmp_path, GOOD_ROWS))
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][4] = "2026-05-15"  # R-1 moves
    rows[1][6] = "verified"  # R-2 is closed in the other register
    result = do_import(world, csv_file(tmp_path, rows, name="second.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    moved = ActionItem.objects.get(external_id="R-1")
    assert (moved.due_date, moved.due_moves, moved.version) == (date(2026, 5, 15), 1, 2)
    change = moved.updates.get(kind="change")
    assert change.changes == {"due_date": ["2026-03-31", "2026-05-15"]} and change.actor == world.ada
    closed = ActionItem.objects.get(external_id="R-2")
    assert closed.status == "verified" and closed.closed_at is not None and closed.due_moves == 0
    assert not closed.updates.filter(kind="change").exists()  # the status change is its own entry
    verified = closed.updates.get(kind="status")
    assert (verified.actor, verified.from_status, verified.to_status) == (
        world.ada,
        "in_progress",
        "verified",
    )
    assert verified.body == "Status set to verified by import of second.csv by Ada Quinn."
    assert verified.changes == {"import": [None, "second.csv"]}
    event = AuditEvent.objects.filter(verb="action_items.imported").first()
    assert event is not None and event.changes == {"created": [None, 0], "updated": [None, 2]}


def test_an_owner_change_is_shown_by_name_and_absent_columns_are_left_alone(
    world: Any, task_force: Any, tmp_path: Path
) -> None:
    do_import(world, csv_file(tmp_path, GOOD_ROWS))
    path = csv_file(
        tmp_path,
        [["Fix the laser drift", "supplier", "ada@northwind.example", "R-1"]],
        header=["title", "owner_side", "owner_email", "external_id"],
        name="owners.csv",
    )
    result = do_import(world, path)
    assert result.updated == 1
    item = ActionItem.objects.get(external_id="R-1")
    assert (item.owner, item.due_date, item.task_force, item.priority) == (
        world.ada,
        date(2026, 3, 31),
        task_force,
        "high",
    )
    assert item.updates.get(kind="change").changes == {"owner": ["Sam Patel", "Ada Quinn"]}


def test_a_dry_run_counts_but_writes_nothing(world: Any, task_force: Any, tmp_path: Path) -> None:
    events, updates = AuditEvent.objects.count(), ActionUpdate.objects.count()
    result = do_import(world, csv_file(tmp_path, GOOD_ROWS), dry_run=True)
    assert (result.created, result.dry_run, result.errors) == (3, True, [])
    assert not imported().exists() and ActionUpdate.objects.count() == updates
    assert AuditEvent.objects.count() == events


def test_the_other_sides_private_item_cannot_be_reached_by_its_external_id(
    world: Any, tmp_path: Path
) -> None:
    carol = relationship_for_user(world.carol, slug=SLUG, write=True)
    private = services.create_item(
        access=carol, title="Our own", owner_side="customer", visibility="private", external_id="P-1"
    )
    result = do_import(world, csv_file(tmp_path, [["Taken", "", "supplier", "", "", "", "", "", "P-1"]]))
    # external IDs are unique per number series: Telco A's private P-1 neither collides nor shows
    assert (result.errors, result.created, result.updated) == ([], 1, 0)
    private.refresh_from_db()
    assert (private.title, private.version, private.reference) == ("Our own", 1, "TLA-C0001")
    made = ActionItem.objects.get(relationship=world.nw_ta, series="", external_id="P-1")
    assert (made.title, made.visibility) == ("Taken", "shared")
    # the same file again updates Northwind's own item, never Telco A's private one
    again = do_import(world, csv_file(tmp_path, [["Taken again", "", "supplier", "", "", "", "", "", "P-1"]]))
    assert (again.errors, again.created, again.updated) == ([], 0, 1)
    private.refresh_from_db()
    assert private.title == "Our own"


def test_an_import_cannot_tell_a_taken_external_id_from_a_free_one(world: Any, tmp_path: Path) -> None:
    """Whether the other side keeps a private item with an external ID, the answer is the same."""
    carol = relationship_for_user(world.carol, slug=SLUG, write=True)
    services.create_item(
        access=carol, title="Our own", owner_side="customer", visibility="private", external_id="P-1"
    )
    answers = []
    for external_id in ("P-1", "P-2"):
        result = do_import(
            world,
            csv_file(tmp_path, [["Probe", "", "supplier", "", "", "", "", "", external_id]]),
            dry_run=True,
        )
        answers.append((result.errors, result.created, result.updated))
    assert answers[0] == answers[1] == ([], 1, 0)


def test_a_viewer_may_not_import(world: Any, tmp_path: Path) -> None:
    access = relationship_for_user(world.val, slug=SLUG)
    with pytest.raises(PermissionDenied):
        run_import(
            kind="action-items",
            path_or_file=csv_file(tmp_path, GOOD_ROWS),
            filename="r.csv",
            relationship_access=access,
        )


def test_an_unknown_kind_is_refused(world: Any, tmp_path: Path) -> None:
    assert "action-items" in importer_kinds()
    access = relationship_for_user(world.ada, slug=SLUG, write=True)
    with pytest.raises(UnknownImportKind, match="action-items"):
        run_import(
            kind="widgets", path_or_file=tmp_path / "x.csv", filename="x.csv", relationship_access=access
        )


def test_errors_render_as_lines_and_as_csv() -> None:
    errors = [RowError(3, "due_date", "=cmd()", "bad"), RowError(0, "", "", "too large")]
    assert [str(e) for e in errors] == ["row 3, column due_date: bad", "file: too large"]
    text = errors_as_csv(errors).decode("utf-8-sig")
    assert text.splitlines() == ["row,column,value,reason", "3,due_date,'=cmd(),bad", "0,,,too large"]


def test_a_5000_row_import_uses_a_bounded_number_of_queries(
    world: Any, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    rows = [
        [f"Item {n}", "", "supplier", "sam@northwind.example", "2026-06-30", "", "", "", f"X-{n}"]
        for n in range(5000)
    ]
    path = csv_file(tmp_path, rows)
    access = relationship_for_user(world.ada, slug=SLUG, write=True)
    # A fixed number of queries, plus the bulk inserts' batches (SQLite's 999-parameter limit cuts
    # 5,000 items into batches of 38; PostgreSQL takes BATCH_SIZE rows at a time).
    budget = 30 + batches(ActionItem, 5000) + batches(ActionUpdate, 5000)
    with django_assert_max_num_queries(budget):
        result = run_import(
            kind="action-items", path_or_file=path, filename="r.csv", relationship_access=access
        )
    assert result.created == 5000
    with django_assert_max_num_queries(40):  # a re-import changes nothing, in a few queries
        again = run_import(
            kind="action-items", path_or_file=path, filename="r.csv", relationship_access=access
        )
    assert again.unchanged == 5000


def batches(model: Any, count: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * count))
    return math.ceil(count / size)


# --- the command ---------------------------------------------------------------------------------


def command(*args: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_a_summary(world: Any, task_force: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, GOOD_ROWS)
    code, out, _ = command("action-items", path, "--relationship", SLUG, "--dry-run")
    assert (code, out.strip()) == (0, "dry run, nothing written: created 3, updated 0, unchanged 0")
    assert not imported().exists()
    code, out, _ = command("action-items", path, "--relationship", SLUG)
    assert (code, out.strip()) == (0, "created 3, updated 0, unchanged 0")
    assert set(imported().values_list("requested_by", flat=True)) == {world.ada.pk}  # the first admin
    code, out, _ = command("action-items", path, "--relationship", SLUG, "--as", "carol@telco-a.example")
    assert (code, out.strip()) == (0, "created 0, updated 0, unchanged 3")


def test_the_command_exits_2_with_one_line_per_error(world: Any, tmp_path: Path) -> None:
    rows = [
        ["A", "", "supplier", "", "2024-13-01", "", "", "", ""],
        ["", "", "nobody", "", "", "", "", "", ""],
    ]
    code, out, err = command("action-items", csv_file(tmp_path, rows), "--relationship", SLUG)
    assert code == 2
    assert out.splitlines() == [
        "row 2, column due_date: '2024-13-01' is not a date (YYYY-MM-DD).",
        "row 3, column title: An action item needs a title.",
        "row 3, column owner_side: 'nobody' is not an owner side (supplier, customer or joint).",
    ]
    assert "3 errors; nothing was imported." in err
    assert not imported().exists()


def test_the_command_extra_columns(world: Any, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [["A", "supplier", "x"]], header=["title", "owner_side", "notes"])
    assert command("action-items", path, "--relationship", SLUG)[0] == 2
    assert command("action-items", path, "--relationship", SLUG, "--ignore-extra")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["widgets", "{file}", "--relationship", SLUG], "Nothing imports 'widgets'"),
        (["action-items", "{file}", "--relationship", "nowhere"], "No relationship with the short name"),
        (["action-items", "{missing}", "--relationship", SLUG], "No file"),
        (
            ["action-items", "{file}", "--relationship", SLUG, "--as", "mallory@telco-b.example"],
            "not a member",
        ),
        (["action-items", "{file}", "--relationship", SLUG, "--as", "vic@telco-a.example"], "may not import"),
        (["action-items", "{file}", "--relationship", SLUG, "--as", "ghost@example.com"], "No person"),
    ],
)
def test_the_command_fails_with_exit_1_when_it_cannot_run(
    world: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    path = csv_file(tmp_path, GOOD_ROWS)
    args = [a.format(file=path, missing=tmp_path / "missing.csv") for a in args]
    with pytest.raises(CommandError, match=message):  # CommandError: exit code 1 from the command line
        call_command("import", *args, stdout=io.StringIO())
    assert not imported().exists()


def test_an_imported_final_status_names_who_imported_it_and_from_which_file(
    world: Any, tmp_path: Path, as_user: Any
) -> None:
    rows = [
        ["Closed elsewhere", "", "supplier", "", "", "", "verified", "", "V-1"],
        ["Dropped elsewhere", "", "customer", "", "", "", "cancelled", "", "V-2"],
        ["Still going", "", "supplier", "", "", "", "in progress", "", "V-3"],
    ]
    result = do_import(world, csv_file(tmp_path, rows, name="register.xlsx.csv"), user=world.sam)
    assert result.errors == [] and result.created == 3
    verified, cancelled, going = (ActionItem.objects.get(external_id=f"V-{n}") for n in (1, 2, 3))
    assert verified.done_at is not None and verified.closed_at is not None
    assert cancelled.done_at is None and cancelled.closed_at is not None
    assert going.done_at is None and going.closed_at is None
    assert list(going.updates.values_list("kind", flat=True)) == ["created"]
    for item, word in ((verified, "verified"), (cancelled, "cancelled")):
        entry = item.updates.get(kind="status")
        assert (entry.actor, entry.from_status, entry.to_status) == (world.sam, "open", word)
        assert entry.body == f"Status set to {word} by import of register.xlsx.csv by Sam Patel."
    page = as_user(world.carol).get(f"/r/{SLUG}/items/{verified.number}/").content.decode()
    assert "Status set to verified by import of register.xlsx.csv by Sam Patel." in page
    timeline = (
        as_user(world.vic)
        .get(f"/api/v1/relationships/{world.nw_ta.pk}/action-items/{verified.number}/comments")
        .json()
    )
    assert [(u["kind"], u["to_status"]) for u in timeline] == [("created", ""), ("status", "verified")]
    # re-importing the same file changes nothing and records nothing more
    again = do_import(world, csv_file(tmp_path, rows, name="register.xlsx.csv"), user=world.sam)
    assert again.unchanged == 3 and verified.updates.count() == 2


def test_an_updated_item_that_keeps_its_owner_may_not_move_to_a_side_the_owner_is_not_on(
    world: Any, task_force: Any, tmp_path: Path
) -> None:
    do_import(world, csv_file(tmp_path, GOOD_ROWS))  # R-1 is owned by Sam, on the supplier side
    path = csv_file(
        tmp_path,
        [["Fix the laser drift", "customer", "R-1"]],
        header=["title", "owner_side", "external_id"],
        name="sides.csv",
    )
    result = do_import(world, path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "owner_side")]
    assert "keeps its owner" in result.errors[0].reason and "Telco A" in result.errors[0].reason
    assert ActionItem.objects.get(external_id="R-1").owner_side == "supplier"
    # naming a new owner of that side moves it
    path = csv_file(
        tmp_path,
        [["Fix the laser drift", "customer", "carol@telco-a.example", "R-1"]],
        header=["title", "owner_side", "owner_email", "external_id"],
        name="sides2.csv",
    )
    assert do_import(world, path).errors == []
    moved = ActionItem.objects.get(external_id="R-1")
    assert (moved.owner_side, moved.owner) == ("customer", world.carol)


def test_an_import_that_reopens_a_done_item_clears_its_resolution_as_reopening_does(
    world: Any, tmp_path: Path
) -> None:
    header = ["title", "owner_side", "status", "external_id"]
    do_import(world, csv_file(tmp_path, [["Swap the fan", "supplier", "in progress", "F-1"]], header=header))
    item = ActionItem.objects.get(external_id="F-1")
    item.status, item.resolution = "done", "Fan swapped at all sites."
    item.save()
    result = do_import(
        world, csv_file(tmp_path, [["Swap the fan", "supplier", "open", "F-1"]], header=header)
    )
    assert result.errors == [] and result.updated == 1
    item.refresh_from_db()
    assert (item.status, item.resolution, item.done_at) == ("open", "", None)
