"""Every write about surveys, their areas and invitations: keyword-only, in a transaction, checked
against ``feedback.rules``, one audit event each. Answering is ``answering.py``; triage ``triage.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accord.accounts.locale import supported
from accord.audit import services as audit
from accord.feedback import door, emails, rules
from accord.feedback.areas import AREAS_MAX, DEFAULT_AREAS, QUESTION_MAX, TITLE_MAX, Function
from accord.feedback.models import Invitation, Survey, SurveyStatus, SurveyTemplate, TemplateArea
from accord.lib.errors import Conflict, check_version
from accord.meetings.models import Kind, Meeting
from accord.operations.models import InstalledBase
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership, Relationship, Site


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def _stale(obj: Any, version: int | None) -> None:
    """A save from a stale version is refused (``Conflict``: 409 / the form keeps what was typed)."""
    if version is not None:
        check_version(obj, version)


# --- the areas ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInput:
    title: str
    question: str
    key: str = ""  # an existing area's key (kept across versions); blank for a new area


def current_template(relationship: Relationship) -> SurveyTemplate:
    """The relationship's latest areas, the guidance's twelve (version 1, in the relationship's language)
    the first time they are asked for."""
    found = SurveyTemplate.objects.filter(relationship=relationship).order_by("-version").first()
    if found is not None:
        return found
    with transaction.atomic():
        template, created = SurveyTemplate.objects.get_or_create(relationship=relationship, version=1)
        if created:
            with translation.override(relationship.language):
                _fill_template(template)
    return template


def _fill_template(template: SurveyTemplate) -> None:
    TemplateArea.objects.bulk_create(
        TemplateArea(template=template, position=i, key=key, title=str(title), question=str(question))
        for i, (key, title, question) in enumerate(DEFAULT_AREAS, start=1)
    )


def _validate_areas(areas: list[AreaInput], known: set[str]) -> None:
    errors: dict[str, list[str]] = {}
    if not areas:
        errors.setdefault("areas", []).append(_("Keep at least one area."))
    if len(areas) > AREAS_MAX:
        errors.setdefault("areas", []).append(_("Ask about %(n)d areas at most.") % {"n": AREAS_MAX})
    titles: set[str] = set()
    keys: set[str] = set()
    for i, area in enumerate(areas, start=1):
        title, question = area.title.strip(), area.question.strip()
        if not title or not question:
            errors.setdefault("areas", []).append(_("Area %(i)d: give it a name and a question.") % {"i": i})
        if len(title) > TITLE_MAX or len(question) > QUESTION_MAX:
            errors.setdefault("areas", []).append(
                _("Area %(i)d: a name takes %(t)d characters at most, a question %(q)d.")
                % {"i": i, "t": TITLE_MAX, "q": QUESTION_MAX}
            )
        if title.casefold() in titles:
            errors.setdefault("areas", []).append(_("Area %(i)d: two areas have this name.") % {"i": i})
        titles.add(title.casefold())
        if area.key and area.key not in known:
            errors.setdefault("areas", []).append(_("Area %(i)d is not one of these areas.") % {"i": i})
        elif area.key and area.key in keys:  # an area's key is unique in a version
            errors.setdefault("areas", []).append(_("Area %(i)d is given twice.") % {"i": i})
        keys.add(area.key)
    if errors:
        raise ValidationError(errors)


def _new_key(title: str, taken: set[str]) -> str:
    base = (slugify(title) or "area")[:32]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


@transaction.atomic
def save_template(
    *, access: RelationshipAccess, areas: list[AreaInput], note: str = "", version: int | None = None
) -> SurveyTemplate:
    """A new version of the relationship's areas (add, reword, reorder, drop); surveys already made keep
    the version they were made with. ``version`` is the template version the editor started from."""
    _require(rules.may_manage(access), "manage")
    rel = access.relationship
    type(rel).objects.select_for_update().filter(pk=rel.pk).first()
    latest = current_template(rel)
    if version is not None and version != latest.version:
        raise Conflict(latest, "Someone saved new areas since you opened them.")
    before = list(latest.areas.values_list("key", "title", "question"))
    known = {key for key, _t, _q in before}
    _validate_areas(areas, known)
    after = [(a.key, a.title.strip(), a.question.strip()) for a in areas]
    if [tuple(x) for x in before] == after:
        raise ValidationError({"areas": _("Nothing changed.")})
    taken = set(known)
    template = SurveyTemplate.objects.create(
        relationship=rel, version=latest.version + 1, note=note.strip()[:300], created_by=access.user
    )
    TemplateArea.objects.bulk_create(
        TemplateArea(
            template=template,
            position=i,
            key=key or _new_key(title, taken),
            title=title,
            question=question,
        )
        for i, (key, title, question) in enumerate(after, start=1)
    )
    audit.record(
        actor=access.user,
        verb="survey_template.saved",
        obj=template,
        relationship=rel,
        changes={"version": [latest.version, template.version], "areas": [len(before), len(after)]},
        label=_("Feedback areas, version %(v)d") % {"v": template.version},
    )
    return template


# --- surveys -----------------------------------------------------------------------------------------


def _check_meeting(rel: Relationship, meeting: Meeting | None) -> None:
    if meeting is not None and (meeting.relationship_id != rel.pk or meeting.kind != Kind.SITE_VISIT):
        raise ValidationError({"meeting": _("Choose one of this relationship's customer site visits.")})


def _check_site(rel: Relationship, site: Site | None) -> None:
    if site is not None and site.party_id not in (rel.supplier_id, rel.customer_id):
        raise ValidationError({"site": _("Choose one of this relationship's sites.")})


def _check_fields(*, title: str, closes_on: date, equipment_since: date | None, equipment: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the survey a title.")
    elif len(title.strip()) > 200:
        errors["title"] = _("A title takes 200 characters at most.")
    if len(equipment) > 200:
        errors["equipment"] = _("200 characters at most.")
    if equipment_since is not None and equipment_since > closes_on:
        errors["equipment_since"] = _("The equipment went into service before the survey closes.")
    if errors:
        raise ValidationError(errors)


def installed_at(rel: Relationship, site: Site) -> tuple[str, date | None]:
    """What the installed base says is at ``site``: "OTX-100 × 7, OTX-200 × 2", and since when the first
    of it has been in service (a survey's defaults)."""
    rows = InstalledBase.objects.filter(relationship=rel, site=site).select_related("product")
    totals: dict[str, int] = {}
    first: date | None = None
    for row in rows:
        totals[row.product.name] = totals.get(row.product.name, 0) + row.quantity
        first = row.in_service_date if first is None else min(first, row.in_service_date)
    return ", ".join(f"{name} × {n}" for name, n in sorted(totals.items()))[:200], first


@transaction.atomic
def create_survey(
    *,
    access: RelationshipAccess,
    title: str,
    closes_on: date,
    meeting: Meeting | None = None,
    site: Site | None = None,
    equipment: str = "",
    equipment_since: date | None = None,
    anonymous: bool = False,
) -> Survey:
    """A draft survey on the relationship's current areas, numbered next (``FB-n``); tied to a site visit
    (its site by default) or standalone."""
    _require(rules.may_manage(access), "manage")
    rel = access.relationship
    _check_meeting(rel, meeting)
    if site is None and meeting is not None:
        site = meeting.site
    _check_site(rel, site)
    if site is not None and (not equipment.strip() or equipment_since is None):
        installed, since = installed_at(rel, site)
        equipment = equipment.strip() or installed
        if equipment_since is None and since is not None and since <= closes_on:
            equipment_since = since
    _check_fields(title=title, closes_on=closes_on, equipment_since=equipment_since, equipment=equipment)
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("Choose a closing day from today on.")})
    template = current_template(rel)
    type(rel).objects.select_for_update().filter(pk=rel.pk).first()
    number = (Survey.objects.filter(relationship=rel).aggregate(n=Max("number"))["n"] or 0) + 1
    survey = Survey.objects.create(
        relationship=rel,
        number=number,
        title=title.strip(),
        meeting=meeting,
        site=site,
        equipment=equipment.strip(),
        equipment_since=equipment_since,
        template=template,
        closes_on=closes_on,
        anonymous=anonymous,
        created_by=access.user,
    )
    audit.record(
        actor=access.user,
        verb="survey.created",
        obj=survey,
        relationship=rel,
        changes={"title": [None, survey.title], "anonymous": [None, anonymous]},
        label=str(survey),
    )
    return survey


FIELDS = ("title", "meeting", "site", "equipment", "equipment_since", "closes_on", "anonymous")


@transaction.atomic
def update_survey(
    *, access: RelationshipAccess, survey: Survey, version: int | None, **values: Any
) -> Survey:
    """Change a survey that is not closed. Anonymity is fixed once anyone has answered (a respondent
    answered on its promise)."""
    _require(rules.may_change(access, survey), "manage")
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    _stale(locked, version)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {unknown}")
    merged = {f: values.get(f, getattr(locked, f)) for f in FIELDS}
    rel = access.relationship
    _check_meeting(rel, merged["meeting"])
    _check_site(rel, merged["site"])
    _check_fields(
        title=merged["title"],
        closes_on=merged["closes_on"],
        equipment_since=merged["equipment_since"],
        equipment=merged["equipment"],
    )
    if merged["closes_on"] != locked.closes_on and merged["closes_on"] < timezone.localdate():
        raise ValidationError({"closes_on": _("Choose a closing day from today on.")})
    if merged["anonymous"] != locked.anonymous and locked.responses.exists():
        raise ValidationError({"anonymous": _("People have answered already: anonymity stays as it was.")})
    before = audit.snapshot(locked, list(FIELDS))
    for field, value in merged.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    if merged["closes_on"] != before["closes_on"]:
        Invitation.objects.filter(survey=locked, submitted_at__isnull=True).update(
            expires_at=expiry(locked.closes_on)
        )
    changes = audit.changes_between(before, audit.snapshot(locked, list(FIELDS)))
    if changes:
        audit.record(
            actor=access.user,
            verb="survey.updated",
            obj=locked,
            relationship=rel,
            changes=changes,
            label=str(locked),
        )
    return locked


def _set_status(
    access: RelationshipAccess, survey: Survey, version: int | None, status: str, verb: str
) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    _stale(locked, version)
    before = locked.status
    locked.status = status
    locked.version += 1
    locked.updated_at = timezone.now()
    if status == SurveyStatus.OPEN:
        locked.opened_at = locked.updated_at
    else:
        locked.closed_at = locked.updated_at
    locked.save()
    audit.record(
        actor=access.user,
        verb=verb,
        obj=locked,
        relationship=locked.relationship,
        changes={"status": [before, status]},
        label=str(locked),
    )
    return locked


@transaction.atomic
def open_survey(*, access: RelationshipAccess, survey: Survey, version: int | None = None) -> Survey:
    """Open for answers: everyone invited so far gets their link."""
    _require(rules.may_open(access, survey), "manage")
    if survey.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing day has passed: choose a later one first.")})
    opened = _set_status(access, survey, version, SurveyStatus.OPEN, "survey.opened")
    for invitation in opened.invitations.filter(sent_at__isnull=True).select_related("user"):
        _send(invitation, opened)
    return opened


@transaction.atomic
def close_survey(*, access: RelationshipAccess | None, survey: Survey, version: int | None = None) -> Survey:
    """No more answers; unsent drafts stay unsent. ``access`` None: the daily job, after the closing day."""
    if access is not None:
        _require(rules.may_close(access, survey), "manage")
    elif survey.status != SurveyStatus.OPEN:
        return survey
    return _set_status(access or _system(survey), survey, version, SurveyStatus.CLOSED, "survey.closed")


def _system(survey: Survey) -> RelationshipAccess:
    return RelationshipAccess(
        relationship=survey.relationship, user=None, party=None, side=None, role="system"
    )


# --- invitations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    function: str
    user_id: int | None = None  # a member of the customer
    name: str = ""
    email: str = ""
    language: str = ""  # for someone without an account; "": the relationship's


def expiry(closes_on: date) -> datetime:
    """A link works to the end of the closing day (UTC)."""
    return datetime.combine(closes_on + timedelta(days=1), time.min, tzinfo=UTC)


def invitable_members(relationship: Relationship) -> list[Any]:
    """The customer's active members, whom a survey may invite by account."""
    return [
        m.user
        for m in Membership.objects.filter(
            party_id=relationship.customer_id, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


def _resolve(survey: Survey, invitee: Invitee, members: dict[int, Any], n: int) -> Invitation:
    errors = {}
    if invitee.function not in Function.values:
        errors["function"] = _("Person %(n)d: choose their function.") % {"n": n}
    user = None
    email, name = invitee.email.strip().lower(), invitee.name.strip()
    if invitee.user_id is not None:
        user = members.get(invitee.user_id)
        if user is None:
            errors["user"] = _("Person %(n)d: choose one of the customer's members.") % {"n": n}
        else:
            email, name = user.email.lower(), ""
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Person %(n)d: enter a valid e-mail address.") % {"n": n}
        if len(name) > 150:
            errors["name"] = _("Person %(n)d: a name takes 150 characters at most.") % {"n": n}
        match = next((u for u in members.values() if u.email.lower() == email), None)
        if match is not None:  # a member invited by address answers signed in, as a member
            user, name = match, ""
    if errors:
        raise ValidationError(errors)
    return Invitation(
        survey=survey,
        user=user,
        name=name,
        email=email,
        function=invitee.function,
        language=supported(invitee.language) or survey.relationship.language,
        nonce=door.new_nonce(),
        token_hash="",
        expires_at=expiry(survey.closes_on),
    )


@transaction.atomic
def invite(*, access: RelationshipAccess, survey: Survey, invitees: list[Invitee]) -> list[Invitation]:
    """Ask people to answer: the customer's members by account, anyone else by e-mail address. An open
    survey sends their links at once; a draft sends them when it opens. Someone already invited is
    refused, naming them, so no one gets two links."""
    _require(rules.may_invite(access, survey), "invite")
    if not invitees:
        raise ValidationError({"invitees": _("Add at least one person.")})
    members = {u.pk: u for u in invitable_members(survey.relationship)}
    made = [_resolve(survey, invitee, members, n) for n, invitee in enumerate(invitees, start=1)]
    emails_given = [i.email for i in made]
    twice = {e for e in emails_given if emails_given.count(e) > 1}
    already = set(survey.invitations.filter(email__in=emails_given).values_list("email", flat=True))
    if twice | already:
        raise ValidationError(
            {"invitees": _("Already invited: %(who)s.") % {"who": ", ".join(sorted(twice | already))}}
        )
    for invitation in made:
        invitation.token_hash = door.new_nonce()  # unique placeholder until the id is known
        invitation.created_by = access.user
        invitation.save()
        invitation.token_hash = door.hash_token(door.token_for(invitation))
        invitation.save(update_fields=["token_hash"])
        if survey.status == SurveyStatus.OPEN:
            _send(invitation, survey)
    audit.record(
        actor=access.user,
        verb="survey.invited",
        obj=survey,
        relationship=survey.relationship,
        changes={"invited": [None, len(made)]},
        label=str(survey),
    )
    return made


def _send(invitation: Invitation, survey: Survey) -> None:
    emails.invitation(invitation, survey, door.token_for(invitation))
    invitation.sent_at = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=invitation.sent_at)


@transaction.atomic
def send_again(*, access: RelationshipAccess, invitation: Invitation) -> Invitation:
    """A new link for someone who lost theirs (the old link stops working)."""
    survey = invitation.survey
    _require(rules.may_invite(access, survey) and survey.status == SurveyStatus.OPEN, "invite")
    if invitation.submitted_at is not None:
        raise ValidationError(_("This person has answered already."))
    invitation.nonce = door.new_nonce()
    invitation.token_hash = door.hash_token(door.token_for(invitation))
    invitation.expires_at = expiry(survey.closes_on)
    invitation.save(update_fields=["nonce", "token_hash", "expires_at"])
    _send(invitation, survey)
    audit.record(
        actor=access.user,
        verb="survey.link_sent_again",
        obj=survey,
        relationship=survey.relationship,
        changes={"invitation": [None, invitation.pk]},
        label=str(survey),
    )
    return invitation


def remind(invitation: Invitation) -> None:
    """The daily job's reminder before the closing day, with the same link."""
    emails.reminder(invitation, invitation.survey, door.token_for(invitation))
    invitation.reminded_at = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(reminded_at=invitation.reminded_at)
