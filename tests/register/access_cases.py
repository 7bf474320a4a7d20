"""The access matrix's cases for register's routes (collected by ``tests/test_access_matrix.py``).

The action item register of Telco A's relationship: both sides read, writers write; no facilitator,
no Mallory.
"""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, WRITERS, Case, everyone, readers, rel_of, rel_url, writers


def proposal(w: Any) -> int:
    """Carol (the customer, the other side of the supplier's TLA-0001) proposes a new due date."""
    from datetime import date

    from accord.parties.access import access_from
    from accord.register import proposals

    access = access_from(w.carol, w.nw_ta)
    assert access is not None
    return proposals.propose(access=access, item=w.item, due_date=date(2031, 1, 31), propose_due=True).pk


# The owning side (Northwind) decides; the other side (Carol) proposes; viewers do neither.
OWNING_SIDE = everyone(403, ada=302, sam=302, mallory=404, fay=404)
# the owning side is refused with the reason, back on the item page (303, lib/forms.keep_failed)
OTHER_SIDE = everyone(403, ada=303, sam=303, carol=302, mallory=404, fay=404)

PAGES: dict[str, Case] = {
    # The register of Telco A's relationship: both sides read, writers write; no facilitator, no Mallory.
    "register:my_items": Case("GET", lambda w: "/my/items/", everyone(200)),
    "register:list": Case("GET", lambda w: f"/r/{TA}/items/", everyone(200, mallory=404, fay=404)),
    "register:create": Case("GET", lambda w: f"/r/{TA}/items/new/", WRITERS),
    "register:export": Case(
        "GET", lambda w: f"/r/{TA}/items/export.csv", everyone(200, mallory=404, fay=404)
    ),
    "register:import": Case("GET", lambda w: f"/r/{TA}/items/import/", WRITERS),
    "register:import_errors": Case("GET", lambda w: f"/r/{TA}/items/import/errors.csv", WRITERS),
    "register:item": Case("GET", lambda w: f"/r/{TA}/items/1/", everyone(200, mallory=404, fay=404)),
    "register:edit": Case("GET", lambda w: f"/r/{TA}/items/1/edit/", WRITERS),
    # Starting work is the owning side's (Northwind's): Carol may comment but not start it.
    "register:transition": Case(
        "POST",
        lambda w: f"/r/{TA}/items/1/transition/",
        everyone(403, ada=302, sam=302, mallory=404, fay=404),
        data=lambda w: {"action": "start", "version": 1},
    ),
    "register:comment": Case(
        "POST", lambda w: f"/r/{TA}/items/1/comment/", writers(302), data=lambda w: {"body": "Logs attached."}
    ),
    "register:quick": Case(
        "POST",
        lambda w: f"/r/{TA}/items/1/quick/",
        WRITERS,
        data=lambda w: {"version": 1, "due_date": "2030-02-28"},
    ),
    "register:propose": Case(
        "POST", lambda w: f"/r/{TA}/items/1/propose/", OTHER_SIDE, data=lambda w: {"due_date": "2031-01-31"}
    ),
    "register:decide": Case(
        "POST",
        lambda w: f"/r/{TA}/items/1/proposals/{proposal(w)}/accepted/",
        OWNING_SIDE,
        data=lambda w: {"version": 1},
    ),
    "register:people": Case(
        "GET", lambda w: f"/r/{TA}/items/1/people/?q=car", everyone(200, mallory=404, fay=404)
    ),
    "register:task_forces": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/", everyone(200, mallory=404, fay=404)
    ),
    "register:task_force": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/{w.task_force.pk}/", everyone(200, mallory=404, fay=404)
    ),
    "register:task_force_edit": Case(
        "GET", lambda w: f"/r/{TA}/task-forces/{w.task_force.pk}/edit/", WRITERS
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", REL + "/action-items"): Case("GET", rel_url("/action-items"), readers(200, 401)),
    ("POST", REL + "/action-items"): Case(
        "POST",
        rel_url("/action-items"),
        writers(201, 401),
        data=lambda w: {"title": "New item", "owner_side": "joint"},
    ),
    ("GET", REL + "/action-items/{number}"): Case("GET", rel_url("/action-items/1"), readers(200, 401)),
    ("PATCH", REL + "/action-items/{number}"): Case(
        "PATCH",
        rel_url("/action-items/1"),
        writers(200, 401),
        data=lambda w: {"version": 1, "priority": "high"},
    ),
    ("POST", REL + "/action-items/{number}/transitions"): Case(
        "POST",
        rel_url("/action-items/1/transitions"),
        everyone(403, anonymous=401, ada=200, sam=200, mallory=404, fay=404),
        data=lambda w: {"action": "start", "version": 1},
    ),
    ("GET", REL + "/action-items/{number}/comments"): Case(
        "GET", rel_url("/action-items/1/comments"), readers(200, 401)
    ),
    ("POST", REL + "/action-items/{number}/comments"): Case(
        "POST", rel_url("/action-items/1/comments"), writers(201, 401), data=lambda w: {"body": "Noted."}
    ),
    ("GET", REL + "/action-items/{number}/owners"): Case(
        "GET", rel_url("/action-items/1/owners"), readers(200, 401)
    ),
    ("POST", REL + "/action-items/{number}/proposals"): Case(
        "POST",
        rel_url("/action-items/1/proposals"),
        everyone(403, anonymous=401, ada=400, sam=400, carol=201, mallory=404, fay=404),
        data=lambda w: {"due_date": "2031-01-31"},
    ),
    ("POST", REL + "/action-items/{number}/proposals/{proposal_id}/accept"): Case(
        "POST",
        lambda w: f"{rel_of(w)}/action-items/1/proposals/{proposal(w)}/accept",
        everyone(403, anonymous=401, ada=200, sam=200, mallory=404, fay=404),
        data=lambda w: {"version": 1},
    ),
    ("POST", REL + "/action-items/{number}/proposals/{proposal_id}/decline"): Case(
        "POST",
        lambda w: f"{rel_of(w)}/action-items/1/proposals/{proposal(w)}/decline",
        everyone(403, anonymous=401, ada=200, sam=200, mallory=404, fay=404),
        data=lambda w: {"version": 1},
    ),
    ("GET", REL + "/task-forces"): Case("GET", rel_url("/task-forces"), readers(200, 401)),
    ("POST", REL + "/task-forces"): Case(
        "POST", rel_url("/task-forces"), writers(201, 401), data=lambda w: {"name": "Delivery task force"}
    ),
    ("GET", REL + "/task-forces/{tf_id}"): Case(
        "GET", lambda w: f"{rel_of(w)}/task-forces/{w.task_force.pk}", readers(200, 401)
    ),
    ("PATCH", REL + "/task-forces/{tf_id}"): Case(
        "PATCH",
        lambda w: f"{rel_of(w)}/task-forces/{w.task_force.pk}",
        writers(200, 401),
        data=lambda w: {"version": 1, "charter": "x"},
    ),
}
