"""The item page's discussion: proposals (the other side proposes a due date or owner, the owning
side accepts or declines) and the people a comment may @mention (for completion in the box).

Thin: access door, form, service, redirect; a refused proposal goes back to the item page with what
was typed and the reason (``keep_failed``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.accounts.types import AuthedRequest
from accord.lib.errors import Conflict
from accord.lib.forms import StyledForm, VersionField, add_service_error, keep_failed
from accord.lib.http import post_only
from accord.register import mentions, proposals
from accord.register.access import action_item_for_user
from accord.register.forms import ProposalForm
from accord.register.models import Decision

MAX_PEOPLE = 20


class DecisionForm(StyledForm):
    version = VersionField()


@post_only("register:item")
@login_required
def item_propose(request: AuthedRequest, slug: str, number: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    form = ProposalForm(request.POST, item=item)
    if form.is_valid():
        try:
            proposals.propose(access=access, item=item, **form.values())
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your proposal is waiting for the owning side."))
            return redirect(reverse("register:item", args=[slug, item.key]) + "#timeline-end")
    return keep_failed(request, form, reverse("register:item", args=[slug, item.key]) + "#propose")


@post_only("register:item", keep=["slug", "number"])
@login_required
def item_decide(request: AuthedRequest, slug: str, number: str, pk: int, decision: str) -> HttpResponse:
    item, access = action_item_for_user(request.user, slug=slug, number=number, write=True)
    proposal = proposals.proposal_of(item, pk)
    if decision not in (Decision.ACCEPTED, Decision.DECLINED):
        raise PermissionDenied(_("Accept or decline."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This button is out of date; reload the page."))
        return redirect("register:item", slug=slug, number=item.key)
    try:
        proposals.decide(
            access=access,
            item=item,
            proposal=proposal,
            accept=decision == Decision.ACCEPTED,
            version=form.cleaned_data["version"],
        )
    except Conflict:
        messages.error(request, _("Someone changed this item meanwhile; look again before you decide."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if decision == Decision.ACCEPTED:
            messages.success(
                request, _("Proposal accepted: %(what)s.") % {"what": proposals.describe(proposal)}
            )
        else:
            messages.success(request, _("Proposal declined."))
    return redirect("register:item", slug=slug, number=item.key)


@require_GET
@login_required
def item_people(request: AuthedRequest, slug: str, number: str) -> JsonResponse:
    """Who a comment on this item may @mention (for completion): only the people who may see it,
    those whose name or e-mail starts with (or has a word starting with) ``q``."""
    item, _access = action_item_for_user(request.user, slug=slug, number=number)
    query = request.GET.get("q", "").strip().casefold()[:100]
    found = []
    for person in mentions.people_who_see(item):
        words = [person.full_name.casefold(), *person.full_name.casefold().split(), person.email.casefold()]
        if not query or any(w.startswith(query) for w in words):
            found.append({"name": person.full_name, "email": person.email})
        if len(found) >= MAX_PEOPLE:
            break
    return JsonResponse({"people": found})
