"""The demo's reports tell their story on any reference day: Telco A's quarterly quality report (every
section; a year of published issues, one corrected by a second revision; the latest quarter a draft that
only Northwind sees), Telco B's monthly report of returns, delivery and support, and Photon Optics'
quarterly report that Northwind receives. The commentary says what the numbers did. Built here for the
reference day; tests/test_demo_any_day.py runs these stories on many more."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from django.core import mail
from django.http import Http404

from accord.lib.demo import DemoContext
from accord.measurements import engine
from accord.reports import access, periods, render, rendering, services
from accord.reports.demo import bad_returns
from accord.reports.demo_content import (
    BAD_AT_LEAST,
    CORRECTION,
    FIRST_CAUSE,
    FOUND_CAUSE,
    PHOTON,
    SPECS,
    TELCO_A,
    TELCO_B,
    block,
)
from accord.reports.models import (
    Edition,
    IssueStatus,
    Period,
    RenderState,
    ReportDefinition,
    ReportIssue,
    Section,
)
from tests.conftest import DEMO_DAY, demo_built_for

DEFECT = "resetting with a DSP over-temperature alarm"
PUBLISHED = {TELCO_A: 4, TELCO_B: 12, PHOTON: 4}
MOVE = re.compile(
    r"\((?P<code>[A-Z]+\.[A-Z0-9_]+)\) (?P<word>rose|fell) from (?P<a>[\d.,]+)[^\d]+?to (?P<b>[\d.,]+)"
)


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoContext]:
    with django_db_blocker.unblock(), demo_built_for(DEMO_DAY, files=True) as ctx:
        yield ctx


@pytest.fixture
def demo(demo_world: DemoContext, db: Any) -> DemoContext:
    return demo_world


def definition(demo: DemoContext, slug: str) -> ReportDefinition:
    found = list(ReportDefinition.objects.filter(relationship=demo.relationships[slug]))
    assert len(found) == 1, slug
    return found[0]


def issues(demo: DemoContext, slug: str, **filters: Any) -> list[ReportIssue]:
    return list(
        ReportIssue.objects.filter(relationship=demo.relationships[slug], **filters).order_by(
            "period", "revision"
        )
    )


def test_each_relationship_has_the_report_its_customer_asked_for(demo: DemoContext) -> None:
    people = {u.pk: key for key, u in demo.people.items()}
    telco_a = definition(demo, TELCO_A)
    assert telco_a.title == "Quarterly quality report" and telco_a.period == Period.QUARTERLY
    assert telco_a.sections == [s.value for s in Section] and telco_a.benchmarks == "position"
    assert {people[u.pk] for u in telco_a.recipients.all()} == {"carol", "tom"}
    latest = issues(demo, TELCO_A)[-1]
    # ALL and each of Telco A's categories with data: routers, optical transport, microwave radios
    assert list(latest.data["categories"]) == [engine.ALL, "1.2.7", "3.2.1", "3.3.1"]
    telco_b = definition(demo, TELCO_B)
    assert telco_b.period == Period.MONTHLY and telco_b.sections == ["returns", "delivery", "support"]
    assert {people[u.pk] for u in telco_b.recipients.all()} == {"mallory", "ben"}
    photon = definition(demo, PHOTON)
    assert photon.period == Period.QUARTERLY and photon.sections == ["returns", "delivery"]
    assert {people[u.pk] for u in photon.recipients.all()} == {"ada", "lena"}
    assert people[photon.created_by_id] == "ines"  # Photon is the supplier: its editor defined it


def test_each_report_has_a_year_of_published_issues(demo: DemoContext) -> None:
    for spec in SPECS:
        published = issues(demo, spec.slug, status=IssueStatus.PUBLISHED)
        found = [i.period for i in published if i.revision == 1]
        assert len(found) == PUBLISHED[spec.slug], spec.slug
        # consecutive periods, the earliest the definition's first one
        assert found == [periods.shift(found[0], n) for n in range(len(found))], spec.slug
        assert found[0] == definition(demo, spec.slug).first_period
        end = datetime.combine(demo.today, time.min, tzinfo=UTC)
        for issue in published:
            assert issue.render_state == RenderState.READY and issue.published_at is not None
            assert issue.published_by_id == demo.people[spec.editor].pk
            assert issue.created_at < issue.published_at < end, issue
            assert periods.last_day(issue.period) < issue.created_at.date()
            assert issue.commentary.get("overall"), issue
            formats = {f.format for f in issue.files.all() if f.edition == Edition.CUSTOMER}
            assert formats == {"html", "pdf", "xlsx"}, issue
        # the files are the ones rendered: their SHA-256 vouches for the bytes
        for f in published[-1].files.all():
            assert hashlib.sha256(rendering.read_file(f)).hexdigest() == f.sha256


def test_the_latest_telco_a_quarter_waits_for_adas_commentary(demo: DemoContext) -> None:
    found = issues(demo, TELCO_A)
    drafts = [i for i in found if i.status == IssueStatus.DRAFT]
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.period == max(i.period for i in found) and draft.commentary == {}
    assert draft.render_state == RenderState.READY
    assert {f.format for f in draft.files.filter(edition=Edition.CUSTOMER)} == {"html", "pdf", "xlsx"}
    spec = next(s for s in SPECS if s.slug == TELCO_A)
    assert draft.period == periods.latest_due("quarterly", demo.today, spec.after_days)
    slug, number = TELCO_A, draft.definition.number
    seen, _ = access.issue_for_user(demo.people["ada"], slug=slug, number=number, period=draft.period)
    assert seen == draft
    for who in ("carol", "tom", "vic"):
        with pytest.raises(Http404):
            access.issue_for_user(demo.people[who], slug=slug, number=number, period=draft.period)


def test_the_schedule_has_nothing_left_to_generate_on_the_day(demo: DemoContext) -> None:
    # every due period has its issue: ``accord tick`` on the demo's day generates none
    now = datetime.combine(demo.today, time(12), tzinfo=UTC)
    assert services.schedule(now) == (0, 0)
    assert ReportIssue.objects.filter(render_state=RenderState.PENDING).count() == 0


def test_one_telco_a_quarter_was_corrected(demo: DemoContext) -> None:
    corrected = issues(demo, TELCO_A, revision=2)
    assert len(corrected) == 1 and ReportIssue.objects.filter(revision__gt=1).count() == 1
    second = corrected[0]
    first = ReportIssue.objects.get(definition=second.definition, period=second.period, revision=1)
    assert second.reason == CORRECTION and second.status == first.status == IssueStatus.PUBLISHED
    assert first.published_at is not None and second.published_at is not None
    assert first.published_at < second.published_at
    # the quarter of the transponder card defect, whose first issue blamed the firmware
    assert bad_returns(demo.relationships[TELCO_A], second.period) >= BAD_AT_LEAST
    assert FIRST_CAUSE in first.commentary["returns"] and FOUND_CAUSE in second.commentary["returns"]
    # Carol reads the correction, and the first revision still
    carol, number = demo.people["carol"], second.definition.number
    latest, _ = access.issue_for_user(carol, slug=TELCO_A, number=number, period=second.period)
    assert latest == second
    kept, _ = access.issue_for_user(carol, slug=TELCO_A, number=number, period=second.period, revision=1)
    assert kept == first


def test_the_commentary_says_what_the_numbers_did(demo: DemoContext) -> None:
    checked = 0
    for issue in ReportIssue.objects.filter(status=IssueStatus.PUBLISHED).select_related("relationship"):
        for key, text in issue.commentary.items():
            for found in MOVE.finditer(text):
                code = found["code"]
                b = block(issue.data, key)
                assert b is not None, (issue, key)
                now, before = b["period"][code][5], b["previous"][code][5]
                assert found["a"] == render.number(before, code) and found["b"] == render.number(now, code)
                assert (found["word"] == "rose") == (now > before), (issue, text)
                checked += 1
        if DEFECT in issue.commentary.get("returns", ""):
            assert bad_returns(issue.relationship, issue.period) >= BAD_AT_LEAST, issue
    assert checked > 20


def test_the_transponder_card_defect_is_telco_as_story(demo: DemoContext) -> None:
    told = [
        i.period
        for i in issues(demo, TELCO_A, status=IssueStatus.PUBLISHED)
        if DEFECT in i.commentary.get("returns", "")
    ]
    assert told, "no published quarter tells of the transponder card returns"


def test_who_reads_which_issues(demo: DemoContext) -> None:
    def periods_seen(who: str, slug: str) -> list[tuple[str, int, str]]:
        found, _ = access.relationship_issues(demo.people[who], slug=slug)
        return sorted(found.values_list("period", "revision", "status"))

    published_a = [(i.period, i.revision, i.status) for i in issues(demo, TELCO_A, status="published")]
    assert len(published_a) == PUBLISHED[TELCO_A] + 1  # and the correction
    for who in ("carol", "vic", "tom"):
        assert periods_seen(who, TELCO_A) == published_a, who
    for who in ("ada", "sam", "val"):
        assert len(periods_seen(who, TELCO_A)) == PUBLISHED[TELCO_A] + 2, who  # the draft too
    assert len(periods_seen("mallory", TELCO_B)) == PUBLISHED[TELCO_B]
    with pytest.raises(Http404):
        access.relationship_issues(demo.people["mallory"], slug=TELCO_A)
    with pytest.raises(Http404):
        access.relationship_issues(demo.people["fay"], slug=TELCO_A)
    # Northwind is Photon's customer: its members read Photon's published reports in their portal
    for who in ("ada", "sam", "val", "lena"):
        assert len(periods_seen(who, PHOTON)) == PUBLISHED[PHOTON], who
    latest = issues(demo, PHOTON)[-1]
    f, _ = access.file_for_user(
        demo.people["ada"], slug=PHOTON, number=latest.definition.number, period=latest.period, fmt="pdf"
    )
    assert len(rendering.read_file(f)) == f.size
    with pytest.raises(Http404):  # a customer reads the customer's edition only
        access.file_for_user(
            demo.people["ada"],
            slug=PHOTON,
            number=latest.definition.number,
            period=latest.period,
            fmt="pdf",
            edition="internal",
        )


def test_nobody_was_emailed_about_the_invented_year(demo: DemoContext) -> None:
    assert mail.outbox == []
