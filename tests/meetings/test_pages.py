"""The meetings pages: the list (upcoming first, past below), scheduling with the cadence's proposals,
the meeting page, changing, cancelling and inviting; a facilitator sees her team's meetings only and a
stranger gets the 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accord.meetings.models import Attendee, Kind, Meeting, Status
from accord.operations.models import InstalledBase
from tests.meetings.helpers import at, review, schedule, team_meeting

TA = "/r/northwind-telco-a/meetings/"


def _form(w: Any, **more: Any) -> dict[str, Any]:
    values = {
        "kind": Kind.QUALITY_REVIEW,
        "title": "",
        "starts_at": "2031-03-10T09:00",
        "ends_at": "2031-03-10T13:00",
        "time_zone": "Europe/Berlin",
        "site": str(w.nw_site.pk),
        "host_side": "supplier",
        "invitees": [str(w.carol.pk)],
        "guests": "",
    }
    values.update(more)
    return values


def test_the_list_shows_upcoming_meetings_first_and_past_ones_below(world: Any, as_user: Any) -> None:
    soon = schedule(world, title="Soon review", days=5)
    later = schedule(world, title="Later review", days=60)
    past = schedule(world, title="Spring review", days=-200)
    body = as_user(world.carol).get(TA).content.decode()
    upcoming, _sep, below = body.partition('id="past-title"')
    assert upcoming.index(soon.title) < upcoming.index(later.title)
    assert past.title in below and past.title not in upcoming

    # a past meeting whose minutes are not approved yet says so, on the list and on its page
    row = below[below.index(past.title) :]
    assert row.index("Minutes pending") < row.index("</tr>")
    assert "Minutes pending" not in upcoming
    assert "Minutes pending" in as_user(world.carol).get(f"{TA}{past.pk}/").content.decode()


def test_the_list_filters_by_kind(world: Any, as_user: Any) -> None:
    schedule(world, title="Team day", kind=Kind.SET)
    schedule(world, title="Quarterly program", kind=Kind.PROGRAM_REVIEW)
    body = as_user(world.sam).get(TA + "?kind=set").content.decode()
    assert "Team day" in body and "Quarterly program" not in body


def test_the_list_takes_the_same_number_of_queries_for_many_meetings(world: Any, as_user: Any) -> None:
    client = as_user(world.sam)
    for days in (5, -40):
        schedule(world, days=days, invitees=[world.carol, world.vic])
    client.get(TA)
    with CaptureQueriesContext(connection) as few:
        client.get(TA)
    for days in (6, 7, 8, -41, -42, -80, -120):
        schedule(world, days=days, kind=Kind.PROGRAM_REVIEW, invitees=[world.carol, world.vic])
    with CaptureQueriesContext(connection) as many:
        response = client.get(TA)
    assert response.content.decode().count("/meetings/") > 9
    assert len(many) == len(few)


def test_fay_sees_her_teams_meetings_only(world: Any, as_user: Any) -> None:
    hidden = review(world)
    team = team_meeting(world)
    client = as_user(world.fay)
    body = client.get(TA).content.decode()
    assert f"{TA}{team.pk}/" in body and f"{TA}{hidden.pk}/" not in body
    assert client.get(f"{TA}{team.pk}/").status_code == 200
    assert client.get(f"{TA}{hidden.pk}/").status_code == 404
    mine = client.get("/my/meetings/").content.decode()
    assert f"{TA}{team.pk}/" in mine and f"{TA}{hidden.pk}/" not in mine


def test_fay_has_the_meetings_tab_and_her_home_leads_to_her_teams_meetings(world: Any, as_user: Any) -> None:
    team_meeting(world)
    client = as_user(world.fay)
    assert f'href="{TA}"' in client.get("/r/northwind-telco-a/").content.decode()
    home = client.get("/").content.decode()
    assert f'href="{TA}"' in home and "Your team&#x27;s meetings" in home


def test_mallory_gets_404_for_telco_as_meetings(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.mallory)
    for url in (TA, f"{TA}{meeting.pk}/", f"{TA}{meeting.pk}/edit/", f"{TA}new/", f"{TA}{meeting.pk + 999}/"):
        assert client.get(url).status_code == 404, url
    assert "/meetings/" + str(meeting.pk) not in client.get("/my/meetings/").content.decode()


def test_viewers_read_a_meeting_without_its_actions(world: Any, as_user: Any) -> None:
    meeting = review(world)
    body = as_user(world.vic).get(f"{TA}{meeting.pk}/").content.decode()
    assert escape(meeting.title) in body and "Carol" in body
    assert "Cancel this meeting" not in body and "/edit/" not in body


def test_the_meeting_page_shows_both_time_zones_agenda_minutes_and_files(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    world.carol.time_zone = "America/New_York"
    world.carol.save()
    body = client.get(f"{TA}{meeting.pk}/").content.decode()
    assert "(Europe/Berlin)" in body
    assert body.count("09:00") >= 1 and "03:00" in body  # 9:00 Berlin is 3:00 in New York
    assert 'id="agenda"' in body and 'id="minutes"' in body and 'id="attachments"' in body


def test_scheduling_proposes_a_site_visit_after_a_review_at_the_organizations_location(
    world: Any, as_user: Any
) -> None:
    schedule(world, days=-60)  # a quality review at Stuttgart HQ, the supplier's site
    body = as_user(world.sam).get(TA + "new/?kind=quality_review").content.decode()
    assert "the next one is a customer site visit" in body
    assert 'href="?kind=site_visit"' in body


def test_a_site_visit_preselects_the_customer_site_with_young_equipment(world: Any, as_user: Any) -> None:
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(
        in_service_date=timezone.localdate() - timedelta(days=120)
    )
    response = as_user(world.sam).get(TA + "new/?kind=site_visit")
    form = response.context["form"]
    assert form["site"].value() == world.ta_site.pk
    assert form["host_side"].value() == "customer"
    assert "site-warning" not in response.content.decode()


def test_a_site_visit_warns_when_no_site_qualifies(world: Any, as_user: Any) -> None:
    InstalledBase.objects.filter(pk=world.ta_installed.pk).update(in_service_date=date(2020, 1, 1))
    body = as_user(world.sam).get(TA + "new/?kind=site_visit").content.decode()
    assert 'data-testid="site-warning"' in body


def test_scheduling_makes_the_meeting_with_invitees_guests_and_a_default_title(
    world: Any, as_user: Any
) -> None:
    response = as_user(world.sam).post(
        TA + "new/?kind=quality_review", _form(world, guests="Jane Roe <jane@example.com>\n\nbob@example.com")
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{TA}{meeting.pk}/"
    assert meeting.title == "Quality review at the organization's location, March 2031"
    assert meeting.starts_at.hour == 8  # 09:00 in Berlin is 08:00 UTC in March
    people = {a.user or a.email for a in meeting.attendees.all()}
    assert people == {world.sam, world.carol, "jane@example.com", "bob@example.com"}


def test_a_form_with_errors_comes_back_with_what_was_typed_and_every_bad_guest_line(
    world: Any, as_user: Any
) -> None:
    typed = _form(
        world,
        title="Spring review",
        ends_at="2031-03-10T08:00",
        guests="Jane <jane@example.com>\nnot an address\nx <y>",
    )
    response = as_user(world.sam).post(TA + "new/?kind=quality_review", typed)
    body = response.content.decode()
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "The meeting must end after it starts." in body
    assert "Line 2:" in body and "Line 3:" in body and "Line 1:" not in body
    assert 'value="Spring review"' in body and "not an address" in body
    assert f'value="{world.carol.pk}" checked' in body or "checked" in body


def test_a_meeting_needs_a_site_or_a_remote_link(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).post(TA + "new/", _form(world, site=""))
    assert "Choose a site of either party or give a remote link." in response.content.decode()
    ok = as_user(world.sam).post(TA + "new/", _form(world, site="", remote_link="https://meet.example.com/x"))
    assert ok.status_code == 302


def test_editing_from_a_stale_version_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    meeting = review(world)
    edit = f"{TA}{meeting.pk}/edit/"
    as_user(world.carol).post(edit, _form(world, title="Carol's title", version=1))
    response = as_user(world.sam).post(edit, _form(world, title="Sam's title", version=1))
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="Sam&#x27;s title"' in body and "Carol&#x27;s title" in body
    assert body.count("Now saved:") == 1  # only the title differs: the times read in the meeting's zone
    meeting.refresh_from_db()
    assert meeting.title == "Carol's title"


def test_cancelling_with_a_reason(world: Any, as_user: Any) -> None:
    meeting = review(world)
    response = as_user(world.carol).post(f"{TA}{meeting.pk}/cancel/", {"version": 1, "reason": "Strike"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED


def test_a_stale_cancel_goes_back_to_the_meeting_page_with_its_message(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.carol)
    response = client.post(f"{TA}{meeting.pk}/cancel/", {"version": 7, "reason": "Strike"})
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "Someone else changed this record" in page and "Strike" in page


def test_inviting_and_uninviting(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.sam)
    client.post(
        f"{TA}{meeting.pk}/invite/", {"invitees": [str(world.vic.pk)], "guests": "Ann <ann@example.com>"}
    )
    assert meeting.attendees.filter(user=world.vic).exists()
    assert meeting.attendees.filter(email="ann@example.com").exists()
    carol = meeting.attendees.get(user=world.carol)
    client.post(f"{TA}{meeting.pk}/attendees/{carol.pk}/remove/")
    assert not Attendee.objects.filter(pk=carol.pk).exists()


def test_a_bad_invitation_is_reported_on_the_meeting_page(world: Any, as_user: Any) -> None:
    meeting = review(world)
    client = as_user(world.sam)
    response = client.post(f"{TA}{meeting.pk}/invite/", {"guests": "nobody"})
    page = client.get(response["Location"]).content.decode()
    assert "Line 1:" in page and "nobody" in page


def test_the_cadence_settings_change_the_months(world: Any, as_user: Any) -> None:
    client = as_user(world.ada)
    page = client.get(TA + "cadence/")
    assert page.status_code == 200
    response = client.post(
        TA + "cadence/",
        {"version": 1, "set_months": 4, "quality_review_months": 6, "program_review_months": 2},
    )
    assert response.status_code == 302
    assert world.nw_ta.cadence.set_months == 4 and world.nw_ta.cadence.version == 2
    assert as_user(world.vic).get(TA + "cadence/").status_code == 403


def test_the_overview_shows_the_next_meeting_and_a_broken_cadence(world: Any, as_user: Any) -> None:
    type(world.nw_ta).objects.filter(pk=world.nw_ta.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    nxt = schedule(world, title="Spring program review", kind=Kind.PROGRAM_REVIEW, days=10)
    body = as_user(world.carol).get("/r/northwind-telco-a/").content.decode()
    assert escape(nxt.title) in body
    assert 'data-testid="cadence-broken"' in body  # no team meeting in over a year
    fay = as_user(world.fay).get("/r/northwind-telco-a/").content.decode()
    assert escape(nxt.title) not in fay and 'data-approach="B"' not in fay and 'data-approach="A"' in fay


def test_the_home_page_names_the_next_meeting_and_a_broken_cadence(world: Any, as_user: Any) -> None:
    type(world.nw_ta).objects.filter(pk=world.nw_ta.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    meeting = schedule(world, days=10)
    home = as_user(world.sam).get("/").content.decode()
    assert f"{TA}{meeting.pk}/" in home
    assert "cadence broken" in home
    _ = at
