"""Triage: a survey's proposals (ratings of 2 or less, flagged comments), each decided by a supplier
lead into the register (an item created, merged into an existing item, or dismissed with a reason), and
flagging a comment from a response's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.feedback import rules, selectors, triage
from accord.feedback.access import answer_for_user, proposal_for_user, survey_for_user
from accord.feedback.forms import CREATE, MERGE, DecideForm
from accord.feedback.models import Proposal, ProposalStatus, Survey
from accord.lib.forms import add_service_error, keep_failed, kept_form
from accord.lib.http import post_only
from accord.parties.access import RelationshipAccess
from accord.register.access import action_item_for_user
from accord.register.owners import owner_memberships


def triage_url(survey: Survey) -> str:
    return reverse("feedback:triage", args=[survey.relationship.slug, survey.number])


def _form_for(request: AuthedRequest, access: RelationshipAccess, proposal: Proposal) -> DecideForm:
    rel = access.relationship
    kept = kept_form(request, DecideForm, relationship=rel, prefix=f"p{proposal.pk}")
    if kept is not None:
        return kept
    return DecideForm(
        relationship=rel,
        prefix=f"p{proposal.pk}",
        initial={
            "decision": CREATE,
            "title": triage.suggested_title(proposal),
            "owner_side": "supplier",
            "priority": "medium",
        },
    )


@require_GET
@login_required
def triage_page(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    names = rules.shows_names(access, survey)
    may = rules.may_triage(access)
    rows: list[dict[str, Any]] = []
    for proposal in selectors.proposals(access, survey):
        rows.append(
            {
                "proposal": proposal,
                "raised": triage.raised(proposal, names=names),
                "form": _form_for(request, access, proposal)
                if may and proposal.status == ProposalStatus.OPEN
                else None,
            }
        )
    rows.sort(key=lambda r: r["proposal"].status != ProposalStatus.OPEN)
    return render(
        request,
        "feedback/triage.html",
        {
            "access": access,
            "rel": access.relationship,
            "survey": survey,
            "rows": rows,
            "open_count": sum(1 for r in rows if r["proposal"].status == ProposalStatus.OPEN),
            "may_triage": may,
        },
    )


@post_only("feedback:triage", keep=("slug", "number"))
@login_required
def decide(request: AuthedRequest, slug: str, number: int, proposal_id: int) -> HttpResponse:
    proposal, access = proposal_for_user(request.user, slug=slug, number=number, proposal_id=proposal_id)
    if not rules.may_triage(access):
        raise PermissionDenied(rules.REFUSALS["triage"])
    form = DecideForm(request.POST, relationship=access.relationship, prefix=f"p{proposal.pk}")
    back = triage_url(proposal.survey) + f"#proposal-{proposal.pk}"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == CREATE:
                owner = _owner(access, data.get("owner"))
                decided = triage.create_item(
                    access=access,
                    proposal=proposal,
                    title=data["title"],
                    owner_side=data["owner_side"],
                    owner=owner,
                    due_date=data.get("due_date"),
                    priority=data["priority"],
                )
                done = _("%(ref)s created in the register.") % {
                    "ref": decided.item.reference if decided.item else ""
                }
            elif data["decision"] == MERGE:
                try:
                    item, _item_access = action_item_for_user(
                        request.user, slug=slug, number=data["item"].strip()
                    )
                except Http404:
                    raise ValidationError({"item": _("No item with this key in the register.")}) from None
                triage.merge(access=access, proposal=proposal, item=item)
                done = _("Merged into %(ref)s.") % {"ref": item.reference}
            else:
                triage.dismiss(access=access, proposal=proposal, reason=data["reason"])
                done = _("Dismissed; the reason is kept with the survey.")
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(triage_url(proposal.survey))
    return keep_failed(request, form, back)


def _owner(access: RelationshipAccess, owner_id: int | None) -> Any:
    if not owner_id:
        return None
    found = owner_memberships(access.relationship).filter(user_id=owner_id).select_related("user").first()
    if found is None:
        raise ValidationError({"owner": _("Choose one of the people who may own an item.")})
    return found.user


@post_only("feedback:survey", keep=("slug", "number"))
@login_required
def flag(request: AuthedRequest, slug: str, number: int, answer_id: int) -> HttpResponse:
    answer, access = answer_for_user(request.user, slug=slug, number=number, answer_id=answer_id)
    try:
        triage.flag(access=access, answer=answer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Flagged: it waits for triage."))
    return redirect(
        reverse("feedback:response", args=[slug, number, answer.response.number]) + f"#answer-{answer.pk}"
    )
