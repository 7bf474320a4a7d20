"""Isolation markers: every text field of the seeded tenants carries a marker naming its tenant and
visibility (seed.py); no page, list, export, e-mail, audit entry or API answer that a person gets
contains a marker they may not read (markers.py has the rule): above all, nothing of Telco A reaches
Mallory, no side reads the other side's private records, and Fay reads only her relationship's
overview and people. A model added later must seed markers into its text fields (the first test fails
until it does), and its routes are swept the day they land (sweep.py fails on a route it cannot fill).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from accord.accounts.models import User
from accord.feedback.models import Invitation as SurveyInvitation
from accord.meetings.models import Attendee
from accord.parties.models import Invitation
from tests.isolation.markers import MARKER, Viewer
from tests.isolation.seed import Seeded, viewer_of
from tests.isolation.sweep import Sweep, api_requests, page_urls

# Text fields that carry no tenant's words, each with why. Everything else must hold a seeded marker.
NOT_TENANT_TEXT = {
    "reports.ReportDefinition.sections": "codes from a fixed list",
    "reports.ReportDefinition.categories": "TL 9000 product category codes (the handbook's, global)",
    "reports.ReportDefinition.first_period": "a period code (2026-Q3)",
    "reports.ReportIssue.period": "a period code (2026-Q3)",
    "reports.ReportIssue.render_error": "the renderer's exception, shown to the supplier's leads",
    "reports.ReportFile.name": "a storage path of ids and a hash, shown nowhere",
    "reports.ReportFile.sha256": "a hash",
    "accounts.User.password": "a hash",
    "accounts.User.time_zone": "a zone name from a fixed list",
    "accounts.User.language": "a language code from settings.LANGUAGES",
    "accounts.ApiToken.key_hash": "a hash",
    "accounts.ApiToken.hint": "the token's first characters, shown to its owner only",
    "accounts.LoginFailure.email": "sign-in throttle book-keeping, shown nowhere",
    "accounts.LoginFailure.device": "sign-in throttle book-keeping, shown nowhere",
    "accounts.NotificationOptOut.kind": "a code",
    "parties.Party.slug": "an identifier in the URLs the sweep requests itself",
    "parties.Relationship.slug": "an identifier in the URLs the sweep requests itself",
    "parties.Relationship.time_zone": "a zone name from a fixed list",
    "parties.Relationship.item_prefix": "a short code (TLA) in item numbers",
    "parties.Site.time_zone": "a zone name from a fixed list",
    "parties.ProductCategory.code": "TL 9000's published categories, the same for everyone",
    "parties.ProductCategory.name": "TL 9000's published categories, the same for everyone",
    "parties.ProductCategory.normalization_unit": "TL 9000's published categories, the same for everyone",
    "parties.ProductCategory.table_release": "TL 9000's published categories, the same for everyone",
    "audit.AuditEvent.verb": "a code",
    "audit.AuditEvent.object_type": "a code",
    "audit.AuditEvent.object_id": "a primary key",
    "register.ActionItem.source_id": "the primary key of the record an item came from",
    "register.ActionUpdate.proposed": "a proposal's date and user id (its words are its body, seeded)",
    "operations.Benchmark.measure": "a TL 9000 measure code (a benchmark's values are numbers)",
    "operations.Benchmark.month": "YYYY-MM",
    "operations.ImportBatch.kind": "an import kind's code",
    "operations.ImportBatch.sha256": "a hash",
    "operations.ImportBatch.runner": "host:pid of the process that ran it",
    "operations.ImportBatch.message": "the runner's own words (a failure's exception class, a missing file)",
    "operations.ImportBatch.read_as": "the system's own words for how it read the file (separator, encoding)",
    "measurements.MonthlyFact.category": "a category code (facts are numbers)",
    "measurements.MonthlyFact.month": "YYYY-MM",
    "measurements.MonthlyFact.key": "a measure code",
    "measurements.MonthlyFact.dim": "a dimension code",
    "system.JobRun.job": "periodic job book-keeping, no tenant's data",
    "system.JobRun.slot": "periodic job book-keeping, no tenant's data",
    "system.JobRun.outcome": "periodic job book-keeping (counts), no tenant's data",
    "attachments.Attachment.parent_kind": "a code (action-item)",
    "attachments.Attachment.content_type": "a sniffed type from a fixed list",
    "attachments.Attachment.sha256": "a hash",
    "meetings.Forecast.month": "YYYY-MM",
    "meetings.Meeting.time_zone": "a zone name from a fixed list",
    "meetings.TemplateItem.binding": "a data section's code",
    "meetings.AgendaItem.binding": "a data section's code",
    "meetings.Attendee.token_hash": "a hash",
    "meetings.CalendarFeed.token_hash": "a hash",
    "meetings.MinutesRevision.pdf": "a stored file's generated name (meeting id, random hex)",
    "meetings.MinutesRevision.pdf_sha256": "a hash",
    "meetings.Pack.file": "a stored file's generated name (meeting id, random hex)",
    "meetings.Pack.sha256": "a hash",
    "expectations.Revision.measure": "a TL 9000 measure code",
    "expectations.Revision.category": "a category code (or ALL)",
    "expectations.Revision.effective_month": "YYYY-MM",
    "expectations.Assessment.month": "YYYY-MM",
    "expectations.Gap.since": "YYYY-MM",
    "expectations.Gap.opened_month": "YYYY-MM",
    "expectations.Gap.last_month": "YYYY-MM",
    "expectations.Gap.closed_month": "YYYY-MM",
    "expectations.Gap.tracked_by": "a TL 9000 measure code",
    "feedback.TemplateArea.key": "a slug made from an area's title (the title carries the marker)",
    "feedback.Invitation.nonce": "random hex",
    "feedback.Invitation.token_hash": "a hash",
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)

# Who is swept: the stranger, each side's admin and editor, the facilitator. (Viewers read what their
# party's editors read; the access matrix holds their status codes. Sweeping them too adds 25 %.)
PEOPLE = ["mallory", "carol", "tara", "sam", "ada", "fay"]
# What each person must have seen at least once (the sweep reached their own records).
MUST_SEE = {
    "mallory": {("TB", "CUS"), ("TB", "SH"), ("PTB", "OWN")},
    "carol": {("TA", "CUS"), ("AN", "SUP"), ("TA", "SH"), ("PTA", "OWN")},
    "tara": {("TA", "CUS"), ("AN", "SUP")},
    "sam": {("TA", "SUP"), ("TB", "SUP"), ("AN", "CUS"), ("PNW", "OWN")},
    "ada": {("TA", "SUP"), ("TB", "SUP"), ("AN", "CUS"), ("PNW", "OWN")},
    "fay": {("TA", "SH")},
}


def text_fields() -> list[tuple[Any, str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        if model.__module__.startswith("accord.")
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices
    ]


def test_every_text_field_carries_a_marker(seeded: Seeded) -> None:
    """A model with text must be seeded with markers in seed.py (or its field listed above, with why)."""
    unmarked, stale = [], set(NOT_TENANT_TEXT)
    for model, name in text_fields():
        label = f"{model._meta.label}.{name}"
        stale.discard(label)
        if label in NOT_TENANT_TEXT:
            continue
        values = model.objects.values_list(name, flat=True)
        if not any(MARKER.search(v if isinstance(v, str) else json.dumps(v)) for v in values if v):
            unmarked.append(label)
    assert not unmarked, (
        f"Seed isolation markers into these text fields (tests/isolation/seed.py): {unmarked}"
    )
    assert not stale, f"These excluded fields no longer exist: {sorted(stale)}"


def _text_attachments(message: Any) -> str:
    """The text parts attached to an e-mail (a meeting's .ics), where markers travel too."""
    found = []
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload(decode=True)
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace") if not content.startswith(b"%PDF") else ""
        found.append(str(content or "").replace("\r\n ", ""))  # an .ics folds its long lines
    return "\n".join(found)


def test_every_email_shows_its_recipient_only_what_they_may_see(seeded: Seeded) -> None:
    """Invitations, assignments, status changes (sent while seeding) and the daily digests."""
    assert len(seeded.mail) >= 10, "the seed sends assignment, status, invitation and digest e-mails"
    leaks = []
    for message in seeded.mail:
        text = f"{message.subject}\n{message.body}\n{_text_attachments(message)}"
        assert seeded.marks.found(text), f"e-mail {message.subject!r} names nothing seeded: what is it?"
        for address in message.to:
            user = User.objects.filter(email=address).first()
            if user is not None:
                viewer = viewer_of(user)
            elif attending := list(Attendee.objects.filter(email=address, user=None)):
                # an external meeting guest: the meetings they are invited to
                rels = frozenset(a.meeting.relationship_id for a in attending)
                viewer = Viewer(address, frozenset(), attends=rels)
            elif answering := list(SurveyInvitation.objects.filter(email=address, user=None)):
                # a customer person asked for feedback by link: the surveys they are invited to
                rels = frozenset(i.survey.relationship_id for i in answering)
                viewer = Viewer(address, frozenset(), responds=rels)
            else:  # an invitation to someone not signed up yet: they see what they are invited to
                invitation = Invitation.objects.get(email=address)
                parties = frozenset({invitation.party_id} if invitation.party_id else set())
                guest_of = frozenset({invitation.guest_of_id} if invitation.guest_of_id else set())
                viewer = Viewer(address, parties, guest_of)
            bad = seeded.marks.forbidden(viewer, text)
            if bad:
                leaks.append(f"e-mail {message.subject!r} to {address} shows {sorted(bad)}")
    assert not leaks, "\n".join(leaks)


def _sweep(
    seeded: Seeded, person: str, client: Client, *, pages: bool, writes: bool, label: str = ""
) -> Sweep:
    viewer = seeded.viewer(person)
    sweep = Sweep(label or person, lambda text: seeded.marks.forbidden(viewer, text))
    started = time.monotonic()
    if pages:
        sweep.crawl(client, ["/", *page_urls(seeded)], seeded.marks.found)
    sweep.call_api(client, api_requests(seeded, writes=writes), seeded.marks.found)
    statuses = dict(sorted(sweep.statuses.items()))
    took = time.monotonic() - started
    print(
        f"\nisolation sweep, {sweep.person}: {sweep.requests} requests in {took:.1f} s, statuses {statuses}"
    )
    return sweep


def _assert_clean(
    seeded: Seeded, person: str, sweep: Sweep, must_see: set[tuple[str, str]] | None = None
) -> None:
    assert not sweep.leaks, f"{len(sweep.leaks)} leaks:\n" + "\n".join(sweep.leaks[:50])
    reached = {(seeded.marks.meanings[m].scope, seeded.marks.meanings[m].vis) for m in sweep.seen_markers}
    expected = MUST_SEE[person] if must_see is None else must_see
    assert expected <= reached, f"{person}'s sweep never reached {expected - reached}"


@pytest.mark.parametrize("person", PEOPLE)
def test_nobody_sees_a_marker_they_may_not_read(seeded: Seeded, person: str) -> None:
    """Every page (and the links on it), every API operation with every seeded id, every export.
    Mallory also sends every API write to every id, with a body that passes validation."""
    client = Client()
    client.force_login(seeded.people[person])
    sweep = _sweep(seeded, person, client, pages=True, writes=person == "mallory")
    _assert_clean(seeded, person, sweep)


def test_mallory_with_an_api_token_sees_nothing_of_telco_a(seeded: Seeded) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.tokens['mallory']}")
    sweep = _sweep(seeded, "mallory", client, pages=False, writes=True, label="mallory (API token)")
    _assert_clean(seeded, "mallory", sweep, must_see={("TB", "CUS"), ("TB", "SH")})
