"""The reports' forms: a report definition, generating an issue, an issue's commentary and a correction's
reason. They check the shape of what is typed; the services check the rest (``add_service_error`` puts
their messages next to the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.lib.forms import StyledForm, VersionField
from accord.parties.models import Membership, ProductCategory, Relationship
from accord.reports.models import (
    COMMENTARY_MAX,
    HISTORY_MAX,
    HISTORY_MIN,
    REASON_MAX,
    TITLE_MAX,
    Benchmarks,
    Period,
    ReportDefinition,
    ReportIssue,
    Section,
)
from accord.reports.services import AFTER_DAYS_MAX, OVERALL, DefinitionInput

User = get_user_model()

DEFINITION_FIELDS = (
    "title",
    "sections",
    "categories",
    "period",
    "first_period",
    "history_months",
    "compare_targets",
    "compare_previous",
    "benchmarks",
    "recipients",
    "after_days",
    "auto_publish",
    "active",
    "language",
)


class DefinitionForm(StyledForm):
    """What a customer asked to receive: its sections, categories, period, comparisons, recipients and
    schedule. Sections and the first period are checked by the service (its messages are the ones shown)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,
        required=False,  # not given: the relationship's
        help_text=gettext_lazy("The files are written in it, for all their readers."),
    )
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Sections"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("TL 9000 product categories"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=gettext_lazy(
            "None chosen: all categories pooled, then each category with data. "
            "Hold Ctrl (⌘) to choose several."
        ),
    )
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=Period.choices, widget=forms.RadioSelect)
    first_period = forms.CharField(
        label=gettext_lazy("First period"),
        max_length=7,
        required=False,
        help_text=gettext_lazy("A quarter (2026-Q1) or a month (2026-01), as the period says."),
    )
    history_months = forms.IntegerField(
        label=gettext_lazy("Months of history shown"), min_value=HISTORY_MIN, max_value=HISTORY_MAX
    )
    compare_targets = forms.BooleanField(
        label=gettext_lazy("Compare with the targets of the agreed expectations"), required=False
    )
    compare_previous = forms.BooleanField(
        label=gettext_lazy("Compare with the previous period"), required=False
    )
    benchmarks = forms.ChoiceField(
        label=gettext_lazy("TL 9000 benchmarks"), choices=Benchmarks.choices, widget=forms.RadioSelect
    )
    recipients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Recipients"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("They are e-mailed when an issue is published."),
    )
    after_days = forms.IntegerField(
        label=gettext_lazy("Generate this many days after the period ends"),
        min_value=0,
        max_value=AFTER_DAYS_MAX,
    )
    auto_publish = forms.BooleanField(
        label=gettext_lazy("Publish without review (otherwise a supplier editor publishes each draft)"),
        required=False,
    )
    active = forms.BooleanField(
        label=gettext_lazy("Scheduled: generate each period's draft automatically"), required=False
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories: Any = self.fields["categories"]
        categories.choices = [
            (c.code, f"{c.code} {c.name}") for c in ProductCategory.objects.order_by("code")
        ]
        members = Membership.objects.filter(party_id=relationship.customer_id, is_active=True)
        recipients: Any = self.fields["recipients"]
        recipients.queryset = User.objects.filter(pk__in=members.values("user_id")).order_by(
            "full_name", "email"
        )
        recipients.label_from_instance = lambda u: f"{u.full_name or u.email} <{u.email}>"
        recipients.help_text = _("Members of %(party)s; they are e-mailed when an issue is published.") % {
            "party": relationship.customer.name
        }

    @staticmethod
    def initial_for(definition: ReportDefinition | None, relationship: Relationship) -> dict[str, Any]:
        if definition is None:
            return {
                "sections": [s.value for s in Section][:5],
                "period": Period.QUARTERLY,
                "history_months": 12,
                "compare_targets": True,
                "compare_previous": True,
                "benchmarks": Benchmarks.POSITION,
                "after_days": 1,
                "active": True,
                "language": relationship.language,
            }
        initial = {f: getattr(definition, f) for f in DEFINITION_FIELDS if f != "recipients"}
        return initial | {"recipients": list(definition.recipients.all()), "version": definition.version}

    def definition_input(self) -> DefinitionInput:
        data = self.cleaned_data
        return DefinitionInput(
            title=data["title"],
            sections=list(data["sections"]),
            categories=list(data["categories"]),
            period=data["period"],
            first_period=data["first_period"] or "",
            history_months=data["history_months"],
            compare_targets=data["compare_targets"],
            compare_previous=data["compare_previous"],
            benchmarks=data["benchmarks"],
            recipients=[u.pk for u in data["recipients"]],
            after_days=data["after_days"],
            auto_publish=data["auto_publish"],
            active=data["active"],
            language=data.get("language") or "",
        )

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The fields in the fieldsets the form page shows."""
        return [
            (_("The report"), [self["title"], self["language"], self["sections"], self["categories"]]),
            (
                _("Periods and comparisons"),
                [
                    self["period"],
                    self["first_period"],
                    self["history_months"],
                    self["compare_targets"],
                    self["compare_previous"],
                    self["benchmarks"],
                ],
            ),
            (
                _("Recipients and schedule"),
                [self["recipients"], self["after_days"], self["active"], self["auto_publish"]],
            ),
        ]


class GenerateForm(StyledForm):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("An ended quarter (2026-Q3) or month (2026-09), as the report's period says."),
    )


class CommentaryForm(StyledForm):
    """The supplier's commentary of a draft: the summary on the cover and one text per section."""

    version = VersionField()

    def __init__(self, *args: Any, issue: ReportIssue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        titles = dict(Section.choices)
        keys = [OVERALL, *[k for k in issue.data.get("order", issue.definition.sections) if k in titles]]
        self.keys = keys
        for key in keys:
            self.fields[key] = forms.CharField(
                label=_("Summary (on the cover)") if key == OVERALL else titles[key],
                max_length=COMMENTARY_MAX,
                required=False,
                strip=True,
                initial=issue.commentary.get(key, ""),
                # added after StyledForm styled the fields: styled here
                widget=forms.Textarea(
                    attrs={
                        "rows": 4 if key == OVERALL else 3,
                        "maxlength": COMMENTARY_MAX,
                        "class": "form-control",
                    }
                ),
            )
        self.order_fields(["version", *keys])

    def rows(self) -> list[Any]:
        """The summary first (full width), then the sections' texts."""
        return [self[key] for key in self.keys]

    def commentary(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.keys}


class ReviseForm(StyledForm):
    reason = forms.CharField(
        label=gettext_lazy("What does the correction correct?"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The recipients read it with the corrected issue."),
    )
