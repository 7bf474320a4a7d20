from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.lib.forms import StyledForm, StyledModelForm, VersionField
from accord.parties.models import Relationship
from accord.register import workflow
from accord.register.models import ActionItem, OwnerSide, Priority, SourceKind, Status, TaskForce
from accord.register.proposals import owner_labels, possible_owners
from accord.register.selectors import SORTS, Filters
from accord.register.services import owner_memberships


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
        help_text=_("Numbers of related items, separated by commas, e.g. 12, TLA-0040."),
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

    def clean_related_numbers(self) -> list[int]:
        numbers = []
        for part in self.cleaned_data["related_numbers"].replace(";", ",").split(","):
            digits = part.strip().rsplit("-", 1)[-1]
            if not digits:
                continue
            if not digits.isdigit():
                raise forms.ValidationError(_("“%(part)s” is not an item number.") % {"part": part.strip()})
            numbers.append(int(digits))
        return numbers

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
        widget=forms.Textarea(attrs={"rows": 3, "data-mentions": ""}),
        help_text=_("Type @ and a name to mention someone who may see this item."),
    )


class ProposalForm(StyledForm):
    """The other side proposes a new due date and/or owner (``register.proposals``)."""

    due_date = forms.DateField(label=_("New due date"), required=False, widget=DateInput())
    owner = PersonChoiceField(label=_("New owner"), queryset=User.objects.none(), required=False)
    note = forms.CharField(
        label=_("Why?"), required=False, widget=forms.Textarea(attrs={"rows": 2, "data-mentions": ""})
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
            del self.fields["owner"], self.fields["task_force"]
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
            sort=sort if sort in SORTS else "-number",
        )


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
