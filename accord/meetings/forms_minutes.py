"""The forms of the minutes: attendance, a walk-in, an agenda item's minutes, a decision, an action item
made at the meeting, approval and correction. The services validate; these only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.lib.api import MAX_TEXT
from accord.lib.forms import StyledForm, VersionField
from accord.meetings import services
from accord.meetings.models import Attendee, Meeting
from accord.register.forms import DateInput, PersonChoiceField, relationship_people
from accord.register.models import OwnerSide, Visibility


class AttendanceForm(StyledForm):
    """One checkbox per person invited: ticked attended, unticked did not."""

    def __init__(self, *args: Any, attendees: list[Attendee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendees = attendees
        for a in attendees:
            self.fields[f"attended_{a.pk}"] = forms.BooleanField(
                label=a.display_name, required=False, initial=bool(a.attended)
            )
        self.order_fields(sorted(self.fields))

    def marks(self) -> dict[int, bool | None]:
        return {a.pk: bool(self.cleaned_data.get(f"attended_{a.pk}")) for a in self.attendees}


class WalkInForm(StyledForm):
    """Someone who came uninvited: a member of either side, or an external guest."""

    user = PersonChoiceField(label=_("Member"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("Or a guest's name"), max_length=150, required=False)
    email = forms.EmailField(label=_("and e-mail"), required=False)

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        if meeting is not None:
            invited = meeting.attendees.filter(user__isnull=False).values_list("user_id", flat=True)
            ids = [
                *services.members_of(meeting.relationship),
                *services.facilitators_of(meeting.relationship),
            ]
            people = User.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=invited)
            field.queryset = people.order_by("full_name")
        else:
            field.queryset = User.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("user") is None and not data.get("email"):
            raise forms.ValidationError(_("Choose a member, or give a guest's name and e-mail."))
        return data

    def person(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("user") is not None:
            return {"user": data["user"]}
        return {"guest": services.ExternalGuest(name=data.get("name") or "", email=data["email"])}


class MinutesForm(StyledForm):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = VersionField()
    item = forms.IntegerField(widget=forms.HiddenInput, required=False)  # which item (a kept post)


class DecisionForm(StyledForm):
    text = forms.CharField(label=_("Decision"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class ActionItemForm(StyledForm):
    """A new action item from an agenda item (the register's service judges owner and side)."""

    title = forms.CharField(label=_("New action item"), max_length=300)
    owner_side = forms.ChoiceField(label=_("Owner side"), choices=OwnerSide.choices)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.SHARED
    )

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = relationship_people(meeting.relationship) if meeting else User.objects.none()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("title", "owner_side", "owner", "due_date", "visibility")}


class ApprovalForm(StyledForm):
    revision = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class CorrectionForm(StyledForm):
    reason = forms.CharField(
        label=_("Why do the approved minutes need a correction?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
