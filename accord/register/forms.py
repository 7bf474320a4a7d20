from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.lib.api import MAX_TEXT
from accord.lib.forms import StyledForm, StyledModelForm, VersionField
from accord.parties.models import Relationship
from accord.register import numbering, workflow
from accord.register.models import ActionItem, OwnerSide, Priority, SourceKind, Status, TaskForce
from accord.register.owners import owner_memberships, possible_owners
from accord.register.proposals import owner_labels
from accord.register.selectors import OPEN_WORK, SORTS, Filters


def choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A model choice field of ``form``, typed as such (to set its queryset)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def relationship_people(relationship: Relationship) -> Any:
    """The people who may own an item here (editors and admins of both sides), by name."""
    return (
        User.objects.filter(memberships__in=owner_memberships(relationship)).distinct().order_by("full_name")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    """People as "Name (Party name)" (``labels``, set with the queryset), so both sides' namesakes are
    told apart without showing an e-mail domain."""

    labels: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        return getattr(self, "labels", {}).get(obj.pk, obj.full_name)


def possible_owner_choices(field: forms.Field, item: ActionItem) -> None:
    """Fill an owner field with ``item``'s possible owners, labelled by party."""
    assert isinstance(field, PersonChoiceField)
    field.queryset = possible_owners(item)
    field.labels = owner_labels(item, field.queryset)


class ItemForm(StyledModelForm):
    version = VersionField(required=False)
    related_numbers = forms.CharField(
        label=_("Related items"),
        required=False,
        max_length=500,
        help_text=_("Numbers of related items, separated by commas, e.g. 12, TLA-0040, TLA-S0003."),
    )

    class Meta:
        model = ActionItem
        fields = [
            "title",
            "description",
            "owner_side",
            "owner",
            "task_force",
            "due_date",
            "priority",
            "visibility",
        ]
        field_classes = {"owner": PersonChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "due_date": DateInput()}
        help_texts = {
            "visibility": _("A private item is seen only by your own side, in pages, exports and e-mails.")
        }

    def __init__(self, *args: Any, relationship: Relationship, plans: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item = (
            self.instance if self.instance.pk else ActionItem(relationship=relationship, owner_side="joint")
        )
        # a new item may go to either side; an item's owner list holds those who may own it
        possible_owner_choices(self.fields["owner"], item)
        choice(self, "task_force").queryset = TaskForce.objects.filter(
            relationship=relationship, status="active"
        )
        if not plans:  # the other side proposes these on the item's page (``register.proposals``)
            for name in workflow.PLANNING_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Only the owning side changes this; propose a change on the item's page."
                )

    def _post_clean(self) -> None:
        # The service validates and saves; the form must not write onto the instance it edits.
        pass

    def clean_related_numbers(self) -> list[str]:
        """The keys written (TLA-0040, 12, S4, …); whether each names an item is the service's to say."""
        keys = []
        for part in self.cleaned_data["related_numbers"].replace(";", ",").split(","):
            if not part.strip():
                continue
            if numbering.parse_key(part) is None:
                raise forms.ValidationError(_("“%(part)s” is not an item number.") % {"part": part.strip()})
            keys.append(part.strip())
        return keys

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("related_numbers", None)
        return data


class TransitionForm(StyledForm):
    action = forms.ChoiceField(choices=[(name, name) for name in workflow.ACTION_NAMES])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class CommentForm(StyledForm):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": ""}),
        help_text=_("Type @ and a name to mention someone who may see this item."),
    )


class ProposalForm(StyledForm):
    """The other side proposes a new due date and/or owner (``register.proposals``)."""

    due_date = forms.DateField(label=_("New due date"), required=False, widget=DateInput())
    owner = PersonChoiceField(label=_("New owner"), queryset=User.objects.none(), required=False)
    note = forms.CharField(
        label=_("Why?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "data-mentions": ""}),
    )

    def __init__(self, *args: Any, item: ActionItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        possible_owner_choices(self.fields["owner"], item)
        choice(self, "owner").empty_label = _("(keep the owner)")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "due_date": data.get("due_date"),
            "propose_due": data.get("due_date") is not None,
            "owner": data.get("owner"),
            "propose_owner": data.get("owner") is not None,
            "note": data.get("note") or "",
        }


class QuickEditForm(StyledForm):
    """One field of a register row, edited in place (htmx)."""

    version = VersionField()
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput())

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice(self, "owner").queryset = relationship_people(relationship)


class FilterForm(forms.Form):
    """The register's filters, read from the query string (bad values are ignored, not errors)."""

    # what the page opens on (``with_default_status``): not an active filter on the phone's button
    opens_on = {"status": [str(s) for s in OPEN_WORK]}

    status = forms.MultipleChoiceField(
        label=_("Status"), choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    owner_side = forms.ChoiceField(
        label=_("Owner side"), choices=[("", _("Any side")), *OwnerSide.choices], required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    task_force = forms.ModelChoiceField(
        label=_("Task force"), queryset=TaskForce.objects.none(), required=False, empty_label=_("Any")
    )
    priority = forms.MultipleChoiceField(
        label=_("Priority"), choices=Priority.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    to_verify = forms.BooleanField(label=_("For me to verify"), required=False)
    due_within = forms.IntegerField(label=_("Due within (days)"), min_value=0, max_value=3650, required=False)
    source_kind = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any source")), *SourceKind.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-number", _("Newest first")),
            ("number", _("Oldest first")),
            ("due", _("Due date")),
            ("-due", _("Due date, latest first")),
            ("priority", _("Priority")),
            ("updated", _("Last update")),
            ("status", _("Status")),
            ("owner", _("Owner")),
        ],
    )

    def __init__(self, *args: Any, relationship: Relationship | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if relationship is not None:
            choice(self, "owner").queryset = relationship_people(relationship)
            choice(self, "task_force").queryset = TaskForce.objects.filter(relationship=relationship)
        else:
            del self.fields["owner"], self.fields["task_force"], self.fields["to_verify"]
        from accord.lib.forms import style

        style(self)

    def filters(self) -> Filters:
        if not self.is_bound:
            return Filters()
        self.is_valid()
        valid = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        owner, task_force = valid.get("owner"), valid.get("task_force")
        sort = valid.get("sort") or "-number"
        return Filters(
            status=list(valid.get("status") or []),
            owner_side=valid.get("owner_side") or "",
            owner=owner.pk if owner else None,
            task_force=task_force.pk if task_force else None,
            priority=list(valid.get("priority") or []),
            overdue=bool(valid.get("overdue")),
            due_within=valid.get("due_within"),
            source_kind=valid.get("source_kind") or "",
            q=(valid.get("q") or "").strip(),
            to_verify=bool(valid.get("to_verify")),
            sort=sort if sort in SORTS else "-number",
        )

    def describe(self) -> list[str]:
        """The filters that apply, as a reader would say them ("Status: Open, In progress"), for a file
        that must tell what it lists. Invalid values (ignored by ``filters``) are left out; so is the sort."""
        if not self.is_bound:
            return []
        self.is_valid()
        out = []
        for name, field in self.fields.items():
            if name == "sort" or name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            label = str(field.label)
            if isinstance(field, forms.BooleanField):
                out.append(label)
            elif isinstance(field, forms.MultipleChoiceField):
                names = dict(cast(Any, field.choices))
                out.append(f"{label}: " + ", ".join(str(names.get(v, v)) for v in value))
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                out.append(f"{label}: {dict(cast(Any, field.choices)).get(value, value)}")
            elif isinstance(field, forms.ModelChoiceField):
                out.append(f"{label}: {getattr(value, 'full_name', None) or value}")
            else:
                out.append(f"{label}: {value}")
        return out


def with_default_status(query: QueryDict) -> QueryDict:
    """The query a register list is filtered by: as given, or, when it names no status, the open work
    (open, in progress, done awaiting verification). Pages and exports read the same, and the page's
    form, export links and pages carry the statuses, so what a link or a file shows is what was seen."""
    query = query.copy()
    query.pop("page", None)
    if not query.getlist("status"):
        query.setlist("status", [str(s) for s in OPEN_WORK])
    return query


def status_toggle(query: QueryDict) -> list[dict[str, Any]]:
    """The "Open work" / "All" switch: the same filters (of ``with_default_status``'s query) with the open
    work's statuses or with every status; ``active`` marks the one shown."""
    current = set(query.getlist("status"))
    out = []
    for key, label, statuses in (
        ("open", _("Open work"), [str(s) for s in OPEN_WORK]),
        ("all", _("All"), list(Status.values)),
    ):
        switched = query.copy()
        switched.setlist("status", statuses)
        out.append(
            {"key": key, "label": label, "query": switched.urlencode(), "active": current == set(statuses)}
        )
    return out


class TaskForceForm(StyledModelForm):
    version = VersionField(required=False)

    class Meta:
        model = TaskForce
        fields = ["name", "charter", "lead", "members", "status"]
        widgets = {
            "charter": forms.Textarea(attrs={"rows": 3}),
            "members": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = relationship_people(relationship)
        choice(self, "lead").queryset = people
        choice(self, "members").queryset = people
        self.fields["status"].required = self.instance.pk is not None  # a new task force starts active

    def _post_clean(self) -> None:
        pass


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Register file (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)
