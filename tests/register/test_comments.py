"""Comments that reach people: who hears of a comment (owner, requester, earlier commenters, whom it
@mentions; never its author; one e-mail per person), their preferences, privacy, refused mentions,
the page and the API, the daily digest and a real SMTP round trip."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accord.accounts import preferences
from accord.parties.models import Role
from accord.register import emails, services
from accord.register.models import ActionUpdate
from tests.register.test_notifications import Collector, acc, recipients, smtp_server  # noqa: F401


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def say(world: Any, commit: Any, who: Any, body: str, item: Any = None) -> ActionUpdate:
    mail.outbox.clear()
    with commit():
        return services.comment(access=acc(who, world.nw_ta), item=item or world.item, body=body)


# --- who hears of a comment ----------------------------------------------------------------------------


def test_a_comment_tells_the_owner_and_the_requester_but_not_its_author(world: Any, commit: Any) -> None:
    # TLA-0001: owned by Sam, requested by Carol
    say(world, commit, world.ada, "Looking into it.")
    assert sorted(recipients()) == sorted([world.sam.email, world.carol.email])
    assert all(m.subject.startswith("[TLA-0001] new comment:") for m in mail.outbox)
    assert "Ada Quinn commented." in mail.outbox[0].body and "Looking into it." in mail.outbox[0].body


def test_earlier_commenters_hear_of_later_comments(world: Any, commit: Any) -> None:
    say(world, commit, world.ada, "First.")
    say(world, commit, world.sam, "Second.")
    assert sorted(recipients()) == sorted([world.carol.email, world.ada.email])


def test_a_mention_tells_whom_it_mentions_once_even_when_they_are_also_the_owner(
    world: Any, commit: Any
) -> None:
    update = say(world, commit, world.carol, "@Sam Patel and again @sam@northwind.example, @Vic Romero")
    assert list(update.mentioned.order_by("full_name")) == [world.sam, world.vic]
    assert sorted(recipients()) == sorted([world.sam.email, world.vic.email])
    sam_mail = next(m for m in mail.outbox if m.to == [world.sam.email])
    assert sam_mail.subject == "[TLA-0001] Carol Nguyen mentioned you: Root-cause the line card returns"


def test_mentioning_yourself_sends_nothing(world: Any, commit: Any) -> None:
    say(world, commit, world.sam, "@Sam Patel note to self")
    assert world.carol.email in recipients() and world.sam.email not in recipients()


def test_preferences_turn_off_comments_and_mentions_separately(world: Any, commit: Any) -> None:
    preferences.set_opt_outs(user=world.carol, kinds_off={"comment"})
    preferences.set_opt_outs(user=world.vic, kinds_off={"mention"})
    say(world, commit, world.sam, "Update. @Vic Romero FYI")
    assert recipients() == []  # Carol wants no comments; Vic no mentions
    preferences.set_opt_outs(user=world.carol, kinds_off={"mention"})
    say(world, commit, world.sam, "@Carol Nguyen please confirm")
    # Carol turned mentions off but still wants comments on the item she requested: one e-mail
    assert recipients() == [world.carol.email]
    assert "new comment" in mail.outbox[0].subject


def test_a_private_item_never_tells_the_other_side(world: Any, commit: Any) -> None:
    # Carol commented on the shared item earlier; she must not hear of the private one
    say(world, commit, world.carol, "On the shared one.")
    say(world, commit, world.sam, "Internal note.", item=world.private_item)
    assert recipients() == [world.ada.email]


def test_a_mention_of_someone_who_may_not_see_the_item_is_refused_and_nothing_is_saved(
    world: Any, commit: Any
) -> None:
    before = ActionUpdate.objects.count()
    for body, typed in [
        ("@Carol Nguyen have a look", "@Carol"),  # the other side, on a private item
        ("@Mallory Stone look", "@Mallory"),  # another tenant
        ("@mallory@telco-b.example look", "@mallory@telco-b.example"),
        ("@Nobody Here look", "@Nobody"),
    ]:
        with pytest.raises(ValidationError) as caught:
            say(world, commit, world.sam, body, item=world.private_item)
        message = caught.value.message_dict["body"][0]
        assert message.startswith(f"{typed} is not the name or e-mail of someone who may see this item")
        assert "Stone" not in message.replace(typed, "") and "Telco B" not in message
    assert ActionUpdate.objects.count() == before and mail.outbox == []


def test_the_refusal_is_the_same_for_a_stranger_and_for_someone_who_does_not_exist(
    world: Any, commit: Any
) -> None:
    def refusal(name: str) -> str:
        with pytest.raises(ValidationError) as caught:
            say(world, commit, world.sam, f"@{name} hi")
        return caught.value.message_dict["body"][0].replace(name, "NAME")

    assert refusal("Mallory") == refusal("Zed")


def test_a_name_two_people_who_see_the_item_share_is_refused_and_their_e_mail_is_taken(
    world: Any, commit: Any
) -> None:
    from tests.conftest import make_user

    namesake = make_user("sam.patel@telco-a.example", "Sam Patel", world.telco_a, Role.EDITOR)
    before = ActionUpdate.objects.count()
    with pytest.raises(ValidationError) as caught:
        say(world, commit, world.carol, "@Sam Patel please look")
    assert caught.value.message_dict["body"][0].startswith("@Sam Patel is the name of more than one person")
    assert ActionUpdate.objects.count() == before
    update = say(world, commit, world.carol, "@sam.patel@telco-a.example please look")
    assert list(update.mentioned.all()) == [namesake]


# --- the page and the API ----------------------------------------------------------------------------


def test_a_refused_mention_re_renders_the_form_with_the_typed_text(world: Any, as_user: Any) -> None:
    response = as_user(world.sam).post(
        f"/r/northwind-telco-a/items/{world.private_item.key}/comment/",
        {"body": "@Carol Nguyen see the margin"},
        follow=True,
    )
    page = response.content.decode()
    # refused: back (303) to the item page, the typed text and the reason kept (lib/forms.keep_failed)
    assert response.redirect_chain == [(f"/r/northwind-telco-a/items/{world.private_item.key}/#comment", 303)]
    assert not ActionUpdate.objects.filter(item=world.private_item, kind="comment").exists()
    assert "@Carol is not the name or e-mail of someone who may see this item" in page
    assert "@Carol Nguyen see the margin</textarea>" in page


def test_the_comment_box_has_completion_from_a_static_script(world: Any, as_user: Any) -> None:
    page = as_user(world.carol).get("/r/northwind-telco-a/items/1/").content.decode()
    assert "accord/mentions.js" in page and "data-mentions" in page
    assert 'data-people-url="/r/northwind-telco-a/items/1/people/"' in page


def test_completion_offers_only_people_who_may_see_the_item(world: Any, as_user: Any) -> None:
    shared = as_user(world.sam).get("/r/northwind-telco-a/items/1/people/").json()["people"]
    names = {p["name"] for p in shared}
    assert {"Carol Nguyen", "Vic Romero", "Sam Patel", "Ada Quinn"} <= names
    assert "Mallory Stone" not in names and "Fay Facilitator" not in names
    private = as_user(world.sam).get(f"/r/northwind-telco-a/items/{world.private_item.key}/people/")
    assert {p["name"] for p in private.json()["people"]} == {"Ada Quinn", "Sam Patel", "Val Ortiz"}
    found = as_user(world.sam).get("/r/northwind-telco-a/items/1/people/", {"q": "ngu"}).json()["people"]
    assert found == [{"name": "Carol Nguyen", "email": "carol@telco-a.example"}]
    hidden = as_user(world.carol).get(f"/r/northwind-telco-a/items/{world.private_item.key}/people/")
    assert hidden.status_code == 404


def test_the_api_stores_mentions_and_refuses_unknown_ones(world: Any, as_user: Any) -> None:
    url = f"/api/v1/relationships/{world.nw_ta.pk}/action-items/1/comments"
    client = as_user(world.sam)
    ok = client.post(url, {"body": "@Carol Nguyen please confirm"}, content_type="application/json")
    assert ok.status_code == 201 and [p["full_name"] for p in ok.json()["mentioned"]] == ["Carol Nguyen"]
    bad = client.post(url, {"body": "@Mallory Stone hi"}, content_type="application/json")
    assert bad.status_code == 400 and "@Mallory is not" in bad.json()["fields"]["body"][0]
    timeline = client.get(url).json()
    assert timeline[-1]["mentioned"][0]["id"] == world.carol.pk


# --- the daily digest --------------------------------------------------------------------------------


def test_the_daily_digest_lists_yesterdays_mentions(world: Any, commit: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=1), tick=False):
        say(world, commit, world.sam, "@Vic Romero can you check the returns?")
    say(world, commit, world.sam, "@Vic Romero today's, for tomorrow")
    mail.outbox.clear()
    assert emails.send_digests(timezone.localdate(now)) >= 1
    vic = [m for m in mail.outbox if m.to == [world.vic.email]]
    assert len(vic) == 1
    assert vic[0].subject.endswith(", 1 mention")
    assert "You were mentioned" in vic[0].body and "can you check the returns?" in vic[0].body
    assert "today's, for tomorrow" not in vic[0].body


def test_the_digest_leaves_out_mentions_on_items_no_longer_visible(world: Any, commit: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=1), tick=False):
        say(world, commit, world.sam, "@Carol Nguyen ping")
    world.item.visibility, world.item.private_party = "private", world.northwind
    world.item.save()
    mail.outbox.clear()
    emails.send_digests(timezone.localdate(now))
    assert world.carol.email not in recipients()


# --- a real SMTP server ------------------------------------------------------------------------------


@pytest.mark.smtp
def test_a_mention_goes_out_through_a_real_smtp_server_once(
    world: Any,
    commit: Any,
    settings: Any,
    smtp_server: tuple[Collector, int],  # noqa: F811
) -> None:
    collector, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    say(world, commit, world.sam, "@Carol Nguyen please confirm")
    carol = [e for e in collector.messages if e.rcpt_tos == [world.carol.email]]
    assert len(carol) == 1 and len(collector.messages) == 1
    message = email.message_from_bytes(carol[0].original_content, policy=policy.default)
    assert message["Subject"] == "[TLA-0001] Sam Patel mentioned you: Root-cause the line card returns"
    assert "please confirm" in message.get_content()
