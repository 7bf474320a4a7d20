"""Forms of the topic log and the forecasts. They read the values; ``meetings.topics`` judges them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accord.lib.api import MAX_INT, MAX_TEXT
from accord.lib.forms import StyledForm, StyledModelForm, VersionField, style
from accord.meetings import topic_log
from accord.meetings.models import Forecast, Topic, TopicKind, TopicStatus, Visibility
from accord.parties.access import RelationshipAccess
from accord.parties.models import Side


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TopicForm(StyledModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Topic
        fields = [
            "kind",
            "title",
            "description",
            "raised_by_side",
            "raised_on",
            "visibility",
            "effective_date",
            "products",
            "target_release",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "raised_on": DateInput(),
            "effective_date": DateInput(),
            "products": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "raised_by_side": _(
                "The side that raised it: yours, or the other side's (a concern told in a meeting)."
            ),
            "visibility": _(
                "A private topic is seen by your own side only. It may be shared later; "
                "a shared topic stays shared."
            ),
            "effective_date": _("Product change notices only."),
            "products": _("Product change notices only: the supplier's products it affects."),
            "target_release": _("Feature requests only."),
        }

    def __init__(self, *args: Any, access: RelationshipAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = cast(forms.ModelMultipleChoiceField, self.fields["products"])
        products.queryset = topic_log.supplier_products(access)
        self.fields["description"].max_length = MAX_TEXT  # type: ignore[attr-defined]
        if self.instance.pk:
            if self.instance.visibility == Visibility.SHARED:  # a shared topic stays shared
                self.fields["visibility"].disabled = True
            # a feature request keeps its own statuses: the kind moves within its family only
            family = [
                (k, label)
                for k, label in TopicKind.choices
                if (k == TopicKind.FEATURE_REQUEST) == (self.instance.kind == TopicKind.FEATURE_REQUEST)
            ]
            cast(forms.ChoiceField, self.fields["kind"]).choices = family

    def _post_clean(self) -> None:
        # The service validates and saves; the form must not write onto the instance it edits.
        pass

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["products"] = list(data.get("products") or [])
        data["target_release"] = data.get("target_release") or ""
        if self.instance.pk and self.fields["visibility"].disabled:
            data.pop("visibility", None)
        return data


class StatusForm(StyledForm):
    status = forms.ChoiceField(choices=TopicStatus.choices)
    target_release = forms.CharField(label=_("Target release"), required=False, max_length=60)
    version = VersionField()


class LinkForm(StyledForm):
    keys = forms.CharField(
        label=_("Action items"),
        max_length=500,
        help_text=_("Numbers of action items, separated by commas, e.g. 12, TLA-0040."),
    )

    def clean_keys(self) -> list[str]:
        return [k.strip() for k in self.cleaned_data["keys"].replace(";", ",").split(",") if k.strip()]


class UnlinkForm(StyledForm):
    key = forms.CharField(max_length=30)


class FilterForm(forms.Form):
    """The log's filters, read from the query string (bad values are ignored, not errors)."""

    opens_on = {"status": [str(s) for s in topic_log.OPEN_WORK]}

    kind = forms.MultipleChoiceField(label=_("Kind"), choices=TopicKind.choices, required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=TopicStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    raised_by_side = forms.ChoiceField(
        label=_("Raised by"), choices=[("", _("Either side")), *Side.choices], required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=[("", _("Any")), *Visibility.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-raised", _("Newest first")),
            ("raised", _("Oldest first")),
            ("-updated", _("Last change")),
            ("kind", _("Kind")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["size"] = 4
        style(self)

    def filters(self) -> topic_log.Filters:
        if not self.is_bound:
            return topic_log.Filters()
        self.is_valid()
        valid = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return topic_log.Filters(
            kinds=list(valid.get("kind") or []),
            statuses=list(valid.get("status") or []),
            raised_by_side=valid.get("raised_by_side") or "",
            visibility=valid.get("visibility") or "",
            q=(valid.get("q") or "").strip(),
            sort=valid.get("sort") or "-raised",
        )


def with_default_status(query: QueryDict) -> QueryDict:
    """The log's query: as given, or the open work when it names no status (pages and exports alike)."""
    query = query.copy()
    query.pop("page", None)
    if not query.getlist("status"):
        query.setlist("status", [str(s) for s in topic_log.OPEN_WORK])
    return query


def status_toggle(query: QueryDict) -> list[dict[str, Any]]:
    """The "Open work" / "All" switch over the same filters."""
    current = set(query.getlist("status"))
    out = []
    for key, label, statuses in (
        ("open", _("Open work"), [str(s) for s in topic_log.OPEN_WORK]),
        ("all", _("All"), list(TopicStatus.values)),
    ):
        switched = query.copy()
        switched.setlist("status", statuses)
        out.append(
            {"key": key, "label": label, "query": switched.urlencode(), "active": current == set(statuses)}
        )
    return out


class ForecastForm(StyledModelForm):
    version = VersionField(required=False)
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"}),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_INT)

    class Meta:
        model = Forecast
        fields = ["product", "month", "quantity", "note"]

    def __init__(self, *args: Any, access: RelationshipAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["product"]).queryset = topic_log.supplier_products(access)

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["note"] = data.get("note") or ""
        return data


class DeleteForm(StyledForm):
    version = VersionField()
