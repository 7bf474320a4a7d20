"""Pages about relationships, parties and their people, sites and products (thin: access, form,
service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.forms import AcceptInvitationForm
from accord.accounts.types import AuthedRequest
from accord.lib import auditing, overview
from accord.lib.errors import Conflict
from accord.lib.forms import add_service_error, form_status, keep_typed
from accord.lib.http import post_only
from accord.parties import selectors, services
from accord.parties.access import (
    RelationshipAccess,
    membership_for_admin,
    party_for_user,
    product_for_user,
    relationship_for_user,
    site_for_user,
)
from accord.parties.forms import (
    CounterpartForm,
    GuestInviteForm,
    InviteForm,
    MembershipForm,
    ProductForm,
    RelationshipSettingsForm,
    SiteForm,
)
from accord.parties.models import Invitation


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    rows = selectors.home_rows(request.user)
    return render(request, "parties/home.html", {"rows": rows})


@require_GET
@login_required
def relationship_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, allow_guest=True)
    return _relationship_page(request, access)


def _relationship_page(
    request: AuthedRequest, access: RelationshipAccess, guest_form: GuestInviteForm | None = None
) -> HttpResponse:
    rel = access.relationship
    context = {
        "access": access,
        "rel": rel,
        "supplier_members": selectors.members_of(rel.supplier),
        "customer_members": selectors.members_of(rel.customer),
        "guests": selectors.guests_of(rel),
        "sections": overview.sections_for(access),
    }
    if not access.is_guest:
        context |= {
            "sites": selectors.sites_in(rel),
            "site_sections": overview.sections_for(access, "sites"),
            "guest_form": guest_form or (GuestInviteForm() if access.is_admin else None),
        }
    return render(request, "parties/relationship.html", context, status=400 if guest_form else 200)


@require_http_methods(["GET", "POST"])
@login_required
def relationship_settings(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, admin=True)
    rel = access.relationship
    form = RelationshipSettingsForm(request.POST or None, instance=rel, initial={"version": rel.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_relationship(actor=request.user, relationship=rel, version=version, **data)
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("parties:relationship", slug=rel.slug)
    return render(
        request,
        "parties/relationship_settings.html",
        {"access": access, "rel": rel, "form": form},
        status=form_status(form),
    )


@post_only("parties:relationship")
@login_required
def relationship_invite_guest(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, admin=True)
    form = GuestInviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_guest(actor=request.user, relationship=access.relationship, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("parties:relationship", slug=slug)
    return _relationship_page(request, access, guest_form=form)


@require_GET
@login_required
def relationship_audit(request: AuthedRequest, slug: str) -> HttpResponse:
    access = relationship_for_user(request.user, slug=slug, admin=True)
    page = Paginator(selectors.audit_trail(access=access), 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    auditing.redact(page.object_list, access)
    return render(
        request,
        "audit/trail.html",
        {"access": access, "rel": access.relationship, "page": page, "title": str(access.relationship)},
    )


@require_GET
@login_required
def party_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug)
    party = viewer.party
    context = {
        "viewer": viewer,
        "party": party,
        "members": selectors.members_of(party, include_inactive=viewer.is_admin),
        "sites": party.sites.all(),
        "products": selectors.products_of(party),
        "relationships": selectors.relationships_of(party, viewer),
        "invitations": selectors.open_invitations(party) if viewer.is_admin else [],
        "invite_form": InviteForm() if viewer.is_admin else None,
    }
    return render(request, "parties/party.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def party_invite(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, admin=True)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(actor=request.user, party=viewer.party, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            return redirect("parties:party", slug=slug)
    return render(
        request,
        "parties/form_page.html",
        {
            "form": form,
            "party": viewer.party,
            "title": _("Invite someone to %(party)s") % {"party": viewer.party},
            "submit": _("Send invitation"),
            "back": ("parties:party", slug),
        },
    )


@post_only("parties:party", keep=["slug"])
@login_required
def invitation_revoke(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, admin=True)
    invitation = Invitation.objects.filter(party=viewer.party, pk=pk).first()
    if invitation is None:
        raise Http404
    services.revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("parties:party", slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
def membership_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    membership, viewer = membership_for_admin(request.user, pk=pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(person)s's access saved.") % {"person": membership.user})
            return redirect("parties:party", slug=viewer.party.slug)
    return render(
        request,
        "parties/form_page.html",
        {
            "form": form,
            "party": viewer.party,
            "title": _("Access of %(person)s") % {"person": membership.user},
            "submit": _("Save"),
            "back": ("parties:party", viewer.party.slug),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def counterpart_create(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, admin=True)
    form = CounterpartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _party, rel, _inv = services.create_counterpart(
                actor=request.user, home=viewer.party, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Relationship created; %(admin_email)s is invited as its first admin.") % form.cleaned_data,
            )
            return redirect("parties:relationship", slug=rel.slug)
    return render(
        request,
        "parties/form_page.html",
        {
            "form": form,
            "party": viewer.party,
            "title": _("New customer or supplier of %(party)s") % {"party": viewer.party},
            "submit": _("Create and invite"),
            "back": ("parties:party", slug),
        },
    )


@require_GET
@login_required
def party_audit(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, admin=True)
    page = Paginator(selectors.audit_trail(party=viewer.party), 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/trail.html", {"party": viewer.party, "page": page, "title": viewer.party.name}
    )


def _record_form_page(
    request: AuthedRequest, *, form: BaseForm, party: object, title: str, back: str
) -> HttpResponse:
    return render(
        request,
        "parties/form_page.html",
        {"form": form, "party": party, "title": title, "submit": _("Save"), "back": ("parties:party", back)},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def site_create(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, write=True)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.create_site(actor=request.user, party=viewer.party, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Site added."))
            return redirect("parties:party", slug=slug)
    return _record_form_page(request, form=form, party=viewer.party, title=_("New site"), back=slug)


@require_http_methods(["GET", "POST"])
@login_required
def site_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    site, viewer = site_for_user(request.user, pk=pk, write=True)
    form = SiteForm(request.POST or None, instance=site, initial={"version": site.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_site(actor=request.user, site=site, version=version, **data)
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Site saved."))
            return redirect("parties:party", slug=viewer.party.slug)
    return _record_form_page(request, form=form, party=viewer.party, title=str(site), back=viewer.party.slug)


@require_http_methods(["GET", "POST"])
@login_required
def product_create(request: AuthedRequest, slug: str) -> HttpResponse:
    viewer = party_for_user(request.user, slug=slug, write=True)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.create_product(actor=request.user, supplier=viewer.party, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Product added."))
            return redirect("parties:party", slug=slug)
    return _record_form_page(request, form=form, party=viewer.party, title=_("New product"), back=slug)


@require_http_methods(["GET", "POST"])
@login_required
def product_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    product, viewer = product_for_user(request.user, pk=pk, write=True)
    form = ProductForm(request.POST or None, instance=product, initial={"version": product.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_product(actor=request.user, product=product, version=version, **data)
        except Conflict as exc:
            keep_typed(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("parties:party", slug=viewer.party.slug)
    return _record_form_page(
        request, form=form, party=viewer.party, title=str(product), back=viewer.party.slug
    )


@require_http_methods(["GET", "POST"])
def invitation(request: AuthedRequest, token: str) -> HttpResponse:
    """Accept an invitation: a new person chooses a password; a signed-in one just joins."""
    found = services.invitation_from_token(token)
    if found is None:
        return render(request, "parties/invitation_invalid.html", status=404)
    target = found.party.name if found.party else str(found.guest_of)
    signed_in = request.user.is_authenticated
    if signed_in and request.user.email.lower() != found.email.lower():
        return render(request, "parties/invitation_other_user.html", {"invitation": found}, status=403)
    form = (
        None
        if signed_in
        else AcceptInvitationForm(
            request.POST or None, email=found.email, initial={"full_name": found.full_name}
        )
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = services.accept_invitation(
                invitation=found,
                user=request.user if signed_in else None,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                add_service_error(form, exc)
        else:
            if not signed_in:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(target)s.") % {"target": target})
            return redirect("parties:home")
    return render(request, "parties/invitation.html", {"invitation": found, "target": target, "form": form})
