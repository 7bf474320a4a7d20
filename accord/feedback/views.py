"""The feedback's survey pages: the list, preparing and changing a survey, its page (progress,
invitations, what is still to triage), opening and closing it, inviting people, and the relationship's
areas. Answering (``views_answer``), results (``views_results``) and triage (``views_triage``) live apart.

Thin: the door (``access``), a form, a service or selector, render. A service's refusal
(PermissionDenied) is the 403 page; its ValidationError goes next to the field; a stale version is a
409 with what was typed kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.types import AuthedRequest
from accord.feedback import rules, selectors, services
from accord.feedback.access import invitation_for_user, my_invitation, relationship_surveys, survey_for_user
from accord.feedback.forms import AreasForm, InviteForm, SurveyForm
from accord.feedback.models import Survey, SurveyStatus, SurveyTemplate
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_typed
from accord.lib.http import post_only
from accord.parties.access import RelationshipAccess


def survey_url(survey: Survey) -> str:
    return reverse("feedback:survey", args=[survey.relationship.slug, survey.number])


def _refuse(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise PermissionDenied(rules.REFUSALS[refusal])


def _status(form: Any) -> int:
    status = form_status(form) if form.is_bound else 200
    return 400 if form.errors and status == 200 else status


@require_GET
@login_required
def survey_list(request: AuthedRequest, slug: str) -> HttpResponse:
    surveys, access = relationship_surveys(request.user, slug=slug)
    shown = list(surveys.select_related("site", "meeting").order_by("-created_at", "-number"))
    answered = selectors.answered_by_survey(shown)
    open_props = selectors.open_proposals_by_survey(shown)
    mine = {
        i.survey_id: i
        for i in selectors.awaiting(request.user)
        if i.survey.relationship_id == access.relationship.pk
    }
    rows = [
        {
            "survey": s,
            "answered": answered.get(s.pk, 0),
            "open_proposals": open_props.get(s.pk, 0),
            "mine": mine.get(s.pk),
        }
        for s in shown
    ]
    return render(
        request,
        "feedback/list.html",
        {
            "access": access,
            "rel": access.relationship,
            "rows": rows,
            "mine": list(mine.values()),
            "may_manage": rules.may_manage(access),
            "open_total": sum(open_props.values()),
        },
    )


def _survey_values(form: SurveyForm) -> dict[str, Any]:
    return {f: form.cleaned_data[f] for f in services.FIELDS}


@require_http_methods(["GET", "POST"])
@login_required
def survey_new(request: AuthedRequest, slug: str) -> HttpResponse:
    _surveys, access = relationship_surveys(request.user, slug=slug)
    _refuse(rules.may_manage(access), "manage")
    rel = access.relationship
    initial: dict[str, Any] = {"closes_on": timezone.localdate() + timedelta(days=14)}
    meeting_id = request.GET.get("meeting", "")
    form = SurveyForm(request.POST or None, relationship=rel, initial=initial)
    if not form.is_bound and meeting_id.isdigit():
        meeting = form.fields["meeting"].queryset.filter(pk=int(meeting_id)).first()  # type: ignore[attr-defined]
        if meeting is not None:
            form.initial.update({"meeting": meeting.pk, "site": meeting.site_id, "title": meeting.title})
    if request.method == "POST" and form.is_valid():
        values = _survey_values(form)
        try:
            survey = services.create_survey(access=access, **values)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("%(ref)s prepared: invite people, then open it.") % {"ref": survey.ref}
            )
            return redirect(survey_url(survey))
    return render(
        request,
        "feedback/form.html",
        {"access": access, "rel": rel, "form": form, "title": _("Prepare a feedback survey")},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_edit(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    _refuse(rules.may_change(access, survey), "manage")
    rel = access.relationship
    initial = {f: getattr(survey, f) for f in services.FIELDS} | {"version": survey.version}
    form = SurveyForm(request.POST or None, relationship=rel, initial=initial)
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.update_survey(
                access=access, survey=survey, version=form.cleaned_data["version"], **_survey_values(form)
            )
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": survey.ref})
            return redirect(survey_url(survey))
    return render(
        request,
        "feedback/form.html",
        {
            "access": access,
            "rel": rel,
            "form": form,
            "survey": survey,
            "title": _("Change %(ref)s") % {"ref": survey.ref},
        },
        status=_status(form),
    )


def _context(
    request: AuthedRequest, survey: Survey, access: RelationshipAccess, **extra: Any
) -> dict[str, Any]:
    rel = access.relationship
    progress = selectors.progress(survey)
    mine = my_invitation(access, survey)
    return {
        "access": access,
        "rel": rel,
        "survey": survey,
        "progress": progress,
        "invitations": selectors.invitations(access, survey),
        "names": rules.shows_names(access, survey),
        "areas": list(survey.template.areas.all()),
        "mine": mine
        if mine is not None and mine.submitted_at is None and survey.status == SurveyStatus.OPEN
        else None,
        "may_change": rules.may_change(access, survey),
        "may_open": rules.may_open(access, survey),
        "may_close": rules.may_close(access, survey),
        "may_invite": rules.may_invite(access, survey),
        "may_triage": rules.may_triage(access),
        "invite_form": extra.pop("invite_form", None)
        or (InviteForm(relationship=rel) if rules.may_invite(access, survey) else None),
        **extra,
    }


@require_GET
@login_required
def survey_detail(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    return render(request, "feedback/survey.html", _context(request, survey, access))


def _button(request: AuthedRequest, slug: str, number: int, action: str) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    version = request.POST.get("version", "")
    try:
        if action == "open":
            _refuse(rules.may_open(access, survey), "manage")
            survey = services.open_survey(
                access=access, survey=survey, version=int(version) if version.isdigit() else None
            )
            messages.success(
                request, _("%(ref)s is open: everyone invited has their link.") % {"ref": survey.ref}
            )
        else:
            _refuse(rules.may_close(access, survey), "manage")
            survey = services.close_survey(
                access=access, survey=survey, version=int(version) if version.isdigit() else None
            )
            messages.success(request, _("%(ref)s is closed: it takes no more answers.") % {"ref": survey.ref})
    except Conflict:
        messages.error(request, _("Someone changed this survey meanwhile: look again, then retry."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(survey_url(survey))


@post_only("feedback:survey")
@login_required
def survey_open(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    return _button(request, slug, number, "open")


@post_only("feedback:survey")
@login_required
def survey_close(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    return _button(request, slug, number, "close")


@require_http_methods(["GET", "POST"])
@login_required
def invite(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    _refuse(rules.may_invite(access, survey), "invite")
    form = InviteForm(request.POST or None, relationship=access.relationship)
    if request.method == "POST" and form.is_valid():
        invitees = form.invitees()
        if not form.errors:
            try:
                made = services.invite(access=access, survey=survey, invitees=invitees)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                sent = survey.status == SurveyStatus.OPEN
                messages.success(
                    request,
                    (
                        _("%(n)d invited; their links are on their way.")
                        if sent
                        else _("%(n)d invited; they get their links when the survey opens.")
                    )
                    % {"n": len(made)},
                )
                return redirect(survey_url(survey) + "#invitations")
    return render(
        request,
        "feedback/invite.html",
        {"access": access, "rel": access.relationship, "survey": survey, "invite_form": form},
        status=_status(form),
    )


@post_only("feedback:survey", keep=("slug", "number"))
@login_required
def send_again(request: AuthedRequest, slug: str, number: int, invitation_id: int) -> HttpResponse:
    invitation, access = invitation_for_user(
        request.user, slug=slug, number=number, invitation_id=invitation_id
    )
    try:
        services.send_again(access=access, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new link went to %(email)s; the old one no longer works.") % {"email": invitation.email},
        )
    return redirect(survey_url(invitation.survey) + "#invitations")


@require_http_methods(["GET", "POST"])
@login_required
def areas(request: AuthedRequest, slug: str) -> HttpResponse:
    """The relationship's areas and their versions; a supplier lead edits them (a new version)."""
    _surveys, access = relationship_surveys(request.user, slug=slug)
    rel = access.relationship
    current = services.current_template(rel)
    may_edit = rules.may_manage(access)
    if request.method == "POST":
        _refuse(may_edit, "manage")
    rows = list(current.areas.all())
    form = (
        AreasForm(request.POST or None, areas=rows, initial={"version": current.version})
        if may_edit
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            saved = services.save_template(
                access=access,
                areas=form.areas(),
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except Conflict:
            form.add_error(
                None,
                _("Someone saved new areas while you were editing: reload, then apply your change again."),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Version %(v)d of the areas saved; new surveys ask these.") % {"v": saved.version}
            )
            return redirect(reverse("feedback:areas", args=[rel.slug]))
    versions = (
        SurveyTemplate.objects.filter(relationship=rel).select_related("created_by").order_by("-version")
    )
    return render(
        request,
        "feedback/areas.html",
        {"access": access, "rel": rel, "current": current, "rows": rows, "form": form, "versions": versions},
        status=_status(form) if form is not None else 200,
    )
