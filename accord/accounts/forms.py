from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accord.accounts import devices, locale, preferences, services
from accord.lib import notify
from accord.lib.forms import Renderer, StyledForm, style
from accord.lib.http import client_ip
from accord.lib.mail import queue_email
from accord.lib.timezones import TIME_ZONE_CHOICES


class SignInForm(auth_forms.AuthenticationForm):
    """E-mail and password; after failures the next attempts wait a growing delay
    (``services.sign_in_wait``): refused at once, with the seconds left, and not checked."""

    default_renderer = Renderer
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("That e-mail address and password do not match an account."),
        "throttled": _("Too many failed sign-ins: try again in %(seconds)d s, or reset your password."),
    }
    retry_after = 0  # seconds, when the attempt was refused unchecked

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        if not email:
            return super().clean()
        ip = client_ip(self.request)
        device = devices.known_device(self.request, email)
        self.retry_after = services.sign_in_wait(email=email, ip=ip, device=device)
        if self.retry_after:
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"seconds": self.retry_after}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.record_login_failure(email=email, ip=ip, device=device)
            raise
        services.clear_login_failures(email=email)
        return cleaned


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The Django admin's sign-in (staff only), throttled as the main one (Django's own form is not);
    the admin's door (superusers only) stays ``admin.site.has_permission``."""


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the e-mail sent by the worker."""

    default_renderer = Renderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template.loader import render_to_string

        with locale.of_recipient(context.get("user")):
            subject = render_to_string(subject_template_name, context)
            queue_email(to=[to_email], subject=subject, template=email_template_name, context=context)


class SetPasswordForm(auth_forms.SetPasswordForm):
    default_renderer = Renderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    default_renderer = Renderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class AcceptInvitationForm(StyledForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            from accord.accounts.models import User

            try:
                validate_password(p1, User(email=self.email, full_name=cleaned.get("full_name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=TIME_ZONE_CHOICES, help_text=_("Times are shown to you in this zone.")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=locale.choices,
        required=False,
        help_text=_("Pages and the e-mails you get are in this language."),
    )


class TokenForm(StyledForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'monthly import script'."),
    )


class NotificationForm(StyledForm):
    """One checkbox per kind of e-mail (``accord.lib.notify``); checked means the e-mail is sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in notify.kinds():
            self.fields[kind.value] = forms.BooleanField(label=kind.label, required=False, initial=True)
        style(self)

    @classmethod
    def for_user(cls, user: Any, data: Any = None) -> NotificationForm:
        off = preferences.opt_outs(user)
        return cls(data, initial={kind: kind not in off for kind in cls.kinds()})

    @staticmethod
    def kinds() -> list[str]:
        return [kind.value for kind in notify.kinds()]

    def kinds_off(self) -> set[str]:
        """The kinds left unchecked (call after ``is_valid``)."""
        return {kind for kind in self.kinds() if not self.cleaned_data.get(kind)}
