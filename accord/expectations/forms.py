"""The expectations' forms: the terms (a new expectation, a change), agreeing and withdrawing, retiring,
rating a qualitative expectation, and a gap's action plan. They check the shape of what is typed; the
services check the rest (``services.validate_terms``) and ``add_service_error`` puts their messages
next to the fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.expectations import services
from accord.expectations.models import RATING_MAX, Area, Basis, Comparator, Expectation, Revision
from accord.expectations.services import Terms
from accord.lib.forms import StyledForm, VersionField
from accord.lib.months import parse_month
from accord.measurements.definitions import MEASURES
from accord.meetings.models import Kind as MeetingKind
from accord.meetings.models import Meeting
from accord.parties.models import Membership, ProductCategory, Relationship, Side
from accord.register.models import OwnerSide, Priority

User = get_user_model()

MEASURABLE, QUALITATIVE = "measurable", "qualitative"


def measure_choices(blank: str = "") -> list[tuple[str, str]]:
    """Every measure of measurements.md as "OTD.OTI · On-time items (%)", by family."""
    choices = [(code, f"{code} · {d.shown_name}") for code, d in MEASURES.items() if not d.supplementary]
    return [("", blank), *choices] if blank else choices


def category_choices() -> list[tuple[str, str]]:
    return [("ALL", _("All categories (pooled)"))] + [
        (code, f"{code} {name}") for code, name in ProductCategory.objects.values_list("code", "name")
    ]


def side_name(rel: Relationship, side: str) -> str:
    return rel.supplier.name if side == Side.SUPPLIER else rel.customer.name


def holder_choices(rel: Relationship) -> list[tuple[str, str]]:
    """ "What Telco A expects of Northwind", and the other way round."""
    return [
        (
            holder,
            _("What %(holder)s expects of %(other)s") % {"holder": side_name(rel, holder), "other": other},
        )
        for holder, other in (
            (Side.CUSTOMER, rel.supplier.name),
            (Side.SUPPLIER, rel.customer.name),
        )
    ]


class OwnerField(forms.ModelChoiceField):
    labels: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        return getattr(self, "labels", {}).get(obj.pk, obj.full_name or obj.email)


def _owner_field(rel: Relationship, sides: list[str]) -> OwnerField:
    """The active members of ``sides`` (the side expected to meet it), "Name (Party)"."""
    parties = {rel.supplier_id: rel.supplier.name, rel.customer_id: rel.customer.name}
    wanted = [rel.supplier_id if s == Side.SUPPLIER else rel.customer_id for s in sides]
    members = Membership.objects.filter(party_id__in=wanted, is_active=True, user__is_active=True)
    field = OwnerField(
        queryset=User.objects.filter(memberships__in=members).distinct().order_by("full_name"),
        required=False,
        label=gettext_lazy("Owner"),
        help_text=gettext_lazy(
            "Who answers for meeting it, on the side expected to meet it; told when a gap opens."
        ),
    )
    field.labels = {
        m.user_id: f"{m.user.full_name or m.user.email} ({parties[m.party_id]})"
        for m in members.select_related("user")
    }
    return field


class TermsForm(StyledForm):
    """What an expectation says: a measurable target or a qualitative rating, and when gaps open and
    close. ``holder`` only when proposing; ``reason`` and ``version`` only when changing."""

    holder = forms.ChoiceField(label=gettext_lazy("Whose expectation"), widget=forms.RadioSelect)
    area = forms.ChoiceField(label=gettext_lazy("Area"), choices=Area.choices)
    statement = forms.CharField(
        label=gettext_lazy("Statement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What is expected, in words both sides will recognise in a year."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("How it is assessed"),
        choices=[
            (MEASURABLE, gettext_lazy("Measured every month: a measure and a target")),
            (QUALITATIVE, gettext_lazy("Rated at a shared expectations meeting (1–5)")),
        ],
        initial=MEASURABLE,
        widget=forms.RadioSelect,
    )
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Product category"), required=False)
    comparator = forms.ChoiceField(
        label=gettext_lazy("Comparator"),
        required=False,
        choices=[("", gettext_lazy("As the measure's direction suggests")), *Comparator.choices],
        help_text=gettext_lazy("Left empty: ≥ for a measure where higher is better, ≤ where lower is."),
    )
    target = forms.DecimalField(label=gettext_lazy("Target"), required=False, max_digits=14, decimal_places=4)
    basis = forms.TypedChoiceField(
        label=gettext_lazy("Value held to the target"),
        choices=Basis.choices,
        coerce=int,
        initial=Basis.MONTHLY,
    )
    rating_target = forms.TypedChoiceField(
        label=gettext_lazy("Rating to reach"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–")] + [(n, f"{n} / {RATING_MAX}") for n in range(1, RATING_MAX + 1)],
    )
    open_after = forms.IntegerField(
        label=gettext_lazy("Open a gap after (N)"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=gettext_lazy("Consecutive periods not met before a gap opens."),
    )
    close_after = forms.IntegerField(
        label=gettext_lazy("Close a gap after (M)"),
        min_value=1,
        max_value=12,
        initial=3,
        help_text=gettext_lazy("Consecutive periods met before an open gap closes."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = VersionField(required=False)

    def __init__(
        self, *args: Any, relationship: Relationship, expectation: Expectation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.expectation = expectation
        cast(forms.ChoiceField, self.fields["measure"]).choices = measure_choices(_("Choose a measure"))
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        if expectation is None:
            cast(forms.ChoiceField, self.fields["holder"]).choices = holder_choices(relationship)
            del self.fields["reason"], self.fields["version"]
            self.fields["owner"] = _owner_field(relationship, [Side.SUPPLIER, Side.CUSTOMER])
        else:
            del self.fields["holder"]
            self.fields["owner"] = _owner_field(relationship, [expectation.expected_of])
            self.fields["reason"].help_text = _("Needed when the agreed terms change; both sides read it.")
        self.fields["owner"].widget.attrs["class"] = "form-select"

    @staticmethod
    def initial_from(revision: Revision | None, expectation: Expectation) -> dict[str, Any]:
        if revision is None:
            return {"version": expectation.version, "owner": expectation.owner_id}
        return {
            "area": revision.area,
            "statement": revision.statement,
            "kind": MEASURABLE if revision.measurable else QUALITATIVE,
            "measure": revision.measure,
            "category": revision.category or "ALL",
            "comparator": revision.comparator,
            "target": revision.target,
            "basis": revision.basis,
            "rating_target": revision.rating_target,
            "open_after": revision.open_after,
            "close_after": revision.close_after,
            "owner": expectation.owner_id,
            "version": expectation.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MEASURABLE and not data.get("measure"):
            self.add_error("measure", _("Choose the measure that is held to the target."))
        return data

    def terms(self) -> Terms:
        data = self.cleaned_data
        if data["kind"] == QUALITATIVE:
            return Terms(
                area=data["area"],
                statement=data["statement"],
                rating_target=data["rating_target"],
                open_after=data["open_after"],
                close_after=data["close_after"],
            )
        measure = data["measure"]
        return Terms(
            area=data["area"],
            statement=data["statement"],
            measure=measure,
            category=data["category"] or "ALL",
            comparator=data["comparator"] or services.default_comparator(measure),
            target=data["target"],
            basis=data["basis"],
            open_after=data["open_after"],
            close_after=data["close_after"],
        )


class VersionForm(StyledForm):
    """Agree or withdraw proposed terms, as they were when the page was read."""

    version = VersionField()


class RetireForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("Why it is no longer expected"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()


def month_field(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=7, widget=forms.TextInput(attrs={"type": "month"}), **kwargs
    )


class RatingForm(StyledForm):
    month = month_field(gettext_lazy("Month"))
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        coerce=int,
        choices=[("", "–")] + [(n, f"{n} / {RATING_MAX}") for n in range(1, RATING_MAX + 1)],
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("At the meeting"), queryset=Meeting.objects.none(), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Meeting.objects.filter(relationship=relationship, kind=MeetingKind.SET).order_by(
            "-starts_at"
        )

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        try:
            parse_month(month)
        except ValueError:
            raise forms.ValidationError(_("Write a month as YYYY-MM.")) from None
        return month


class PlanForm(StyledForm):
    """An action item of a gap's action plan (a register item whose source is the gap)."""

    title = forms.CharField(label=gettext_lazy("Action"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_side = forms.ChoiceField(label=gettext_lazy("Owner side"), choices=OwnerSide.choices)
    due_date = forms.DateField(
        label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=Priority.choices, initial="medium")

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(relationship, [Side.SUPPLIER, Side.CUSTOMER])
        self.fields["owner"].help_text = ""
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.order_fields(["title", "description", "owner_side", "owner", "due_date", "priority"])


class TrackForm(StyledForm):
    measure = forms.ChoiceField(label=gettext_lazy("Tracked by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["measure"]).choices = measure_choices(
            _("The expectation's own measure")
        )
