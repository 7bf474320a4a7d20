"""What happened at the demo's meetings, written as history (like ``operations.demo_history``): the
minutes services are not this module's to call, so the rows are written with the models, consistent
with ``meetings.rules`` and the models' docstrings: attendance, minutes per agenda item, decisions
(``Outcome``), one approval per side (``Approval``) and the frozen revision (``MinutesRevision`` with
its snapshot; no stored PDF: rendering one per meeting would slow the demo down by seconds), a
correction (revision 2 with its reason), and the audit events those steps write.

The register's items whose source is a meeting (plain text until now) are linked to the agenda item of
the meeting they came from: the last meeting of their relationship before they were raised.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accord.audit import services as audit
from accord.lib.demo import DemoContext
from accord.meetings import minutes
from accord.meetings.demo_calendar import MINUTES_BY, PHOTON, ROLES, TELCO_A, TELCO_B, Calendar, Planned, at
from accord.meetings.demo_content import DECISIONS, MINUTES, NOTHING_NEW, TOPIC_FOLLOW_UP
from accord.meetings.models import (
    APPROACH_OF,
    AgendaItem,
    Approval,
    Attendee,
    Kind,
    Meeting,
    MinutesRevision,
    MinutesStatus,
    Outcome,
    Response,
    Status,
    Topic,
    Visibility,
)
from accord.parties.models import Side
from accord.register.models import ActionItem, SourceKind

PRESENTER = {  # agenda item key → role (``demo_calendar.ROLES``)
    "deliveries": "program",
    "forecasts": "customer_lead",
    "measurements": "quality",
    "register": "quality",
    "topics:nonconformance": "quality",
    "topics:audit_finding": "quality",
    "topics:engineering_complaint": "support",
    "topics:change_notice": "product",
    "topics:customer_concern": "customer_quality",
    "topics:organization_concern": "program",
    "topics:technical_issue": "support",
    "topics:feature_request": "product",
    "topics:quality_issue": "quality",
    "topics:ordering_issue": "program",
    "topics:improvement": "customer_quality",
    "set:1": "customer_lead",
    "set:2": "quality",
    "set:3": "quality",
    "set:4": "customer_quality",
    "set:5": "quality",
    "set:6": "customer_quality",
    "site_visit:1": "customer_ops",
    "site_visit:2": "customer_ops",
    "program_review:8": "program",
}
PRODUCTS = {  # what the minutes talk about
    TELCO_A: ("NW-OTX-TP4", "NW-R900-LC", "NW-R550", "NW-OTX-100"),
    TELCO_B: ("NW-S48", "NW-OTX-200", "NW-R550"),
    PHOTON: ("PH-QSFP-400", "PH-CFP2-DCO", "PH-EDFA-M"),
}
# Agenda items added for one topic: (relationship, kind, slot offset, topic title start, item title,
# role presenting, notes for the agenda, minutes, decision).
TOPIC_ITEMS = [
    (
        TELCO_A,
        Kind.PROGRAM_REVIEW,
        10,
        "PCN-2026-14",
        "Lab validation of PCN-2026-14 before its effective date",
        "product",
        "Lena brings the firmware 4.2 test report; Carol proposes Berlin lab slots.",
        "",
        "",
    ),
    (
        TELCO_A,
        Kind.PROGRAM_REVIEW,
        -74,
        "Zero-touch provisioning",
        "Feature request: zero-touch provisioning for R550 routers",
        "product",
        "",
        "Northwind showed the design; the first-boot configuration comes from Telco A's own server.",
        "Zero-touch provisioning is planned for R550 software 6.3; Telco A pilots it in Hamburg.",
    ),
    (
        TELCO_B,
        Kind.PROGRAM_REVIEW,
        -40,
        "Late OTX-200 deliveries",
        "Late OTX-200 shelves for the Marseille expansion",
        "program",
        "",
        "Two of the four shelves left Stuttgart; the other two wait for line amplifier modules.",
        "Northwind ships the last two shelves by air; Telco B confirms the site access windows.",
    ),
]
# The corrected program review: the decision as first approved, and as corrected.
CORRECTED = (
    "topics:quality_issue",
    "Northwind retrofits the R900-LC cards of date codes 12 to 20 in Munich core in the next maintenance "
    "window.",
    "Northwind retrofits the R900-LC cards of date codes 14 to 22 in Munich core in the next maintenance "
    "window.",
    "The retrofit decision named the wrong date codes (12 to 20 instead of 14 to 22); corrected at Telco "
    "A's request.",
)

# Which agenda item raised a register item, by words in its title: the keys tried in order.
RULES = [
    (r"forecast", ("forecasts", "deliveries")),
    (r"deliver|lead time|shipping|backlog|stock|spare|capacity", ("deliveries", "topics:improvement")),
    (r"feature request|telemetry|monitoring", ("topics:feature_request",)),
    (
        r"invoice|\bPO\b|part numbers|licen|pricing|currency|country-of-origin|label|barcode",
        ("topics:ordering_issue",),
    ),
    (r"PCN|end-of-sale|release notes|roadmap", ("topics:change_notice", "topics:technical_issue")),
    (
        r"audit|TL 9000|certificate|ESD|8D|qualif",
        ("topics:audit_finding", "topics:nonconformance", "topics:quality_issue"),
    ),
    (
        r"return|failure|root-cause|NFF|DOA|crack|drift|defect|fan|burn-in|thermal|reliability|FIT",
        ("topics:quality_issue", "topics:engineering_complaint"),
    ),
    (
        r"software|upgrade|workaround|alarm|outage|restart|flap|boot|ticket|severity|firmware|power|BGP",
        ("topics:technical_issue", "topics:engineering_complaint"),
    ),
    (r"measure|rate|report|target|turnaround|response time|availability|scorecard", ("measurements",)),
    (r"site|install|train|escalation|contact", ("topics:customer_concern", "topics:organization_concern")),
]
MEASURING = re.compile(r"measure|rate|target|turnaround|report", re.I)


def key_of(kind: str, item: AgendaItem) -> str:
    """The content key of an agenda item: its data binding, or ``<kind>:<position>`` when unbound (and
    for the shared expectations team, whose items share bindings)."""
    if kind == Kind.SET or not item.binding:
        return f"{kind}:{item.position}"
    return item.binding


def source_of(p: Planned, title: str) -> AgendaItem:
    """The agenda item of ``p``'s meeting that an action item called ``title`` came from."""
    kind = p.slot.kind
    if kind == Kind.SET:
        wanted: list[str] = ["set:6" if MEASURING.search(title) else "set:5"]
    elif kind == Kind.SITE_VISIT:
        wanted = ["site_visit:2"]
    else:
        wanted = [key for pattern, keys in RULES if re.search(pattern, title, re.I) for key in keys]
    by_key = {key_of(kind, item): item for item in reversed(p.agenda) if item.topic_id is None}
    return next((by_key[k] for k in [*wanted, "register"] if k in by_key), p.agenda[-1])


def meeting_url(meeting: Meeting, slug: str, item: AgendaItem) -> str:
    """The meeting page (``meetings:detail``), at the agenda item."""
    return f"{minutes.meeting_url(meeting, slug)}#{minutes.item_anchor(item)}"


def relink(ctx: DemoContext, planned: list[Planned]) -> dict[int, list[ActionItem]]:
    """Point each register item raised at a meeting to its agenda item; the items by agenda item."""
    held: dict[str, list[Planned]] = {}
    for p in sorted(planned, key=lambda p: p.meeting.starts_at):
        if p.slot.past:
            held.setdefault(p.slot.slug, []).append(p)
    agenda_type = ContentType.objects.get_for_model(AgendaItem)
    items = list(
        ActionItem.objects.filter(
            relationship__in=list(ctx.relationships.values()), source_kind=SourceKind.MEETING
        ).select_related("relationship", "owner")
    )
    found: dict[int, list[ActionItem]] = {}
    for item in items:
        slug = item.relationship.slug
        before = [p for p in held.get(slug, []) if p.meeting.starts_at <= item.created_at]
        if not before:
            continue
        p = before[-1]
        agenda = source_of(p, item.title)
        short = agenda.title if len(agenda.title) <= 60 else agenda.title[:57].rstrip(" ,") + "…"
        item.source_type, item.source_id = agenda_type, str(agenda.pk)
        item.source_label = f"{p.meeting.title} · {short}"
        item.source_url = meeting_url(p.meeting, slug, agenda)
        found.setdefault(agenda.pk, []).append(item)
    ActionItem.objects.bulk_update(
        items, ["source_type", "source_id", "source_label", "source_url"], batch_size=200
    )
    return found


def _when(value: datetime | None, p: Planned) -> str:
    return "" if value is None else value.astimezone(p.zone).strftime("%Y-%m-%d %H:%M")


class History:
    """Writes what happened at each meeting; ``save`` writes it all in a few bulk statements."""

    def __init__(
        self,
        ctx: DemoContext,
        cal: Calendar,
        topics: dict[str, list[Topic]],
        sourced: dict[int, list[ActionItem]],
    ) -> None:
        self.ctx, self.cal, self.rng = ctx, cal, ctx.rng
        self.topics = topics
        self.sourced = sourced
        self.outcomes: list[Outcome] = []
        self.approvals: list[Approval] = []
        self.revisions: list[MinutesRevision] = []
        self.previous: dict[tuple[str, str | None], datetime] = {}
        self.shared_items: dict[int, list[tuple[datetime, datetime | None, date | None]]] = {}
        rels = list(ctx.relationships.values())
        for rel_id, created, closed, due in ActionItem.objects.filter(
            relationship__in=rels, visibility=Visibility.SHARED
        ).values_list("relationship_id", "created_at", "closed_at", "due_date"):
            self.shared_items.setdefault(rel_id, []).append((created, closed, due))

    # -- before the meeting ---------------------------------------------------------------------------
    def prepare(self, p: Planned) -> None:
        """Presenters, when the meeting was scheduled, and who answered the invitation."""
        slug, kind = p.slot.slug, p.slot.kind
        roles = ROLES[slug]
        for item in p.agenda:
            role = PRESENTER.get(key_of(kind, item), "")
            if item.topic_id is None and role:
                item.presenter = self.ctx.people[roles[role]]
        today = self.ctx.today
        scheduled = at(min(p.day - timedelta(days=35), today - timedelta(days=2)), p.zone, 10, 5)
        p.meeting.created_at = p.meeting.updated_at = scheduled
        if p.slot.fate == "moved":
            p.meeting.updated_at = at(min(p.day - timedelta(days=30), today - timedelta(days=1)), p.zone, 11)
        elif p.slot.fate == "cancelled":
            p.meeting.updated_at = at(p.day - timedelta(days=15), p.zone, 14, 20)
        for attendee in p.attendees:
            if p.slot.past or self.rng.random() < 0.6:
                answered = scheduled.date() + timedelta(days=self.rng.randint(1, 4))
                attendee.response = Response.ACCEPTED
                attendee.responded_at = at(
                    min(answered, today - timedelta(days=1)), p.zone, 9, self.rng.randint(0, 59)
                )

    # -- at and after the meeting -----------------------------------------------------------------------
    def held(self, p: Planned) -> None:
        slug, kind, meeting = p.slot.slug, p.slot.kind, p.meeting
        rel = self.ctx.relationships[slug]
        taker_key, supplier_key, customer_key = MINUTES_BY[slug, kind]
        taker = self.ctx.people[taker_key]
        keep = {self.ctx.people[k].pk for k in (taker_key, supplier_key, customer_key)}
        absent = [a for a in p.attendees if a.user_id is not None and a.user_id not in keep]
        missing = self.rng.choice(absent) if absent and self.rng.random() < 0.6 else None
        for attendee in p.attendees:
            attendee.attended = attendee is not missing
        if missing is not None:
            missing.response = Response.DECLINED
        meeting.status = Status.HELD
        self.minutes(p, rel)
        self.decide(p, taker)
        self.approve(p, taker, self.ctx.people[supplier_key], self.ctx.people[customer_key])
        self.previous[slug, APPROACH_OF.get(Kind(kind))] = meeting.starts_at

    def minutes(self, p: Planned, rel: Any) -> None:
        slug, kind, meeting = p.slot.slug, p.slot.kind, p.meeting
        facts = {
            "customer": rel.customer.name,
            "supplier": rel.supplier.name,
            "product": self.ctx.products[self.rng.choice(PRODUCTS[slug])].name,
            "site": meeting.site.name if meeting.site else "",
        }
        for item in p.agenda:
            key = key_of(kind, item)
            if item.topic_id is not None:
                text = next(t[7] for t in TOPIC_ITEMS if t[0] == slug and t[2] == p.slot.offset)
            elif key == "register":
                text = self.register_minutes(p, rel)
            elif key.startswith("topics:"):
                text = self.topic_minutes(slug, key.split(":", 1)[1], p.day)
            else:
                text = self.rng.choice(MINUTES.get(key, [""])).format(**facts)
            new = [i for i in self.sourced.get(item.pk, []) if i.visibility == Visibility.SHARED]
            if new:
                listed = "; ".join(
                    f"{i.reference} {i.title} ({i.owner or i.get_owner_side_display()})" for i in new
                )
                text = f"{text}\nNew action items: {listed}.".strip()
            item.minutes = text

    def register_minutes(self, p: Planned, rel: Any) -> str:
        start = p.meeting.starts_at
        since = self.previous.get((p.slot.slug, APPROACH_OF.get(Kind(p.slot.kind))))
        rows = self.shared_items.get(rel.pk, [])
        open_ = [r for r in rows if r[0] <= start and (r[1] is None or r[1] > start)]
        overdue = sum(1 for r in open_ if r[2] is not None and r[2] < p.day)
        closed = sum(
            1 for r in rows if r[1] is not None and r[1] <= start and (since is None or r[1] > since)
        )
        return MINUTES["register"][0].format(open=len(open_), overdue=overdue, closed=closed)

    def topic_minutes(self, slug: str, kind: str, day: date) -> str:
        current = [
            t
            for t in self.topics[slug]
            if t.kind == kind
            and t.visibility == Visibility.SHARED
            and t.raised_on <= day
            and (t.closed_on is None or t.closed_on > day)
        ]
        if not current:
            return NOTHING_NEW
        return f"Discussed: {'; '.join(t.title for t in current)}. {self.rng.choice(TOPIC_FOLLOW_UP)}"

    def decide(self, p: Planned, taker: Any) -> None:
        slug, kind = p.slot.slug, p.slot.kind
        rel = self.ctx.relationships[slug]
        facts = {"customer": rel.customer.name, "supplier": rel.supplier.name}
        items = {key_of(kind, i): i for i in p.agenda if i.topic_id is None}
        keys = [k for k in items if k in DECISIONS]
        chosen = self.rng.sample(keys, min(len(keys), self.rng.randint(1, 2)))
        decisions = [(items[k], self.rng.choice(DECISIONS[k]).format(**facts)) for k in chosen]
        decisions += [
            (i, next(t[8] for t in TOPIC_ITEMS if t[0] == slug and t[2] == p.slot.offset))
            for i in p.agenda
            if i.topic_id is not None
        ]
        if p.slot.fate == "corrected" and CORRECTED[0] in items:
            decisions.append((items[CORRECTED[0]], CORRECTED[2]))
        for item, text in decisions:
            self.outcomes.append(
                Outcome(
                    meeting=p.meeting,
                    agenda_item=item,
                    text=text,
                    recorded_by=taker,
                    recorded_at=p.meeting.starts_at + timedelta(minutes=20 * item.position),
                )
            )

    def approve(self, p: Planned, taker: Any, supplier: Any, customer: Any) -> None:
        """Circulated two days after the meeting; each side's lead approves; a correction opens
        revision 2, approved again; the circulated meeting waits for its customer."""
        meeting, rel, rng = p.meeting, self.ctx.relationships[p.slot.slug], self.rng
        end = p.day + timedelta(days=2)
        rounds = 2 if p.slot.fate == "corrected" else 1
        for revision in range(1, rounds + 1):
            circulated = at(end, p.zone, 17, rng.randint(0, 59))
            by_supplier = circulated + timedelta(days=rng.randint(1, 3), hours=-2)
            by_customer = by_supplier + timedelta(days=rng.randint(1, 3), hours=1)
            self.event(taker, "meeting.minutes_circulated", meeting, rel, {"revision": [None, revision]})
            approvals = [
                Approval(
                    meeting=meeting, revision=revision, side=Side.SUPPLIER, user=supplier, at=by_supplier
                )
            ]
            if p.slot.fate != "circulated":
                approvals.append(
                    Approval(
                        meeting=meeting, revision=revision, side=Side.CUSTOMER, user=customer, at=by_customer
                    )
                )
            for approval in approvals:
                self.event(
                    approval.user,
                    "meeting.minutes_approved_by",
                    meeting,
                    rel,
                    {"approved": [None, f"r{revision} {approval.side}"]},
                )
            self.approvals += approvals
            meeting.minutes_revision = revision
            meeting.updated_at = approvals[-1].at
            if p.slot.fate == "circulated":
                meeting.minutes_status = MinutesStatus.CIRCULATED
                return
            meeting.minutes_status = MinutesStatus.APPROVED
            self.event(customer, "meeting.minutes_approved", meeting, rel, {"revision": [None, revision]})
            reason = CORRECTED[3] if revision < rounds else ""
            self.revisions.append(
                MinutesRevision(
                    meeting=meeting,
                    revision=revision,
                    snapshot=self.snapshot(p, revision, approvals, by_customer),
                    approved_at=by_customer,
                    correction_reason=reason,
                )
            )
            if reason:
                self.event(
                    customer,
                    "meeting.minutes_corrected",
                    meeting,
                    rel,
                    {"revision": [revision, revision + 1], "reason": [None, reason]},
                )
                end = by_customer.date() + timedelta(days=10)

    def event(self, actor: Any, verb: str, meeting: Meeting, rel: Any, changes: dict[str, list[Any]]) -> None:
        audit.record(actor=actor, verb=verb, obj=meeting, relationship=rel, changes=changes)

    def snapshot(
        self, p: Planned, revision: int, approvals: list[Approval], approved: datetime
    ) -> dict[str, Any]:
        """The minutes as approved: the shape of ``minutes_pdf.document`` (the minutes part's), frozen."""
        meeting = p.meeting
        decisions: dict[int, list[str]] = {}
        for outcome in self.outcomes:
            if outcome.meeting is meeting and outcome.agenda_item is not None:
                text = outcome.text
                if revision == 1 and p.slot.fate == "corrected" and text == CORRECTED[2]:
                    text = CORRECTED[1]  # as first approved
                decisions.setdefault(outcome.agenda_item.pk, []).append(text)
        titles = {str(i.pk): i.title for i in p.agenda}
        new = [
            i for item in p.agenda for i in self.sourced.get(item.pk, []) if i.visibility == Visibility.SHARED
        ]
        site = meeting.site
        return {
            "revision": revision,
            "status": MinutesStatus.APPROVED.value,
            "meeting": {
                "id": meeting.pk,
                "title": meeting.title,
                "kind": meeting.get_kind_display(),
                "relationship": str(meeting.relationship),
                "starts": _when(meeting.starts_at, p),
                "ends": _when(meeting.ends_at, p),
                "time_zone": meeting.time_zone,
                "location": ", ".join(
                    x for x in (str(site) if site else "", meeting.location_note, meeting.remote_link) if x
                ),
                "host_side": meeting.get_host_side_display(),
                "facilitator": meeting.facilitator.full_name if meeting.facilitator else "",
            },
            "attendance": [
                {
                    "id": a.pk,
                    "name": a.display_name,
                    "side": a.get_side_display() if a.side else "",
                    "external": a.is_external,
                    "attended": a.attended,
                }
                for a in p.attendees
            ],
            "items": [
                {
                    "id": i.pk,
                    "position": i.position,
                    "title": i.title,
                    "minutes": i.minutes,
                    "decisions": decisions.get(i.pk, []),
                }
                for i in p.agenda
            ],
            "new_items": [
                {
                    "key": i.key,
                    "reference": i.reference,
                    "title": i.title,
                    "owner": i.owner.full_name if i.owner else "",
                    "owner_side": i.get_owner_side_display(),
                    "due_date": i.due_date.isoformat() if i.due_date else "",
                    "status": "Open",
                    "agenda_item": titles.get(i.source_id, ""),
                }
                for i in new
            ],
            "updated_items": [],
            "approvals": [
                {"side": a.get_side_display(), "name": a.user.full_name or a.user.email, "at": _when(a.at, p)}
                for a in approvals
            ],
            "corrections": [
                {"revision": r.revision, "reason": r.correction_reason}
                for r in self.revisions
                if r.meeting is meeting and r.correction_reason
            ],
            "approved_at": _when(approved, p),
        }


def _topic_items(ctx: DemoContext, planned: list[Planned], topics: dict[str, list[Topic]]) -> None:
    """Agenda items added to some meetings for one (shared) topic."""
    new: list[tuple[Planned, AgendaItem]] = []
    for slug, kind, offset, start, title, role, notes, _minutes, _decision in TOPIC_ITEMS:
        p = next(p for p in planned if (p.slot.slug, p.slot.kind, p.slot.offset) == (slug, kind, offset))
        topic = next(t for t in topics[slug] if t.title.startswith(start))
        assert topic.visibility == Visibility.SHARED, topic.title  # the agenda is read by both sides
        item = AgendaItem(
            meeting=p.meeting,
            position=len(p.agenda) + 1,
            title=title,
            minutes_allotted=15,
            presenter=ctx.people[ROLES[slug][role]],
            notes=notes,
            topic=topic,
        )
        new.append((p, item))
    AgendaItem.objects.bulk_create([item for _p, item in new])
    for p, item in new:
        p.agenda.append(item)


def write(ctx: DemoContext, cal: Calendar, planned: list[Planned], topics: dict[str, list[Topic]]) -> None:
    by_id = {p.meeting.pk: p for p in planned}
    for item in AgendaItem.objects.filter(meeting_id__in=list(by_id)).order_by("position", "id"):
        by_id[item.meeting_id].agenda.append(item)
    for attendee in Attendee.objects.filter(meeting_id__in=list(by_id)).select_related("user").order_by("id"):
        by_id[attendee.meeting_id].attendees.append(attendee)
    _topic_items(ctx, planned, topics)
    sourced = relink(ctx, planned)
    history = History(ctx, cal, topics, sourced)
    for p in sorted(planned, key=lambda p: p.meeting.starts_at):
        history.prepare(p)
        if p.slot.past:
            history.held(p)
    Outcome.objects.bulk_create(history.outcomes)
    Approval.objects.bulk_create(history.approvals)
    MinutesRevision.objects.bulk_create(history.revisions)
    AgendaItem.objects.bulk_update(
        [i for p in planned for i in p.agenda], ["minutes", "presenter"], batch_size=300
    )
    Attendee.objects.bulk_update(
        [a for p in planned for a in p.attendees], ["response", "responded_at", "attended"], batch_size=300
    )
    Meeting.objects.bulk_update(
        [p.meeting for p in planned],
        ["status", "minutes_status", "minutes_revision", "created_at", "updated_at"],
        batch_size=100,
    )
