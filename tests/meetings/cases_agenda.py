"""The access matrix's cases for the agenda part (collected through ``access_cases``): Telco A's
quality review (``helpers.review``): both sides read its agenda, templates and packs, writers of
both sides change them, viewers get 403, Mallory and Fay (not her team's meeting) the one 404."""

from __future__ import annotations

from typing import Any

from tests.access import REL, TA, Case, readers, writers
from tests.meetings.helpers import review

AGENDA = REL + "/meetings/{meeting_id}/agenda"
TEMPLATES = REL + "/agenda-templates/{meeting_kind}"
PACKS = REL + "/meetings/{meeting_id}/packs"


def _meeting(w: Any) -> int:
    return review(w).pk


def _item(w: Any) -> int:
    return review(w).agenda_items.order_by("position").values_list("pk", flat=True)[0]


def _template_item(w: Any) -> int:
    from accord.meetings import services

    return services.template_for(w.nw_ta, "quality_review").items.order_by("position")[0].pk


def _pack(w: Any) -> int:
    """Sam's pre-read of the review (made on first use in the test's world)."""
    from accord.meetings import packs
    from accord.parties.access import access_from

    found = getattr(w, "_pack", None)
    if found is None:
        found = packs.send(access=access_from(w.sam, w.nw_ta), meeting=review(w)).pk
        w._pack = found
    return found


def _page(suffix: str) -> Any:
    return lambda w: f"/r/{TA}/meetings/{_meeting(w)}/{suffix}"


def _api(suffix: str = "") -> Any:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/meetings/{_meeting(w)}{suffix}"


def _templates(suffix: str = "") -> Any:
    return lambda w: f"/api/v1/relationships/{w.nw_ta.pk}/agenda-templates/quality_review{suffix}"


TEMPLATE_PAGE = f"/r/{TA}/meetings/templates/quality_review/"

PAGES: dict[str, Case] = {
    "meetings:agenda": Case("GET", _page("agenda/"), readers(200)),
    "meetings:agenda_add": Case(
        "POST",
        _page("agenda/add/"),
        writers(303),
        data=lambda w: {"title": "Spares", "minutes_allotted": "5"},
    ),
    "meetings:agenda_preview": Case("GET", _page("agenda/preview.pdf"), readers(200)),
    "meetings:agenda_item": Case("GET", lambda w: _page(f"agenda/{_item(w)}/edit/")(w), writers(200)),
    "meetings:agenda_remove": Case("POST", lambda w: _page(f"agenda/{_item(w)}/remove/")(w), writers(303)),
    "meetings:agenda_move": Case(
        "POST",
        lambda w: _page(f"agenda/{_item(w)}/move/")(w),
        writers(303),
        data=lambda w: {"direction": "down"},
    ),
    "meetings:pack_send": Case("POST", _page("packs/send/"), writers(303)),
    "meetings:pack": Case("GET", lambda w: _page(f"packs/{_pack(w)}.pdf")(w), readers(200)),
    "meetings:agenda_template": Case("GET", lambda w: TEMPLATE_PAGE, readers(200)),
    "meetings:template_item": Case(
        "GET", lambda w: f"{TEMPLATE_PAGE}{_template_item(w)}/edit/", writers(200)
    ),
    "meetings:template_remove": Case(
        "POST", lambda w: f"{TEMPLATE_PAGE}{_template_item(w)}/remove/", writers(303)
    ),
    "meetings:template_move": Case(
        "POST",
        lambda w: f"{TEMPLATE_PAGE}{_template_item(w)}/move/",
        writers(303),
        data=lambda w: {"direction": "down"},
    ),
}


def _order(w: Any) -> dict[str, Any]:
    return {"order": list(review(w).agenda_items.order_by("-position").values_list("pk", flat=True))}


def _template_order(w: Any) -> dict[str, Any]:
    from accord.meetings import services

    template = services.template_for(w.nw_ta, "quality_review")
    return {"order": list(template.items.order_by("-position").values_list("pk", flat=True))}


API: dict[tuple[str, str], Case] = {
    ("GET", AGENDA): Case("GET", _api("/agenda"), readers(200, 401)),
    ("POST", AGENDA): Case("POST", _api("/agenda"), writers(201, 401), data=lambda w: {"title": "Spares"}),
    ("POST", AGENDA + "/order"): Case("POST", _api("/agenda/order"), writers(200, 401), data=_order),
    ("PATCH", AGENDA + "/{item_id}"): Case(
        "PATCH",
        lambda w: _api(f"/agenda/{_item(w)}")(w),
        writers(200, 401),
        data=lambda w: {"version": 1, "minutes_allotted": 5},
    ),
    ("DELETE", AGENDA + "/{item_id}"): Case(
        "DELETE", lambda w: _api(f"/agenda/{_item(w)}")(w), writers(204, 401)
    ),
    ("GET", TEMPLATES): Case("GET", _templates(), readers(200, 401)),
    ("POST", TEMPLATES): Case("POST", _templates(), writers(201, 401), data=lambda w: {"title": "Spares"}),
    ("POST", TEMPLATES + "/order"): Case(
        "POST", _templates("/order"), writers(200, 401), data=_template_order
    ),
    ("PATCH", TEMPLATES + "/{item_id}"): Case(
        "PATCH",
        lambda w: _templates(f"/{_template_item(w)}")(w),
        writers(200, 401),
        data=lambda w: {"minutes": 5},
    ),
    ("DELETE", TEMPLATES + "/{item_id}"): Case(
        "DELETE", lambda w: _templates(f"/{_template_item(w)}")(w), writers(204, 401)
    ),
    ("GET", PACKS): Case("GET", _api("/packs"), readers(200, 401)),
    ("POST", PACKS): Case("POST", _api("/packs"), writers(201, 401)),
    ("GET", PACKS + "/{pack_id}"): Case("GET", lambda w: _api(f"/packs/{_pack(w)}")(w), readers(200, 401)),
}
