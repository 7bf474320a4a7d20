"""Comments that reach people, and planning by the owning side, in a real browser.

Sam (Northwind, supplier editor) mentions Carol (Telco A, customer editor) in a comment on the shared
item TLA-0001, choosing her from the completion list; Carol receives exactly one e-mail through a
real SMTP server on loopback. Carol proposes a new due date for the supplier's item, and Sam accepts
it with one click.
"""

from __future__ import annotations

import email
from email import policy
from typing import Any

import pytest
from playwright.sync_api import expect

from accord.register.models import ActionItem
from tests.browser.helpers import sign_in
from tests.register.test_notifications import Collector, smtp_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "/r/northwind-telco-a/items/1/"


@pytest.mark.smtp
def test_sam_mentions_carol_and_she_receives_exactly_one_email(
    open_page: Any,
    world: Any,
    settings: Any,
    smtp_server: tuple[Collector, int],  # noqa: F811
) -> None:
    collector, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    sam = open_page()
    sign_in(sam, world.sam)
    sam.goto(ITEM)
    box = sam.get_by_label("Comment")
    box.click()
    box.press_sequentially("@Caro")
    choice = sam.get_by_test_id("mention-list").get_by_role("option", name="Carol Nguyen")
    expect(choice).to_be_visible()
    expect(sam.get_by_test_id("mention-list").get_by_role("option")).to_have_count(1)
    choice.dispatch_event("mousedown")
    expect(box).to_have_value("@Carol Nguyen ")
    box.press_sequentially("please confirm")
    sam.get_by_role("button", name="Comment", exact=True).click()
    expect(sam.get_by_test_id("timeline")).to_contain_text("@Carol Nguyen please confirm")

    to_carol = [e for e in collector.messages if world.carol.email in e.rcpt_tos]
    assert len(to_carol) == 1  # requester and mentioned: one e-mail
    assert to_carol[0].rcpt_tos == [world.carol.email]
    message = email.message_from_bytes(to_carol[0].original_content, policy=policy.default)
    assert message["Subject"] == "[TLA-0001] Sam Patel mentioned you: Root-cause the line card returns"
    assert "@Carol Nguyen please confirm" in message.get_content()


def test_a_mention_of_someone_elsewhere_is_refused_and_the_text_kept(open_page: Any, world: Any) -> None:
    sam = open_page()
    sign_in(sam, world.sam)
    sam.goto(ITEM)
    sam.get_by_label("Comment").fill("@Mallory Stone have a look")
    sam.get_by_role("button", name="Comment", exact=True).click()
    expect(
        sam.get_by_text("@Mallory is not the name or e-mail of someone who may see this item")
    ).to_be_visible()
    expect(sam.get_by_label("Comment")).to_have_value("@Mallory Stone have a look")


def test_carol_proposes_a_new_due_date_and_sam_accepts_it(open_page: Any, world: Any) -> None:
    carol, sam = open_page(), open_page()
    sign_in(carol, world.carol)
    carol.goto(ITEM)
    proposal = carol.get_by_role("region", name="Propose a new due date or owner")
    proposal.get_by_label("New due date").fill("2031-01-31")
    proposal.get_by_label("Why?").fill("Our lab slot moved to January.")
    proposal.get_by_role("button", name="Propose").click()
    expect(carol.get_by_text("Your proposal is waiting for the owning side.")).to_be_visible()
    expect(carol.get_by_test_id("proposal")).to_contain_text("due date 2031-01-31")
    expect(carol.get_by_role("button", name="Accept")).to_have_count(0)

    sign_in(sam, world.sam)
    sam.goto(ITEM)
    expect(sam.get_by_role("region", name="Propose a new due date or owner")).to_have_count(0)
    expect(sam.get_by_test_id("proposal")).to_contain_text("Our lab slot moved to January.")
    sam.get_by_role("button", name="Accept").click()
    expect(sam.get_by_text("Proposal accepted: due date 2031-01-31.")).to_be_visible()
    expect(sam.get_by_test_id("proposal")).to_contain_text("Accepted")
    expect(sam.get_by_test_id("proposal")).to_contain_text("Sam Patel")
    item = ActionItem.objects.get(pk=world.item.pk)
    assert str(item.due_date) == "2031-01-31" and item.due_moves == 1
