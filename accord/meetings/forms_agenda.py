"""Forms of the agenda pages: an agenda item (title, data section, presenter, time, notes, topic), a
move, and a template item. The services check everything again; these only shape the input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.accounts.models import User
from accord.lib.api import MAX_TEXT
from accord.lib.forms import StyledForm, VersionField
from accord.meetings import agenda, sections
from accord.meetings.models import SETTLED_STATUSES, AgendaItem, Meeting, Topic


class ItemForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    binding = forms.ChoiceField(label=_("Data section"), required=False)
    minutes_allotted = forms.IntegerField(
        label=_("Minutes allotted"), min_value=0, max_value=agenda.MAX_MINUTES
    )
    presenter: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Presenter"), queryset=None, required=False
    )
    topic: forms.ModelChoiceField[Topic] = forms.ModelChoiceField(
        label=_("Topic"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes for the agenda"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["binding"]).choices = sections.choices()
        presenter: Any = self.fields["presenter"]
        presenter.queryset = User.objects.filter(pk__in=[p.pk for p in agenda.presenters(meeting)])
        presenter.queryset = presenter.queryset.order_by("full_name", "email")
        presenter.label_from_instance = lambda u: u.full_name or u.email
        topic: Any = self.fields["topic"]
        # the open shared topics (and the one chosen already): a settled topic is not an agenda input
        current = Q(pk=self.initial["topic"]) if self.initial.get("topic") else Q(pk__in=[])
        topic.queryset = agenda.shared_topics(meeting).filter(~Q(status__in=SETTLED_STATUSES) | current)
        topic.queryset = topic.queryset.order_by("kind", "title")

    @classmethod
    def for_item(cls, item: AgendaItem, data: Any = None) -> ItemForm:
        initial = {
            "title": item.title,
            "binding": item.binding,
            "minutes_allotted": item.minutes_allotted,
            "presenter": item.presenter_id,
            "topic": item.topic_id,
            "notes": item.notes,
            "version": item.version,
        }
        return cls(data, meeting=item.meeting, initial=initial)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in agenda.ITEM_FIELDS}


class AddItemForm(ItemForm):
    """A new item: its title, data section, time and presenter (a topic is chosen on its edit page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes_allotted"].initial = 15
        del self.fields["version"]
        del self.fields["topic"]


class MoveForm(StyledForm):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class TemplateItemForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    binding = forms.ChoiceField(label=_("Data section"), required=False)
    minutes = forms.IntegerField(
        label=pgettext_lazy("duration", "Minutes"), min_value=0, max_value=agenda.MAX_MINUTES, initial=15
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["binding"]).choices = sections.choices()
