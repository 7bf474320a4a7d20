"""The invitation link, the one page of Accord open without an account: it shows its own survey and
nothing else, works until it expires or its answers are submitted, is throttled, never opens another
relationship's survey, and validates every answer like any form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accord.attachments.models import Attachment
from accord.feedback import door, services
from accord.feedback.areas import COMMENT_MAX
from accord.feedback.models import DoorHit, Proposal, Response
from accord.feedback.services import Invitee
from tests.feedback.helpers import GRACE, access, areas, invitation, survey, token

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post(client: Any, s: Any, values: dict[str, str], action: str = "submit", **files: Any) -> Any:
    ids = areas(s)
    data: dict[str, Any] = {"action": action}
    for key, value in values.items():
        field, _sep, area = key.partition(":")
        data[f"{field}-{ids[area]}"] = value
    data.update(files)
    return client.post(f"/f/{token(s)}/", data)


def test_the_link_opens_its_survey_and_nothing_else(world: Any, client: Any) -> None:
    s = survey(world)
    page = client.get(f"/f/{token(s)}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert s.title in body and "Product delivery" in body
    for elsewhere in (
        "/r/northwind-telco-a/",
        "Root-cause the line card returns",
        "margin impact",
        "Relationships",
    ):
        assert elsewhere not in body
    assert page["Referrer-Policy"] == "same-origin" and "noindex" in page["X-Robots-Tag"]


def test_a_customer_person_without_an_account_answers_and_the_link_then_stops_working(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    s = survey(world)
    mail.outbox.clear()
    given = {
        "rating:delivery": "2",
        "comment:delivery": "Late crates",
        "rating:quality": "5",
        "rating:invoices": "na",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = _post(client, s, given)
    assert done.status_code == 200 and b"feedback is submitted" in done.content
    response = Response.objects.get(survey=s)
    assert response.submitted and response.answers.get(area__key="invoices").not_applicable
    assert Proposal.objects.filter(survey=s, answer__area__key="delivery").exists()
    assert {m.to[0] for m in mail.outbox} == {"ada@northwind.example", "sam@northwind.example"}
    again = client.get(f"/f/{token(s)}/")
    assert again.status_code == 404 and b"does not open a survey" in again.content
    assert _post(client, s, {"rating:quality": "1"}).status_code == 404


def test_the_link_stops_working_after_it_expires(world: Any, client: Any) -> None:
    s = survey(world, days=3)
    assert client.get(f"/f/{token(s)}/").status_code == 200
    with time_machine.travel(invitation(s).expires_at + timedelta(seconds=1)):
        assert client.get(f"/f/{token(s)}/").status_code == 404


def test_a_link_works_only_while_the_survey_is_open_and_a_new_link_ends_the_old(
    world: Any, client: Any
) -> None:
    draft = survey(world, open_it=False)
    assert client.get(f"/f/{token(draft)}/").status_code == 404
    s = survey(world, title="Second visit")
    old = token(s)
    services.send_again(access=access(world), invitation=invitation(s))
    assert client.get(f"/f/{old}/").status_code == 404
    assert client.get(f"/f/{token(s)}/").status_code == 200


def test_a_member_s_invitation_answers_signed_in_only(world: Any, client: Any) -> None:
    s = survey(world)
    assert client.get(f"/f/{token(s, 'carol@telco-a.example')}/").status_code == 404


def test_unknown_tokens_are_throttled_by_address(world: Any, client: Any) -> None:
    s = survey(world)
    for n in range(door.MISSES_MAX):
        assert client.get(f"/f/guess-{n}/").status_code == 404
    refused = client.get(f"/f/{token(s)}/")  # even a good link waits: the address is guessing
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    other = client.get(f"/f/{token(s)}/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
    with time_machine.travel(timezone.now() + door.WINDOW + timedelta(seconds=1)):
        assert client.get(f"/f/{token(s)}/").status_code == 200
    assert DoorHit.objects.filter(miss=True).count() == door.MISSES_MAX


def test_a_link_of_one_relationship_never_opens_or_writes_another_s_survey(world: Any, client: Any) -> None:
    ta = survey(world)
    tb = services.create_survey(
        access=access(world, world.sam, world.nw_tb), title="Lyon CO visit", closes_on=ta.closes_on
    )
    services.invite(
        access=access(world, world.sam, world.nw_tb),
        survey=tb,
        invitees=[Invitee(function="operation", email="ops@telco-b.example")],
    )
    tb = services.open_survey(access=access(world, world.sam, world.nw_tb), survey=tb)
    page = client.get(f"/f/{token(tb, 'ops@telco-b.example')}/").content.decode()
    assert "Lyon CO visit" in page and ta.title not in page and "Telco A" not in page
    # an area of Telco A's survey posted through Telco B's link: refused, nothing stored
    forged = client.post(
        f"/f/{token(tb, 'ops@telco-b.example')}/",
        {"action": "submit", f"rating-{areas(ta)['delivery']}": "1"},
    )
    assert forged.status_code == 400 and b"not in this survey" in forged.content
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rating:delivery": "6"}, b"Select a valid choice"),
        ({"rating:delivery": "0"}, b"Select a valid choice"),
        ({"comment:delivery": "x" * (COMMENT_MAX + 1)}, b"at most 2000 characters"),
    ],
)
def test_a_bad_answer_re_renders_with_its_message_and_stores_nothing(
    world: Any, client: Any, values: dict[str, str], message: bytes
) -> None:
    s = survey(world)
    refused = _post(client, s, values)
    assert refused.status_code == 400 and message in refused.content
    assert not Response.objects.exists()
    assert client.get(f"/f/{token(s)}/").status_code == 200  # the link still works


def test_a_forged_area_id_is_refused(world: Any, client: Any) -> None:
    s = survey(world)
    forged = client.post(f"/f/{token(s)}/", {"action": "submit", "rating-999999": "3"})
    assert forged.status_code == 400 and b"not in this survey" in forged.content
    assert not Response.objects.exists()


def test_the_form_autosaves_a_draft_and_a_bad_field_is_named(world: Any, client: Any) -> None:
    s = survey(world)
    saved = _post(client, s, {"rating:delivery": "3", "comment:quality": "Half done"}, action="autosave")
    assert saved.status_code == 200 and b"Draft saved at" in saved.content
    draft = Response.objects.get(survey=s)
    assert not draft.submitted and draft.answers.get(area__key="delivery").rating == 3
    page = client.get(f"/f/{token(s)}/").content.decode()
    assert "Half done" in page  # the draft comes back
    bad = _post(client, s, {"comment:quality": "x" * (COMMENT_MAX + 1)}, action="autosave")
    assert b"Not saved" in bad.content


def test_a_photo_per_area_is_kept_with_the_answer(world: Any, client: Any) -> None:
    s = survey(world)
    ids = areas(s)
    photo = SimpleUploadedFile("crate.png", PNG, content_type="image/png")
    done = client.post(
        f"/f/{token(s)}/",
        {"action": "submit", f"rating-{ids['delivery']}": "2", f"file-{ids['delivery']}": photo},
    )
    assert done.status_code == 200
    stored = Attachment.objects.get(parent_kind="feedback-answer")
    assert (
        stored.name == "crate.png" and stored.uploaded_by is None and stored.relationship_id == world.nw_ta.pk
    )
    assert invitation(s).email == GRACE
