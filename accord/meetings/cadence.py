"""The rhythm of a relationship's meetings (the guidance's approaches A, B and D) and what to propose
when scheduling the next one.

The rules are pure functions over small records (``Held``, ``Unit``), so they are tested on fixed dates
without a database: ``approach_states`` (per approach the last and next meeting and whether the cadence
is broken), ``propose_host`` (a quality review alternates between the organization's location and a
customer site) and ``rank_sites`` (a site visit goes where the equipment is young). The database side
is below them: ``cadence_for`` (the relationship's ``Cadence`` row, made with the guidance's defaults),
``update_cadence`` (versioned, audited) and ``proposals`` (the scheduling form's and the API's
suggestions for one kind of meeting).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accord.audit.versioned import versioned_update
from accord.meetings import rules
from accord.meetings.models import APPROACH_OF, Approach, Cadence, Kind, Meeting, Status
from accord.parties.access import RelationshipAccess
from accord.parties.models import Relationship, Side

# --- the rhythm ------------------------------------------------------------------------------------

MONTH_FIELDS = {
    Approach.A: "set_months",
    Approach.B: "quality_review_months",
    Approach.D: "program_review_months",
}
# the kinds of each approach, and the kind a "schedule the next one" link proposes
KINDS_OF = {
    Approach.A: (Kind.SET,),
    Approach.B: (Kind.QUALITY_REVIEW, Kind.SITE_VISIT),
    Approach.D: (Kind.PROGRAM_REVIEW,),
}


@dataclass(frozen=True)
class Held:
    """What the rhythm needs of one meeting: when, what, and where (the side whose location it is)."""

    id: int
    relationship_id: int
    kind: str
    title: str
    starts_at: datetime
    status: str
    location_side: str  # "supplier" (the organization's location), "customer" (a customer site) or ""

    @property
    def approach(self) -> str | None:
        return APPROACH_OF.get(Kind(self.kind))


@dataclass(frozen=True)
class ApproachState:
    """One approach of one relationship: its last meeting (held or past), its next scheduled one, and
    whether the rhythm is broken (``reasons`` say why)."""

    approach: str
    label: str
    months: int
    last: Held | None
    next: Held | None
    due_by: date  # the last meeting (or the relationship's start) plus the cadence's months
    reasons: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        return bool(self.reasons)

    @property
    def kind(self) -> str:
        """The kind that a "schedule the next one" link proposes."""
        return KINDS_OF[Approach(self.approach)][0]


def plus_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def location_side(*, site_party_id: int | None, host_side: str, relationship: Relationship | Any) -> str:
    """Whose location a meeting is at: the site's party's side when it has a site, else its host's."""
    if site_party_id is not None:
        if site_party_id == relationship.supplier_id:
            return Side.SUPPLIER
        if site_party_id == relationship.customer_id:
            return Side.CUSTOMER
    return host_side or ""


def approach_states(
    meetings: Iterable[Held],
    *,
    months: dict[str, int],
    start: date,
    now: datetime,
    approaches: Sequence[str] = (Approach.A, Approach.B, Approach.D),
) -> list[ApproachState]:
    """Per approach: the last meeting that took place (not cancelled, started before ``now``), the next
    scheduled one, and the cadence's verdict (pure; ``meetings`` may hold any meetings of one
    relationship, in any order).

    - **Too long**: the last meeting (or ``start``, the relationship's start, when there was none)
      plus the approach's ``months`` lies before today, and no meeting took place since.
    - **Alternation** (approach B): quality reviews alternate between the organization's location and
      a customer site. Two meetings in a row at the same kind of location break it: the last two that
      took place, or the last one and the next one scheduled (a break already planned).
    """
    today = now.date()
    by_approach: dict[str, list[Held]] = {}
    for m in meetings:
        if m.status != Status.CANCELLED and m.approach is not None:
            by_approach.setdefault(m.approach, []).append(m)
    out: list[ApproachState] = []
    for approach in approaches:
        rows = sorted(by_approach.get(approach, []), key=lambda m: (m.starts_at, m.id))
        past = [m for m in rows if m.starts_at <= now]
        upcoming = [m for m in rows if m.starts_at > now and m.status == Status.SCHEDULED]
        last = past[-1] if past else None
        nxt = upcoming[0] if upcoming else None
        n = months[approach]
        due_by = plus_months(last.starts_at.date() if last else start, n)
        reasons: list[str] = []
        if due_by < today:
            reasons.append(
                _("No meeting for more than %(n)d months (due by %(day)s).") % {"n": n, "day": due_by}
            )
        if approach == Approach.B:
            pair = (past[-2], past[-1]) if len(past) >= 2 else None
            if pair and pair[0].location_side and pair[0].location_side == pair[1].location_side:
                reasons.append(_("The last two quality reviews took place at the same kind of location."))
            elif last and nxt and last.location_side and last.location_side == nxt.location_side:
                reasons.append(_("The next quality review is at the same kind of location as the last."))
        out.append(
            ApproachState(
                approach=approach,
                label=str(Approach(approach).label),
                months=n,
                last=last,
                next=nxt,
                due_by=due_by,
                reasons=tuple(reasons),
            )
        )
    return out


# --- proposals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostProposal:
    kind: str
    host_side: str
    reason: str


def propose_host(last_location_side: str | None) -> HostProposal:
    """The next approach-B meeting goes to the other kind of location than the last one: after the
    organization's location a customer site visit (hosted by the customer), and after a customer site
    a quality review at the organization's location (hosted by the supplier); the first one is at the
    organization's location (the guidance's sample agenda starts there)."""
    if last_location_side == Side.SUPPLIER:
        return HostProposal(
            Kind.SITE_VISIT,
            Side.CUSTOMER,
            _(
                "The last quality review was at the organization's location: "
                "the next one is a customer site visit."
            ),
        )
    if last_location_side == Side.CUSTOMER:
        return HostProposal(
            Kind.QUALITY_REVIEW,
            Side.SUPPLIER,
            _("The last quality review was at a customer site: the next is at the organization's location."),
        )
    return HostProposal(
        Kind.QUALITY_REVIEW,
        Side.SUPPLIER,
        _("No quality review yet: the first one is at the organization's location."),
    )


# The guidance: a site visit goes where the equipment has operated less than one year, preferably 3 to
# 6 months. [Accord] in days: under 365; preferred from 91 to 183 (3 and 6 months of 30.4 days).
QUALIFY_DAYS = 365
PREFERRED_DAYS = (91, 183)


@dataclass(frozen=True)
class Unit:
    """Units of the installed base: how many, at which site, in service since when."""

    site_id: int
    quantity: int
    in_service: date


@dataclass(frozen=True)
class SiteRank:
    site_id: int
    name: str
    age_days: int | None  # the quantity-weighted age of the units in service there; None: no units
    units: int
    qualifies: bool  # under one year
    preferred: bool  # 3 to 6 months

    @property
    def age_months(self) -> float | None:
        return None if self.age_days is None else round(self.age_days / 30.4, 1)


def site_age(units: Iterable[Unit], today: date) -> tuple[int | None, int]:
    """The quantity-weighted age in days of the units in service at a site by ``today`` (units not in
    service yet do not count), and how many units count. [Accord] weighted, not the newest unit's age:
    one new card in an old rack does not make the rack's site a young installation."""
    total = weighted = 0
    for unit in units:
        if unit.in_service > today or unit.quantity <= 0:
            continue
        total += unit.quantity
        weighted += unit.quantity * (today - unit.in_service).days
    if not total:
        return None, 0
    return round(weighted / total), total


def rank_sites(sites: Sequence[tuple[int, str]], units: Iterable[Unit], today: date) -> list[SiteRank]:
    """Customer sites (id, name) ranked for a site visit: those in the preferred 3–6 months first,
    then the other ones under a year (the closer to that window, the better), then the older ones and
    last those without equipment in service."""
    per_site: dict[int, list[Unit]] = {}
    for unit in units:
        per_site.setdefault(unit.site_id, []).append(unit)
    low, high = PREFERRED_DAYS
    ranked: list[tuple[tuple[int, int, str], SiteRank]] = []
    for site_id, name in sites:
        age, count = site_age(per_site.get(site_id, []), today)
        qualifies = age is not None and age < QUALIFY_DAYS
        preferred = age is not None and low <= age <= high
        if age is None:
            key = (3, 0, name)
        else:
            distance = 0 if preferred else (low - age if age < low else age - high)
            key = (0 if preferred else 1 if qualifies else 2, distance, name)
        ranked.append((key, SiteRank(site_id, name, age, count, qualifies, preferred)))
    return [rank for _key, rank in sorted(ranked, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class Proposal:
    """What the scheduling form preselects for a kind of meeting, and why."""

    kind: str
    host_side: str
    site_id: int | None = None
    reasons: tuple[str, ...] = ()
    suggested_kind: str = ""  # approach B: the kind the alternation asks for (may differ from ``kind``)
    sites: tuple[SiteRank, ...] = ()
    warning: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


# --- the database side -------------------------------------------------------------------------------


def cadence_for(relationship: Relationship) -> Cadence:
    """The relationship's cadence, with the guidance's defaults the first time it is asked for."""
    found, _created = Cadence.objects.get_or_create(relationship=relationship)
    return found


def months_of(cadence: Cadence) -> dict[str, int]:
    return {approach: getattr(cadence, name) for approach, name in MONTH_FIELDS.items()}


@transaction.atomic
def update_cadence(*, access: RelationshipAccess, version: int, **months: int) -> Cadence:
    """Change the months between meetings (a writer of either side; versioned: 409 on a stale one)."""
    if not rules.may_schedule(access):
        raise PermissionDenied(rules.REFUSALS["schedule"])
    cadence = cadence_for(access.relationship)
    fields = tuple(MONTH_FIELDS.values())
    values = {name: value for name, value in months.items() if name in fields and value is not None}
    return versioned_update(
        cadence,
        version=version,
        fields=fields,
        values=values,
        actor=access.user,
        verb="meeting.cadence.changed",
        relationship=access.relationship,
        label=_("Meeting cadence"),
    ).obj


def held_of(meetings: Iterable[Meeting], relationship: Relationship) -> list[Held]:
    return [
        Held(
            id=m.pk,
            relationship_id=m.relationship_id,
            kind=m.kind,
            title=m.title,
            starts_at=m.starts_at,
            status=m.status,
            location_side=location_side(
                site_party_id=m.site.party_id if m.site_id is not None and m.site else None,
                host_side=m.host_side,
                relationship=relationship,
            ),
        )
        for m in meetings
    ]


def last_b_location(relationship: Relationship, now: datetime) -> str | None:
    """Whose location the relationship's last approach-B meeting (that took place) was at."""
    last = (
        Meeting.objects.filter(relationship=relationship, kind__in=KINDS_OF[Approach.B], starts_at__lte=now)
        .exclude(status=Status.CANCELLED)
        .select_related("site")
        .order_by("-starts_at", "-pk")
        .first()
    )
    if last is None:
        return None
    return held_of([last], relationship)[0].location_side or None


def customer_sites(relationship: Relationship, today: date) -> list[SiteRank]:
    """The customer's sites ranked by the age of this relationship's equipment installed there."""
    from accord.operations.models import InstalledBase
    from accord.parties.models import Site

    sites = list(Site.objects.filter(party_id=relationship.customer_id).values_list("pk", "name"))
    units = [
        Unit(site_id, quantity, since)
        for site_id, quantity, since in InstalledBase.objects.filter(relationship=relationship).values_list(
            "site_id", "quantity", "in_service_date"
        )
    ]
    return rank_sites(sites, units, today)


def proposals(access: RelationshipAccess, kind: str, now: datetime) -> Proposal:
    """The scheduling form's suggestions for a meeting of ``kind``: approach B's host opposite to the
    last approach-B meeting, and for a site visit the customer's sites ranked by equipment age (with a
    warning when none has equipment in service for less than a year)."""
    host: str = access.side or Side.SUPPLIER
    reasons: list[str] = []
    suggested = ""
    if APPROACH_OF.get(Kind(kind)) == Approach.B:
        proposal = propose_host(last_b_location(access.relationship, now))
        suggested = proposal.kind
        reasons.append(proposal.reason)
        host = Side.CUSTOMER if kind == Kind.SITE_VISIT else proposal.host_side
    if kind == Kind.SET:
        host = Side.SUPPLIER
    if kind != Kind.SITE_VISIT:
        return Proposal(kind=kind, host_side=host, reasons=tuple(reasons), suggested_kind=suggested)
    ranked = customer_sites(access.relationship, now.date())
    best = next((s for s in ranked if s.qualifies), None)
    warning = ""
    if best is None:
        warning = _(
            "No customer site has this relationship's equipment in service for less than a year: "
            "the guidance visits a site where it has operated under one year, preferably 3 to 6 months."
        )
    else:
        reasons.append(
            _("%(site)s: the equipment there has been in service for %(months)s months on average.")
            % {"site": best.name, "months": best.age_months}
        )
    return Proposal(
        kind=kind,
        host_side=Side.CUSTOMER,
        site_id=best.site_id if best else None,
        reasons=tuple(reasons),
        suggested_kind=suggested,
        sites=tuple(ranked),
        warning=warning,
    )
