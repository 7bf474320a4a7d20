"""E-mail about action items: who hears what, opting out, privacy, the daily digest, and a real SMTP
round trip. Tasks run at once in tests (ImmediateBackend); e-mail is enqueued after commit, so every
write runs inside ``django_capture_on_commit_callbacks(execute=True)``."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import policy
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accord.accounts import preferences
from accord.accounts.models import NotificationOptOut
from accord.audit.models import AuditEvent
from accord.lib import notify
from accord.parties.access import access_from
from accord.register import services
from accord.register.models import ActionItem, DigestSent, OwnerSide, Visibility


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """``with commit(): ...`` runs the on-commit hooks (so the e-mail goes out) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def acc(user: Any, rel: Any) -> Any:
    access = access_from(user, rel)
    assert access is not None
    return access


def recipients() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


def item_link(item: ActionItem) -> str:
    return settings.ACCORD_BASE_URL + f"/r/{item.relationship.slug}/items/{item.key}/"


def new_item(
    world: Any, commit: Any, *, by: Any, owner: Any, side: str = OwnerSide.SUPPLIER, **kw: Any
) -> Any:
    with commit():
        item = services.create_item(
            access=acc(by, world.nw_ta),
            title="Root-cause OTX-100 returns",
            owner_side=side,
            owner=owner,
            **kw,
        )
    return item


# --- assignment --------------------------------------------------------------------------------------


def test_the_new_owner_is_told_when_someone_else_assigns_an_item(world: Any, commit: Any) -> None:
    item = new_item(world, commit, by=world.sam, owner=world.ada)
    assert recipients() == [world.ada.email]
    message = mail.outbox[0]
    assert message.subject == f"[{item.reference}] assigned to you: Root-cause OTX-100 returns"
    assert "Sam Patel assigned this action item to you." in message.body


def test_nobody_is_told_when_you_assign_an_item_to_yourself(world: Any, commit: Any) -> None:
    new_item(world, commit, by=world.sam, owner=world.sam)
    assert mail.outbox == []


def test_reassigning_tells_the_new_owner_only(world: Any, commit: Any) -> None:
    item = new_item(world, commit, by=world.sam, owner=world.sam)
    with commit():
        services.update_item(
            access=acc(world.sam, world.nw_ta), item=item, version=item.version, owner=world.ada
        )
    assert recipients() == [world.ada.email]
    mail.outbox.clear()
    item.refresh_from_db()
    with commit():  # a change that does not touch the owner sends nothing
        services.update_item(
            access=acc(world.sam, world.nw_ta), item=item, version=item.version, due_date=date(2027, 1, 1)
        )
    assert mail.outbox == []


# --- status changes ----------------------------------------------------------------------------------


def test_done_asks_the_requester_on_the_other_side_to_verify(world: Any, commit: Any) -> None:
    item = new_item(world, commit, by=world.carol, owner=world.sam)
    mail.outbox.clear()
    with commit():
        item = services.transition(
            access=acc(world.sam, world.nw_ta),
            item=item,
            version=item.version,
            action="done",
            note="8D published",
        )
    assert recipients() == [world.carol.email]  # the owner did it, so only the requester hears
    message = mail.outbox[0]
    assert message.subject == f"[{item.reference}] done, please verify: Root-cause OTX-100 returns"
    assert "Please confirm whether the action was effective." in message.body
    assert "8D published" in message.body


def test_a_status_change_reaches_owner_and_requester_but_never_the_actor(world: Any, commit: Any) -> None:
    item = new_item(world, commit, by=world.carol, owner=world.sam)
    mail.outbox.clear()
    with commit():  # Ada, of the owning side, marks Sam's item done
        item = services.transition(
            access=acc(world.ada, world.nw_ta), item=item, version=item.version, action="done", note="Fixed"
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert set(subjects) == {world.carol.email, world.sam.email}
    assert subjects[world.carol.email].startswith(f"[{item.reference}] done, please verify")
    assert subjects[world.sam.email] == f"[{item.reference}] Done: Root-cause OTX-100 returns"
    mail.outbox.clear()
    with commit():  # Carol verifies: the owner hears; Carol, the actor, does not
        services.transition(
            access=acc(world.carol, world.nw_ta), item=item, version=item.version, action="verify"
        )
    assert recipients() == [world.sam.email]
    assert mail.outbox[0].subject == f"[{item.reference}] Verified: Root-cause OTX-100 returns"
    assert "Carol Nguyen changed the status from done to verified." in mail.outbox[0].body


# --- opting out --------------------------------------------------------------------------------------


def test_a_kind_someone_turned_off_is_not_sent(world: Any, commit: Any) -> None:
    preferences.set_opt_outs(user=world.ada, kinds_off={"assigned"})
    preferences.set_opt_outs(user=world.carol, kinds_off={"verify"})
    item = new_item(world, commit, by=world.carol, owner=world.ada)
    assert mail.outbox == []
    with commit():
        services.transition(
            access=acc(world.ada, world.nw_ta), item=item, version=item.version, action="done", note="Fixed"
        )
    assert mail.outbox == []


def test_opt_outs_are_validated_audited_and_replaced_as_a_whole(world: Any) -> None:
    with pytest.raises(ValidationError):
        preferences.set_opt_outs(user=world.ada, kinds_off={"assigned", "newsletter"})
    assert preferences.opt_outs(world.ada) == set()
    preferences.set_opt_outs(user=world.ada, kinds_off={"digest", "status"})
    preferences.set_opt_outs(user=world.ada, kinds_off={"digest", "status"})  # no change, no event
    preferences.set_opt_outs(user=world.ada, kinds_off={"verify"})
    assert preferences.opt_outs(world.ada) == {"verify"}
    events = AuditEvent.objects.filter(verb="notifications.updated", actor=world.ada).order_by("at", "id")
    assert [e.changes["opt_outs"] for e in events] == [
        [[], ["digest", "status"]],
        [["digest", "status"], ["verify"]],
    ]


def test_the_profile_page_turns_kinds_on_and_off(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    page = client.get("/accounts/profile/").content.decode()
    assert "E-mail notifications" in page and 'name="digest"' in page and "checked" in page
    # every kind stays on (other apps' kinds too) but the digest and the requests to verify
    kept_on = {k.value: "on" for k in notify.kinds() if k.value not in ("digest", "verify")}
    response = client.post("/accounts/profile/notifications/", kept_on)
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert preferences.opt_outs(world.carol) == {"digest", "verify"}
    page = client.get("/accounts/profile/").content.decode()
    assert "E-mail notifications saved." in page
    assert 'name="digest" class="form-check-input" id="id_digest">' in page  # shown unchecked now
    reload = as_user(world.carol).get("/accounts/profile/notifications/")  # a GET goes to the page
    assert reload.status_code == 303 and reload["Location"] == "/accounts/profile/"


def test_a_bad_notification_post_re_renders_the_profile_with_the_error(world: Any, as_user: Any) -> None:
    client = as_user(world.carol)
    with mock.patch.object(preferences, "set_opt_outs", side_effect=ValidationError({"kinds_off": "Nope."})):
        response = client.post("/accounts/profile/notifications/", {"assigned": "on"})
    assert response.status_code == 400
    assert "Nope." in response.content.decode() and "E-mail notifications" in response.content.decode()
    assert not NotificationOptOut.objects.filter(user=world.carol).exists()


# --- privacy -----------------------------------------------------------------------------------------


def test_a_private_northwind_item_never_mails_telco_a_even_its_requester(world: Any, commit: Any) -> None:
    rel = world.nw_ta
    # Carol (Telco A) raises a shared item for Sam; Northwind cannot make it private while she requests it,
    # nor create a private item naming her as requester: she could never see it.
    item = new_item(world, commit, by=world.carol, owner=world.sam)
    with pytest.raises(ValidationError) as exc, commit():
        services.update_item(
            access=acc(world.sam, rel), item=item, version=item.version, visibility=Visibility.PRIVATE
        )
    assert "requested_by" in exc.value.message_dict
    with pytest.raises(ValidationError), commit():
        new_item(
            world,
            commit,
            by=world.sam,
            owner=world.sam,
            visibility=Visibility.PRIVATE,
            requested_by=world.carol,
        )
    item = new_item(world, commit, by=world.sam, owner=world.sam, visibility=Visibility.PRIVATE)
    other = new_item(world, commit, by=world.ada, owner=world.sam, visibility=Visibility.PRIVATE)
    mail.outbox.clear()
    for it in (item, other):
        for by, action, note in [
            (world.ada, "start", ""),
            (world.ada, "done", "Done internally"),
            (world.ada, "cancel", "Dropped"),
            (world.ada, "reopen", "Needed after all"),
        ]:
            with commit():
                it = services.transition(
                    access=acc(by, rel), item=it, version=it.version, action=action, note=note
                )
        with commit():
            services.update_item(access=acc(world.sam, rel), item=it, version=it.version, owner=world.ada)
    assert recipients(), "Northwind people are still told"
    telco_a = {world.carol.email, world.vic.email}
    assert not telco_a & set(recipients())
    assert set(recipients()) <= {world.sam.email, world.ada.email}


# --- the daily digest --------------------------------------------------------------------------------


def tick_at(moment: datetime) -> None:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("tick", stdout=mock.MagicMock())


def test_tick_sends_each_owner_one_digest_a_day(world: Any, commit: Any) -> None:
    day = date(2026, 3, 10)
    rel = world.nw_ta
    sam = acc(world.sam, rel)

    def item(title: str, owner: Any, due: date, side: str = OwnerSide.SUPPLIER, by: Any = world.sam) -> Any:
        with commit():
            return services.create_item(
                access=acc(by, rel), title=title, owner=owner, owner_side=side, due_date=due
            )

    late = item("Publish PCN-2026-14 impact analysis", world.sam, day - timedelta(days=3))
    soon = item("Update installation guide for MW-E outdoor units", world.sam, day + timedelta(days=7))
    later = item("Agree RMA turnaround target", world.sam, day + timedelta(days=8))
    closed = item("Old overdue thing", world.sam, day - timedelta(days=30))
    with commit():
        services.transition(access=sam, item=closed, version=closed.version, action="done", note="Done")
    item("Plan next quality review", world.ada, day + timedelta(days=30))  # Ada: nothing due
    carols = item(
        "Customer to provide alarm logs from Munich core",
        world.carol,
        day + timedelta(days=1),
        side=OwnerSide.CUSTOMER,
        by=world.carol,
    )
    mail.outbox.clear()

    tick_at(datetime(day.year, day.month, day.day, 6, 5, tzinfo=UTC))
    digests = {m.to[0]: m for m in mail.outbox}
    assert set(digests) == {world.sam.email, world.carol.email}
    sams = digests[world.sam.email]
    assert sams.subject == "Your action items: 1 overdue, 1 due within 7 days"
    assert late.reference in sams.body and item_link(late) in sams.body
    assert soon.reference in sams.body and item_link(soon) in sams.body
    assert later.reference not in sams.body and closed.reference not in sams.body
    assert sams.body.index("Overdue") < sams.body.index(late.reference) < sams.body.index("Due within 7 days")
    assert carols.reference in digests[world.carol.email].body
    assert DigestSent.objects.filter(day=day).count() == 2

    mail.outbox.clear()
    tick_at(datetime(day.year, day.month, day.day, 11, 5, tzinfo=UTC))  # the job runs again that day …
    assert mail.outbox == []  # … but each person had theirs already

    tick_at(datetime(day.year, day.month, day.day, 6, 5, tzinfo=UTC) + timedelta(days=1))
    assert sorted(recipients()) == sorted([world.sam.email, world.carol.email])
    next_day = {m.to[0]: m for m in mail.outbox}[world.sam.email]
    assert next_day.subject == "Your action items: 1 overdue, 2 due within 7 days"  # `later` came into range


def test_no_digest_for_someone_who_turned_it_off(world: Any, commit: Any) -> None:
    preferences.set_opt_outs(user=world.sam, kinds_off={"digest"})
    with commit():
        services.create_item(
            access=acc(world.sam, world.nw_ta), title="Overdue", owner=world.sam, due_date=date(2026, 3, 1)
        )
    tick_at(datetime(2026, 3, 10, 6, 5, tzinfo=UTC))
    assert mail.outbox == [] and not DigestSent.objects.exists()


# --- links -------------------------------------------------------------------------------------------


def test_emails_carry_the_items_absolute_link(world: Any, commit: Any) -> None:
    item = new_item(world, commit, by=world.carol, owner=world.sam)
    assert reverse("register:item", args=[item.relationship.slug, item.number]) == (
        f"/r/northwind-telco-a/items/{item.key}/"
    )
    with commit():
        services.transition(
            access=acc(world.sam, world.nw_ta), item=item, version=item.version, action="done", note="Fixed"
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert item_link(item) in message.body
        assert item_link(item).startswith("http")


# --- a real SMTP server ------------------------------------------------------------------------------


class Collector:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        controller.stop()


@pytest.mark.smtp
def test_an_assignment_goes_out_through_a_real_smtp_server(
    world: Any, commit: Any, settings: Any, smtp_server: tuple[Collector, int]
) -> None:
    collector, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    item = new_item(world, commit, by=world.carol, owner=world.sam)
    assert mail.outbox == []  # it really left through SMTP
    assert len(collector.messages) == 1
    envelope = collector.messages[0]
    assert envelope.rcpt_tos == [world.sam.email]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["To"] == world.sam.email
    assert message["Subject"] == f"[{item.reference}] assigned to you: Root-cause OTX-100 returns"
    body = message.get_content()
    assert "Carol Nguyen assigned this action item to you." in body
    assert item_link(item) in body


def test_a_joint_item_done_by_its_requester_asks_the_other_sides_admins(world: Any, commit: Any) -> None:
    # Sam raised a joint item for himself; when he marks it done, Telco A's admin is asked to verify.
    from tests.conftest import make_user

    tom = make_user("tom@telco-a.example", "Tom Alvarez", world.telco_a, "admin")
    item = new_item(world, commit, by=world.sam, owner=world.sam, side=OwnerSide.JOINT)
    mail.outbox.clear()
    with commit():
        services.transition(
            access=acc(world.sam, world.nw_ta),
            item=item,
            version=item.version,
            action="done",
            note="Joint fix deployed",
        )
    verify = [m for m in mail.outbox if "please verify" in m.subject]
    assert [m.to for m in verify] == [[tom.email]]
