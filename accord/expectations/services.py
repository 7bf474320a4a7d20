"""Every write about expectations: proposing terms, agreeing them side by side, changing, withdrawing and
retiring, rating qualitative expectations at a meeting, and planning actions for a gap. Keyword-only,
typed, atomic, audited; who may is ``rules``' business, asked here once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.audit import services as audit
from accord.expectations import assessing, emails, rules
from accord.expectations.models import (
    RATING_MAX,
    Agreement,
    Area,
    Assessment,
    AssessmentStatus,
    Basis,
    Comparator,
    Expectation,
    Gap,
    Result,
    Revision,
    RevisionState,
    Status,
)
from accord.lib.errors import check_version
from accord.lib.months import add_months, month_of
from accord.measurements.definitions import MEASURES
from accord.meetings.models import Kind as MeetingKind
from accord.meetings.models import Meeting
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, ProductCategory, Side
from accord.register import services as register
from accord.register.models import ActionItem, SourceKind


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


@dataclass(frozen=True)
class Terms:
    """What a revision says; the same fields for a new expectation and for a change."""

    area: str = Area.OTHER
    statement: str = ""
    measure: str = ""
    category: str = ""
    comparator: str = ""
    target: Decimal | float | None = None
    basis: int = Basis.MONTHLY
    rating_target: int | None = None
    open_after: int = 1
    close_after: int = 3

    def values(self) -> dict[str, Any]:
        measurable = bool(self.measure)
        return {
            "area": self.area,
            "statement": self.statement.strip(),
            "measure": self.measure,
            "category": (self.category or "ALL") if measurable else "",
            "comparator": self.comparator if measurable else "",
            "target": Decimal(str(self.target)) if measurable and self.target is not None else None,
            "basis": self.basis if measurable else Basis.MONTHLY,
            "rating_target": None if measurable else self.rating_target,
            "open_after": self.open_after,
            "close_after": self.close_after,
        }


def default_comparator(measure: str) -> str:
    """The comparator a measure's direction suggests: at most for lower-is-better, else at least."""
    found = MEASURES.get(measure)
    if found is None:
        return Comparator.AT_LEAST
    return Comparator.AT_MOST if str(found.direction) == "lower" else Comparator.AT_LEAST


def validate_terms(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not values["statement"]:
        errors["statement"] = _("Say what is expected.")
    measure = values["measure"]
    if measure:
        if measure not in MEASURES:
            errors["measure"] = _("Choose a measure of measurements.md (such as OTD.OTI).")
        category = values["category"]
        if category != "ALL" and not ProductCategory.objects.filter(code=category).exists():
            errors["category"] = _("Choose a product category by its code, or ALL.")
        if values["comparator"] not in Comparator.values:
            errors["comparator"] = _("Choose how the value compares with the target.")
        if values["target"] is None:
            errors["target"] = _("A measurable expectation needs a target value.")
        elif not values["target"].is_finite() or abs(values["target"]) >= Decimal("1e10"):
            errors["target"] = _("Enter a target between -10,000,000,000 and 10,000,000,000.")
        if values["basis"] not in Basis.values:
            errors["basis"] = _("Choose monthly, rolling 3 or rolling 12 months.")
    elif values["rating_target"] is None:
        errors["rating_target"] = _(
            "Give either a measure with a target, or the rating (1–%(max)s) a qualitative expectation "
            "must reach."
        ) % {"max": RATING_MAX}
    elif not 1 <= values["rating_target"] <= RATING_MAX:
        errors["rating_target"] = _("A rating target is from 1 to %(max)s.") % {"max": RATING_MAX}
    if values["area"] not in Area.values:
        errors["area"] = _("Choose an area.")
    for name in ("open_after", "close_after"):
        if not 1 <= values[name] <= 12:
            errors[name] = _("Enter a number of periods from 1 to 12.")
    if errors:
        raise ValidationError(errors)


def _check_owner(access: RelationshipAccess, owner: Any, expected_of: str) -> None:
    if owner is None:
        return
    rel = access.relationship
    party_id = rel.supplier_id if expected_of == Side.SUPPLIER else rel.customer_id
    if not Membership.objects.filter(party_id=party_id, user=owner, is_active=True).exists():
        raise ValidationError({"owner": _("The owner must be a member of the side expected to meet it.")})


def _agree_for(access: RelationshipAccess, revision: Revision) -> set[str]:
    """Record ``access``'s side's agreement; the sides that have agreed now."""
    assert access.party is not None and access.side is not None
    Agreement.objects.create(
        revision=revision, side=access.side, party=access.party, user=access.user, at=timezone.now()
    )
    return set(revision.agreements.values_list("side", flat=True))


def _new_revision(
    access: RelationshipAccess, expectation: Expectation, values: dict[str, Any], reason: str
) -> Revision:
    number = (expectation.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision(
        expectation=expectation,
        number=number,
        proposed_by=access.user,
        proposed_at=timezone.now(),
        reason=reason.strip(),
        **values,
    )
    revision.full_clean(exclude=["expectation"])
    revision.save()
    return revision


def _other(side: str | None) -> str:
    return Side.CUSTOMER if side == Side.SUPPLIER else Side.SUPPLIER


@transaction.atomic
def propose(*, access: RelationshipAccess, holder: str, terms: Terms, owner: Any = None) -> Expectation:
    """A new expectation with its first terms, agreed by the proposer's side; the other side's leads
    are asked to agree."""
    _require(rules.may_propose(access), "propose")
    if holder not in Side.values:
        raise ValidationError({"holder": _("Choose which side holds the expectation.")})
    values = terms.values()
    validate_terms(values)
    expected_of = _other(holder)
    _check_owner(access, owner, expected_of)
    rel = access.relationship
    # one numberer at a time: the relationship row is the lock
    type(rel).objects.select_for_update().filter(pk=rel.pk).first()
    number = (Expectation.objects.filter(relationship=rel).aggregate(n=Max("number"))["n"] or 0) + 1
    expectation = Expectation.objects.create(relationship=rel, number=number, holder=holder, owner=owner)
    revision = _new_revision(access, expectation, values, "")
    _agree_for(access, revision)
    audit.record(
        actor=access.user,
        verb="proposed",
        obj=expectation,
        relationship=rel,
        changes={k: [None, str(v)] for k, v in values.items() if v not in (None, "")},
        label=f"{expectation.reference} {values['statement'][:200]}",
    )
    emails.agreement_wanted(revision, access.user, _other(access.side))
    return expectation


def proposed_revision(expectation: Expectation) -> Revision | None:
    return expectation.revisions.filter(state=RevisionState.PROPOSED).first()


def revision_in_force(expectation: Expectation) -> Revision | None:
    return expectation.revisions.filter(state=RevisionState.AGREED).first()


def _locked(expectation: Expectation, version: int) -> Expectation:
    locked = Expectation.objects.select_for_update().select_related("relationship").get(pk=expectation.pk)
    check_version(locked, version)
    return locked


def _bump(expectation: Expectation) -> None:
    expectation.version += 1
    expectation.save()


@transaction.atomic
def propose_change(
    *,
    access: RelationshipAccess,
    expectation: Expectation,
    version: int,
    terms: Terms,
    reason: str = "",
    owner: Any = None,
) -> Revision:
    """New terms for ``expectation``; agreed terms stay in force until both sides agree these. A change
    to agreed terms needs a reason. Proposed terms not agreed yet are replaced (withdrawn)."""
    _require(rules.may_change(access, expectation), "change")
    locked = _locked(expectation, version)
    values = terms.values()
    validate_terms(values)
    _check_owner(access, owner, locked.expected_of)
    in_force = revision_in_force(locked)
    if in_force is not None and not reason.strip():
        raise ValidationError({"reason": _("Say why the agreed terms should change.")})
    pending = proposed_revision(locked)
    if pending is not None:
        pending.state = RevisionState.WITHDRAWN
        pending.save(update_fields=["state"])
    revision = _new_revision(access, locked, values, reason)
    _agree_for(access, revision)
    before = in_force or pending
    changes = {
        k: [str(getattr(before, k)) if before else None, str(v)]
        for k, v in values.items()
        if before is None or getattr(before, k) != v
    }
    if locked.owner_id != (owner.pk if owner is not None else None):
        changes["owner"] = [str(locked.owner or ""), str(owner or "")]
        locked.owner = owner
    _bump(locked)
    audit.record(
        actor=access.user,
        verb="proposed change",
        obj=locked,
        relationship=locked.relationship,
        changes=changes,
    )
    emails.agreement_wanted(revision, access.user, _other(access.side))
    return revision


@transaction.atomic
def agree(*, access: RelationshipAccess, expectation: Expectation, version: int) -> Revision:
    """Agree the proposed terms for one's own side; once both sides have, they are in force (the terms
    before, if any, superseded) and the expectation is assessed from then on."""
    locked = _locked(expectation, version)
    revision = proposed_revision(locked)
    agreed_sides = set(revision.agreements.values_list("side", flat=True)) if revision else set()
    _require(rules.may_agree(access, revision, agreed_sides), "agree")
    assert revision is not None
    sides = _agree_for(access, revision)
    changes: dict[str, list[Any]] = {"agreed by": [None, f"{access.side}: {access.user}"]}
    if sides >= {Side.SUPPLIER, Side.CUSTOMER}:
        now = timezone.now()
        Revision.objects.filter(expectation=locked, state=RevisionState.AGREED).update(
            state=RevisionState.SUPERSEDED
        )
        revision.state = RevisionState.AGREED
        revision.agreed_at = now
        revision.effective_month = add_months(month_of(timezone.localdate(now)), -1)
        revision.save(update_fields=["state", "agreed_at", "effective_month"])
        changes["status"] = [locked.status, Status.AGREED]
        locked.status = Status.AGREED
    _bump(locked)
    audit.record(
        actor=access.user, verb="agreed", obj=locked, relationship=locked.relationship, changes=changes
    )
    if revision.state == RevisionState.AGREED:
        assessing.assess_relationship(locked.relationship)
    return revision


@transaction.atomic
def withdraw(*, access: RelationshipAccess, expectation: Expectation, version: int) -> Expectation:
    """Withdraw the proposed terms; an expectation never agreed is retired with them."""
    locked = _locked(expectation, version)
    revision = proposed_revision(locked)
    _require(rules.may_withdraw(access, revision), "withdraw")
    assert revision is not None
    revision.state = RevisionState.WITHDRAWN
    revision.save(update_fields=["state"])
    changes: dict[str, list[Any]] = {"revision": [revision.number, None]}
    if locked.status == Status.PROPOSED:
        changes["status"] = [locked.status, Status.RETIRED]
        locked.status = Status.RETIRED
        locked.retired_reason = _("Withdrawn before it was agreed.")
    _bump(locked)
    audit.record(
        actor=access.user,
        verb="withdrew terms",
        obj=locked,
        relationship=locked.relationship,
        changes=changes,
    )
    return locked


@transaction.atomic
def retire(*, access: RelationshipAccess, expectation: Expectation, version: int, reason: str) -> Expectation:
    """The holding side no longer expects it: it is neither assessed nor gapped any more (its history
    stays); terms still proposed are withdrawn, and an open gap is closed."""
    _require(rules.may_retire(access, expectation), "retire")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the expectation is retired.")})
    locked = _locked(expectation, version)
    Revision.objects.filter(expectation=locked, state=RevisionState.PROPOSED).update(
        state=RevisionState.WITHDRAWN
    )
    changes: dict[str, list[Any]] = {"status": [locked.status, Status.RETIRED]}
    locked.status = Status.RETIRED
    locked.retired_reason = reason.strip()
    _bump(locked)
    gap = Gap.objects.filter(expectation=locked).first()
    if gap is not None and gap.is_open:
        gap.status, gap.closed_at = "closed", timezone.now()
        gap.closed_month = assessing.last_complete_month()
        gap.save()
        changes["gap"] = ["open", "closed"]
    audit.record(
        actor=access.user, verb="retired", obj=locked, relationship=locked.relationship, changes=changes
    )
    return locked


# --- qualitative ratings -----------------------------------------------------------------------------


def _check_meeting(access: RelationshipAccess, meeting: Meeting | None) -> None:
    if meeting is None:
        return
    if meeting.relationship_id != access.relationship.pk or meeting.kind != MeetingKind.SET:
        raise ValidationError(
            {"meeting": _("Choose a shared expectations team meeting of this relationship.")}
        )


@transaction.atomic
def rate(
    *,
    access: RelationshipAccess,
    expectation: Expectation,
    rating: int,
    month: str | None = None,
    meeting: Meeting | None = None,
    note: str = "",
) -> Assessment:
    """Rate a qualitative expectation for a month (default: the meeting's, else the current month).
    A lead of the holding side's rating counts at once; anyone else's (the facilitator's, the other
    side's) is a draft until the holding side confirms it."""
    _require(rules.may_draft_rating(access, expectation), "draft")
    revision = revision_in_force(expectation)
    if revision is None or revision.measurable:
        raise ValidationError(
            {
                "rating": _(
                    "Only an agreed qualitative expectation is rated; measured ones are assessed from data."
                )
            }
        )
    if not isinstance(rating, int) or not 1 <= rating <= RATING_MAX:
        raise ValidationError({"rating": _("A rating is from 1 to %(max)s.") % {"max": RATING_MAX}})
    _check_meeting(access, meeting)
    if month is None:
        month = month_of(timezone.localdate(meeting.starts_at)) if meeting else month_of(timezone.localdate())
    target = revision.rating_target or RATING_MAX
    confirmed = rules.may_confirm_rating(access, expectation)
    values = {
        "revision": revision,
        "result": Result.MET if rating >= target else Result.NOT_MET,
        "value": float(rating),
        "target": float(target),
        "rating": rating,
        "meeting": meeting,
        "note": note.strip(),
        "automatic": False,
        "status": AssessmentStatus.CONFIRMED if confirmed else AssessmentStatus.DRAFT,
        "drafted_by": access.user,
        "confirmed_by": access.user if confirmed else None,
    }
    found, created = Assessment.objects.select_for_update().get_or_create(
        expectation=expectation, month=month, defaults=values
    )
    if not created:
        before = {"rating": found.rating, "status": found.status}
        for k, v in values.items():
            setattr(found, k, v)
        found.full_clean(exclude=["expectation", "revision", "meeting", "drafted_by", "confirmed_by"])
        found.save()
    else:
        before = {"rating": None, "status": None}
    audit.record(
        actor=access.user,
        verb="rated" if confirmed else "drafted rating",
        obj=expectation,
        relationship=expectation.relationship,
        changes={
            "month": [None, month],
            "rating": [before["rating"], rating],
            "status": [before["status"], found.status],
        },
    )
    if confirmed:
        assessing.follow_gap(expectation)
    return found


@transaction.atomic
def confirm_rating(*, access: RelationshipAccess, expectation: Expectation, month: str) -> Assessment:
    _require(rules.may_confirm_rating(access, expectation), "confirm")
    found = (
        Assessment.objects.select_for_update()
        .filter(expectation=expectation, month=month, automatic=False)
        .first()
    )
    if found is None or found.status != AssessmentStatus.DRAFT:
        raise ValidationError({"month": _("There is no draft rating of that month to confirm.")})
    found.status, found.confirmed_by = AssessmentStatus.CONFIRMED, access.user
    found.save(update_fields=["status", "confirmed_by", "updated_at"])
    audit.record(
        actor=access.user,
        verb="confirmed rating",
        obj=expectation,
        relationship=expectation.relationship,
        changes={"month": [None, month], "rating": [None, found.rating]},
    )
    assessing.follow_gap(expectation)
    return found


# --- gaps: the action plan ------------------------------------------------------------------------------


def gap_url(gap: Gap) -> str:
    exp = gap.expectation
    return reverse("expectations:detail", args=[exp.relationship.slug, exp.number]) + "#gap"


@transaction.atomic
def plan_action(
    *,
    access: RelationshipAccess,
    gap: Gap,
    title: str,
    description: str = "",
    owner_side: str = Side.SUPPLIER,
    owner: Any = None,
    due_date: date | None = None,
    priority: str = "medium",
    visibility: str = "shared",
) -> ActionItem:
    """An action item of the gap's action plan: a register item whose source is the gap."""
    _require(rules.may_plan(access), "plan")
    exp = gap.expectation
    return register.create_item(
        access=access,
        title=title,
        description=description,
        owner_side=owner_side,
        owner=owner,
        due_date=due_date,
        priority=priority,
        visibility=visibility,
        requested_by=access.user,
        source_kind=SourceKind.GAP,
        source_label=f"{gap.reference}: {plan_label(exp)}"[:300],
        source_url=gap_url(gap),
        source=gap,
    )


def plan_label(expectation: Expectation) -> str:
    rev = revision_in_force(expectation)
    return rev.statement[:200] if rev else expectation.reference


@transaction.atomic
def track_gap(*, access: RelationshipAccess, gap: Gap, measure: str) -> Gap:
    """Choose the measure that tracks the gap's action plan."""
    _require(rules.may_plan(access), "plan")
    if measure and measure not in MEASURES:
        raise ValidationError({"measure": _("Choose a measure of measurements.md (such as OTD.OTI).")})
    before = gap.tracked_by
    if before != measure:
        gap.tracked_by = measure
        gap.save(update_fields=["tracked_by", "updated_at"])
        audit.record(
            actor=access.user,
            verb="tracked by",
            obj=gap,
            relationship=access.relationship,
            changes={"tracked_by": [before, measure]},
        )
    return gap
