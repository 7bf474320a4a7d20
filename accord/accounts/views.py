"""Sign-in, passwords, invitations and the profile page with personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.accounts import devices, forms, preferences, services
from accord.accounts.models import ApiToken
from accord.accounts.types import AuthedRequest
from accord.lib.forms import add_service_error
from accord.lib.http import post_only

NEW_TOKEN_KEY = "accord.new_api_token"
FORM_METHODS = ["get", "post", "head", "options"]


class SignInView(auth_views.LoginView):
    http_method_names = FORM_METHODS
    form_class = forms.SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        devices.remember(self.request, response, form.get_user().email)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = FORM_METHODS
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "email/password_reset.txt"
    subject_template_name = "email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = FORM_METHODS
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The e-mailed link proved the account is theirs: this browser is now a known device, which an
        # attacker failing on purpose at the sign-in throttle cannot hold up.
        response = super().form_valid(form)
        devices.remember(self.request, response, form.user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = FORM_METHODS
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = forms.ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "job_title": user.job_title,
            "time_zone": user.time_zone,
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return _profile_page(
        request,
        form=form,
        token_form=forms.TokenForm(),
        new_token=request.session.pop(NEW_TOKEN_KEY, ""),
        status=400 if form.is_bound else 200,
    )


def _profile_page(
    request: AuthedRequest,
    *,
    form: forms.ProfileForm,
    token_form: forms.TokenForm,
    notification_form: forms.NotificationForm | None = None,
    new_token: str = "",
    status: int = 200,
) -> HttpResponse:
    if notification_form is None:
        notification_form = forms.NotificationForm.for_user(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form,
            "notification_form": notification_form,
            "tokens": request.user.api_tokens.all(),
            "memberships": request.user.memberships.filter(is_active=True).select_related("party"),
            "new_token": new_token,
        },
        status=status,
    )


def _profile_form(request: AuthedRequest) -> forms.ProfileForm:
    user = request.user
    return forms.ProfileForm(
        initial={"full_name": user.full_name, "job_title": user.job_title, "time_zone": user.time_zone}
    )


@post_only("accounts:profile")
@login_required
def token_create(request: AuthedRequest) -> HttpResponse:
    token_form = forms.TokenForm(request.POST)
    if not token_form.is_valid():
        return _profile_page(request, form=_profile_form(request), token_form=token_form, status=400)
    _token, raw = services.create_api_token(user=request.user, name=token_form.cleaned_data["name"])
    # Shown once, on the next page only (then dropped from the session); only its hash is kept.
    request.session[NEW_TOKEN_KEY] = raw
    return redirect("accounts:profile")


@post_only("accounts:profile")
@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """Turn kinds of action-item e-mail on or off."""
    form = forms.NotificationForm.for_user(request.user, data=request.POST)
    if form.is_valid():
        try:
            preferences.set_opt_outs(user=request.user, kinds_off=form.kinds_off())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("E-mail notifications saved."))
            return redirect("accounts:profile")
    return _profile_page(
        request,
        form=_profile_form(request),
        token_form=forms.TokenForm(),
        notification_form=form,
        status=400,
    )


@post_only("accounts:profile", keep=[])
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    services.revoke_api_token(user=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:profile")
