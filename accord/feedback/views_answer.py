"""Answering a survey: signed in, from the survey or the dashboard (``answer``), or by the personal link
of the invitation e-mail (``door``), the one page of Accord open without an account. Both render the same
phone-first form: a rating (1–5 or not applicable), a comment and a photo or file per area; the form
autosaves a draft as the respondent goes (htmx posts ``action=autosave``); "Submit" fixes the answers.

The door shows nothing but its own survey, throttles each client address (``door.wait``), and answers
every link that does not work (unknown, expired, used, the survey closed) with the same 404 page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.accounts.types import AuthedRequest
from accord.feedback import answering
from accord.feedback import door as links
from accord.feedback.access import my_invitation, survey_for_user
from accord.feedback.forms import AnswerForm
from accord.feedback.models import Invitation, SurveyStatus
from accord.lib.http import client_ip

AUTOSAVE, SAVE, SUBMIT = "autosave", "save", "submit"


def _rows(form: AnswerForm, files: dict[int, list[Any]]) -> list[dict[str, Any]]:
    return [row | {"files": files.get(row["area"].pk, [])} for row in form.rows()]


def _initial(invitation: Invitation) -> dict[str, Any]:
    response = answering.response_for(invitation)
    if response is None:
        return {}
    initial: dict[str, Any] = {}
    for a in response.answers.all():
        initial[f"rating-{a.area_id}"] = "na" if a.not_applicable else (str(a.rating) if a.rating else "")
        initial[f"comment-{a.area_id}"] = a.comment
    return initial


def _handle(request: HttpRequest, invitation: Invitation) -> tuple[AnswerForm, str | None]:
    """Validate and store a post; returns the form and what was done (None when nothing was stored)."""
    areas = list(invitation.survey.template.areas.all())
    action = request.POST.get("action", SAVE)
    form = AnswerForm(request.POST, request.FILES if action != AUTOSAVE else None, areas=areas)
    if not form.is_valid():
        return form, None
    try:
        with transaction.atomic():
            answering.save(invitation=invitation, answers=form.answers(), partial=action == AUTOSAVE)
            if action != AUTOSAVE:
                for area_id, upload in form.uploads():
                    try:
                        answering.add_file(
                            invitation=invitation, area_id=area_id, upload=upload, name=upload.name
                        )
                    except ValidationError as exc:
                        form.add_error(f"file-{area_id}", exc.messages)
                if form.errors:
                    raise ValidationError("")
            if action == SUBMIT:
                answering.save(invitation=invitation, answers=[], submit=True)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        elif any(exc.messages):
            form.add_error(None, exc.messages)
        return form, None
    return form, action


def _autosaved(request: HttpRequest, form: AnswerForm, done: str | None) -> HttpResponse:
    """The autosave's answer: a status line for the form (htmx swaps it in); what was bad stays unsaved
    and is named."""
    if done is None:
        text = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return render(request, "feedback/_autosave.html", {"error": text})
    when = formats.time_format(timezone.localtime(), "H:i")
    return render(request, "feedback/_autosave.html", {"saved": when})


def _page(
    request: HttpRequest, invitation: Invitation, form: AnswerForm | None, *, post_url: str, status: int = 200
) -> HttpResponse:
    survey = invitation.survey
    if form is None:
        form = AnswerForm(initial=_initial(invitation), areas=list(survey.template.areas.all()))
    response = answering.response_for(invitation)
    return render(
        request,
        "feedback/answer.html",
        {
            "survey": survey,
            "rel": survey.relationship,
            "invitation": invitation,
            "form": form,
            "rows": _rows(form, answering.files_by_area(response)),
            "post_url": post_url,
            "saved_at": response.saved_at if response is not None else None,
            "signed_in": invitation.user_id is not None,
        },
        status=status,
    )


def _respond(
    request: HttpRequest, invitation: Invitation, *, post_url: str, done_url: str | None
) -> HttpResponse:
    if request.method != "POST":
        return _page(request, invitation, None, post_url=post_url)
    form, done = _handle(request, invitation)
    if request.POST.get("action") == AUTOSAVE:
        return _autosaved(request, form, done)
    if done is None:
        return _page(request, invitation, form, post_url=post_url, status=400)
    if done == SUBMIT:
        if done_url is None:  # by link: the link works no more, so the thanks come here
            return render(
                request,
                "feedback/thanks.html",
                {"survey": invitation.survey, "rel": invitation.survey.relationship},
            )
        messages.success(request, _("Thank you: your answers are submitted."))
        return redirect(done_url)
    messages.success(request, _("Your answers are saved as a draft; submit them when you are done."))
    return redirect(post_url)


@require_http_methods(["GET", "POST"])
@login_required
def answer(request: AuthedRequest, slug: str, number: int) -> HttpResponse:
    """A signed-in member answers their own invitation."""
    survey, access = survey_for_user(request.user, slug=slug, number=number)
    back = reverse("feedback:survey", args=[slug, number])
    invitation = my_invitation(access, survey)
    if invitation is None:
        return render(
            request,
            "feedback/not_invited.html",
            {"survey": survey, "rel": survey.relationship, "access": access},
            status=403,
        )
    if invitation.submitted_at is not None or survey.status != SurveyStatus.OPEN:
        messages.info(
            request,
            _("You answered this survey already: thank you.")
            if invitation.submitted_at
            else _("This survey is not open for answers."),
        )
        return redirect(back)
    invitation.survey = survey
    return _respond(request, invitation, post_url=request.path, done_url=back)


@require_http_methods(["GET", "POST"])
def door(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: throttled, then its own survey or the one 404."""
    ip = client_ip(request)
    wait = links.wait(ip)
    if wait:
        page = render(request, "feedback/throttled.html", {"seconds": wait}, status=429)
        page["Retry-After"] = str(wait)
        return page
    invitation = links.invitation_for_token(token)
    links.hit(ip, miss=invitation is None)
    if invitation is None:
        return _no_referrer(render(request, "feedback/link_invalid.html", status=404))
    with translation.override(invitation.language):  # the language they were invited in
        return _no_referrer(_respond(request, invitation, post_url=request.path, done_url=None))


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The link is a credential: no other site learns it from a Referer header (same-origin, not
    no-referrer: a form posted under no-referrer carries `Origin: null`, which CSRF refuses), and no search
    engine keeps it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
