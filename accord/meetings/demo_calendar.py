"""The demo's meeting calendar: which meetings each relationship held and will hold, who is invited,
who minutes and approves them; scheduled, moved, cancelled and invited through ``meetings.services``.
Every day is relative to ``ctx.today``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from accord.lib.demo import DemoContext
from accord.meetings import services
from accord.meetings.models import AgendaItem, Kind, Meeting
from accord.parties.access import RelationshipAccess, access_from
from accord.parties.models import Side

TELCO_A, TELCO_B, PHOTON = "northwind-telco-a", "northwind-telco-b", "photon-northwind"

# The people behind each role, per relationship (for Photon, Northwind is the customer).
ROLES = {
    TELCO_A: {
        "quality": "ada",
        "program": "sam",
        "support": "noah",
        "product": "lena",
        "customer_lead": "tom",
        "customer_quality": "carol",
        "customer_ops": "priya",
    },
    TELCO_B: {
        "quality": "ada",
        "program": "sam",
        "support": "noah",
        "product": "lena",
        "customer_lead": "mallory",
        "customer_quality": "mallory",
        "customer_ops": "ben",
    },
    PHOTON: {
        "quality": "omar",
        "program": "ines",
        "support": "omar",
        "product": "ines",
        "customer_lead": "ada",
        "customer_quality": "lena",
        "customer_ops": "noah",
    },
}

# Who schedules each kind of meeting, and whom they invite (besides the facilitator and guests).
INVITED: dict[tuple[str, str], tuple[str, str]] = {
    (TELCO_A, Kind.PROGRAM_REVIEW): ("sam", "lena noah val tom carol vic priya"),
    (TELCO_A, Kind.QUALITY_REVIEW): ("ada", "sam noah lena tom carol"),
    (TELCO_A, Kind.SITE_VISIT): ("tom", "carol priya vic ada sam noah lena"),
    (TELCO_A, Kind.SET): ("ada", "sam tom carol"),
    (TELCO_B, Kind.PROGRAM_REVIEW): ("sam", "ada noah lena mallory ben"),
    (TELCO_B, Kind.QUALITY_REVIEW): ("ada", "sam noah mallory ben"),
    (TELCO_B, Kind.SITE_VISIT): ("mallory", "ben ada sam noah"),
    (PHOTON, Kind.PROGRAM_REVIEW): ("ines", "omar sam ada lena noah"),
    (PHOTON, Kind.QUALITY_REVIEW): ("omar", "ines ada lena"),
    (PHOTON, Kind.SITE_VISIT): ("ada", "lena noah omar ines"),
}
GUESTS = {
    TELCO_A: services.ExternalGuest("Jonas Weber", "jonas.weber@fieldworks.example"),
    TELCO_B: services.ExternalGuest("Claire Dubois", "claire.dubois@reseau-services.example"),
}
# Who writes the minutes, and the lead of each side who approves them.
MINUTES_BY: dict[tuple[str, str], tuple[str, str, str]] = {
    (TELCO_A, Kind.SET): ("fay", "ada", "tom"),
    (TELCO_A, Kind.PROGRAM_REVIEW): ("sam", "sam", "carol"),
    (TELCO_A, Kind.QUALITY_REVIEW): ("ada", "ada", "tom"),
    (TELCO_A, Kind.SITE_VISIT): ("ada", "ada", "tom"),
    (TELCO_B, Kind.PROGRAM_REVIEW): ("sam", "sam", "mallory"),
    (TELCO_B, Kind.QUALITY_REVIEW): ("ada", "ada", "mallory"),
    (TELCO_B, Kind.SITE_VISIT): ("ada", "ada", "mallory"),
    (PHOTON, Kind.PROGRAM_REVIEW): ("ines", "omar", "ada"),
    (PHOTON, Kind.QUALITY_REVIEW): ("omar", "omar", "ada"),
    (PHOTON, Kind.SITE_VISIT): ("omar", "omar", "ada"),
}
HOURS = {  # local start and end
    Kind.PROGRAM_REVIEW: (time(9, 30), time(13, 0)),
    Kind.QUALITY_REVIEW: (time(9, 0), time(16, 0)),
    Kind.SITE_VISIT: (time(10, 0), time(15, 0)),
    Kind.SET: (time(13, 0), time(16, 0)),
}
REMOTE = {
    TELCO_A: "https://meet.northwind.example/telco-a-review",
    TELCO_B: "https://meet.northwind.example/telco-b-review",
    PHOTON: "https://meet.photon.example/northwind",
}


DESCRIPTIONS = {
    Kind.PROGRAM_REVIEW: "Quarterly program review: deliveries, forecast, issues and requests.",
    Kind.QUALITY_REVIEW: "Half-yearly quality review at the organization's location.",
    Kind.SITE_VISIT: "Quality review at a customer site where the equipment is in its first year.",
    Kind.SET: "Shared expectations team: expectations, gaps and the action plans that close them.",
}


@dataclass(frozen=True)
class Slot:
    """One meeting of the calendar: its relationship, kind, day (days from ``ctx.today``) and place."""

    slug: str
    kind: str
    offset: int
    site: str = ""  # a key of ctx.sites; "" for a video call
    fate: str = "held"  # held · circulated · corrected · upcoming · moved · cancelled

    @property
    def past(self) -> bool:
        return self.fate in ("held", "circulated", "corrected")


def _every(slug: str, kind: str, latest: int, gap: int, count: int, sites: tuple[str, ...]) -> list[Slot]:
    """``count`` meetings held ``gap`` days apart, the latest ``latest`` days from today, at ``sites``
    in turn."""
    return [Slot(slug, kind, latest - i * gap, sites[i % len(sites)]) for i in range(count)]


def calendar() -> list[Slot]:
    """Every demo meeting: about two years back and the next ones ahead."""
    a_reviews = _every(TELCO_A, Kind.PROGRAM_REVIEW, -74, 84, 8, ("nw-stuttgart", "ta-munich", ""))
    a_reviews[1] = Slot(TELCO_A, Kind.PROGRAM_REVIEW, a_reviews[1].offset, a_reviews[1].site, "corrected")
    a_team = _every(TELCO_A, Kind.SET, -12, 150, 5, ("nw-stuttgart", "ta-munich"))
    a_team[0] = Slot(TELCO_A, Kind.SET, -12, "nw-stuttgart", "circulated")
    a_quality = [  # alternating: Stuttgart, then a customer site where the equipment is young
        Slot(TELCO_A, Kind.QUALITY_REVIEW, -146, "nw-stuttgart"),
        Slot(TELCO_A, Kind.SITE_VISIT, -310, "ta-hamburg"),
        Slot(TELCO_A, Kind.QUALITY_REVIEW, -474, "nw-stuttgart"),
        Slot(TELCO_A, Kind.SITE_VISIT, -638, "ta-munich"),
    ]
    b_reviews = _every(TELCO_B, Kind.PROGRAM_REVIEW, -40, 84, 9, ("", "tb-lyon", "nw-stuttgart"))
    b_quality = [  # lapsed: the site visit was cancelled, the last review is eight months old
        Slot(TELCO_B, Kind.SITE_VISIT, -85, "tb-marseille", "cancelled"),
        Slot(TELCO_B, Kind.QUALITY_REVIEW, -250, "nw-stuttgart"),
        Slot(TELCO_B, Kind.SITE_VISIT, -415, "tb-lyon"),
        Slot(TELCO_B, Kind.QUALITY_REVIEW, -580, "nw-stuttgart"),
    ]
    p_reviews = _every(PHOTON, Kind.PROGRAM_REVIEW, -25, 84, 9, ("ph-porto", "", "nw-stuttgart"))
    p_quality = [
        Slot(PHOTON, Kind.SITE_VISIT, -95, "nw-stuttgart"),
        Slot(PHOTON, Kind.QUALITY_REVIEW, -260, "ph-porto"),
        Slot(PHOTON, Kind.SITE_VISIT, -425, "nw-stuttgart"),
        Slot(PHOTON, Kind.QUALITY_REVIEW, -590, "ph-porto"),
    ]
    upcoming = [
        Slot(TELCO_A, Kind.PROGRAM_REVIEW, 10, "ta-munich", "moved"),
        Slot(TELCO_A, Kind.SITE_VISIT, 24, "ta-berlin", "upcoming"),
        Slot(TELCO_A, Kind.SET, 130, "ta-munich", "upcoming"),
        Slot(TELCO_B, Kind.PROGRAM_REVIEW, 44, "", "upcoming"),
        Slot(PHOTON, Kind.PROGRAM_REVIEW, 59, "ph-porto", "upcoming"),
        Slot(PHOTON, Kind.QUALITY_REVIEW, 66, "ph-porto", "upcoming"),
    ]
    return [*a_reviews, *a_team, *a_quality, *b_reviews, *b_quality, *p_reviews, *p_quality, *upcoming]


def at(day: date, zone: ZoneInfo, hour: int = 10, minute: int = 0) -> datetime:
    """``hour``:``minute`` of ``day`` in ``zone``."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def meeting_day(today: date, offset: int) -> date:
    """``offset`` days from ``today``, moved back to the Friday before when it falls on a weekend."""
    day = today + timedelta(days=offset)
    return day - timedelta(days=max(day.weekday() - 4, 0))


def next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def title_of(slot: Slot, site_name: str, day: date) -> str:
    month = day.strftime("%B %Y")
    photon = slot.slug == PHOTON
    if slot.kind == Kind.PROGRAM_REVIEW:
        return f"Photon–Northwind program review, {month}" if photon else f"Program review, {month}"
    if slot.kind == Kind.QUALITY_REVIEW:
        town = site_name.split()[0]
        return (
            f"Photon–Northwind quality review, {town}, {month}"
            if photon
            else f"Quality review, {town}, {month}"
        )
    if slot.kind == Kind.SITE_VISIT:
        return f"Site visit, {site_name}, {month}"
    return f"Shared expectations team, {month}"


@dataclass
class Planned:
    """A demo meeting as scheduled, with what its history needs (filled by ``demo_history``)."""

    slot: Slot
    meeting: Meeting
    day: date
    zone: ZoneInfo
    agenda: list[AgendaItem] = field(default_factory=list)
    attendees: list[Any] = field(default_factory=list)


class Calendar:
    """Schedules, moves and cancels the calendar's meetings through the services."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.accesses: dict[tuple[str, str], RelationshipAccess] = {}

    def access(self, key: str, slug: str) -> RelationshipAccess:
        if (key, slug) not in self.accesses:
            found = access_from(self.ctx.people[key], self.ctx.relationships[slug], allow_guest=True)
            assert found is not None, (key, slug)
            self.accesses[key, slug] = found
        return self.accesses[key, slug]

    def schedule(self, slot: Slot) -> Planned:
        ctx, rel = self.ctx, self.ctx.relationships[slot.slug]
        site = ctx.sites[slot.site] if slot.site else None
        zone = ZoneInfo(site.time_zone if site is not None and site.time_zone else rel.time_zone)
        day = meeting_day(ctx.today, slot.offset)
        first = next_weekday(day) if slot.fate == "moved" else day  # first planned a day later
        start, end = HOURS[Kind(slot.kind)]
        scheduler, invitees = INVITED[slot.slug, slot.kind]
        host = rel.side_of(site.party_id) if site is not None else Side.SUPPLIER
        guest = GUESTS.get(slot.slug) if slot.kind == Kind.SITE_VISIT else None
        meeting = services.schedule(
            access=self.access(scheduler, slot.slug),
            kind=slot.kind,
            title=title_of(slot, site.name if site else "", day),
            starts_at=datetime.combine(first, start, tzinfo=zone),
            ends_at=datetime.combine(first, end, tzinfo=zone),
            time_zone=str(zone),
            host_side=Side.CUSTOMER if slot.kind == Kind.SITE_VISIT else host or Side.SUPPLIER,
            site=site,
            remote_link=REMOTE[slot.slug] if site is None else "",
            location_note="Video call" if site is None else "",
            facilitator=ctx.people["fay"] if slot.kind == Kind.SET else None,
            description=DESCRIPTIONS[Kind(slot.kind)],
            invitees=[ctx.people[k] for k in invitees.split()],
            guests=[guest] if guest else [],
        )
        if slot.fate == "moved":  # Telco A asked for the day before; the invitations follow
            meeting = services.update(
                access=self.access("sam", slot.slug),
                meeting=meeting,
                version=meeting.version,
                starts_at=datetime.combine(day, start, tzinfo=zone),
                ends_at=datetime.combine(day, end, tzinfo=zone),
            )
        elif slot.fate == "cancelled":
            meeting = services.cancel(
                access=self.access(scheduler, slot.slug),
                meeting=meeting,
                version=meeting.version,
                reason="The Marseille expansion slipped; a new date follows once the shelves are in.",
            )
        elif slot.fate == "upcoming" and slot.kind == Kind.SITE_VISIT and slot.slug == TELCO_A:
            services.invite(
                access=self.access(scheduler, slot.slug), meeting=meeting, users=[ctx.people["val"]]
            )
        return Planned(slot, meeting, day, zone)
