from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accord.accounts.locale import supported
from accord.lib.forms import StyledForm, StyledModelForm, VersionField
from accord.lib.timezones import TIME_ZONE_CHOICES
from accord.parties.models import (
    Membership,
    Product,
    ProductCategory,
    Relationship,
    Role,
    Side,
    Site,
)


class RelationshipSettingsForm(StyledModelForm):
    version = VersionField()
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,  # not given: unchanged
        help_text=Relationship._meta.get_field("language").help_text,
    )

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language") or self.instance.language)

    class Meta:
        model = Relationship
        fields = ["status", "time_zone", "item_prefix", "description", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class InviteForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.EDITOR,
        help_text=_("Admins manage people and settings; editors change records; viewers read."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = supported(translation.get_language()) or settings.LANGUAGE_CODE


class GuestInviteForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)


class MembershipForm(StyledModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]


class SiteForm(StyledModelForm):
    version = VersionField(required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="UTC")

    class Meta:
        model = Site
        fields = ["name", "kind", "address", "country", "time_zone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class ProductForm(StyledModelForm):
    version = VersionField(required=False)
    category = forms.ModelChoiceField(
        label=_("TL 9000 product category"), queryset=ProductCategory.objects.all()
    )

    class Meta:
        model = Product
        fields = ["code", "name", "category", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CounterpartForm(StyledForm):
    name = forms.CharField(label=_("Company name"), max_length=200)
    seat = forms.ChoiceField(
        label=_("They are our"),
        choices=[(Side.CUSTOMER, _("Customer")), (Side.SUPPLIER, _("Supplier"))],
        initial=Side.CUSTOMER,
    )
    admin_email = forms.EmailField(
        label=_("Their first admin's e-mail"),
        help_text=_("They receive an invitation and invite the rest of their team."),
    )
    admin_name = forms.CharField(label=_("Their first admin's name"), max_length=150, required=False)
    item_prefix = forms.CharField(
        label=_("Action item prefix"),
        max_length=8,
        required=False,
        help_text=_("e.g. TLA gives item numbers TLA-0042; suggested when empty."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="UTC")
    language = forms.ChoiceField(
        label=_("Their language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("Their invitation, and the agenda and survey templates both sides start from."),
    )
