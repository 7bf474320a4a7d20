"""The feedback's forms: a survey, inviting people, the areas, answering, and triage. They check the
shape of what is typed; the services check the rest and ``add_service_error`` puts their messages next
to the fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.feedback.answering import AreaAnswer
from accord.feedback.areas import COMMENT_MAX, QUESTION_MAX, RATING_MAX, RATING_MIN, TITLE_MAX, Function
from accord.feedback.models import TemplateArea
from accord.feedback.services import AreaInput, Invitee, invitable_members
from accord.lib.forms import StyledForm, VersionField
from accord.meetings.models import Kind, Meeting
from accord.parties.models import Relationship, Site
from accord.register.models import OwnerSide, Priority
from accord.register.owners import owner_memberships

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Site visit"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: a standalone survey"),
        help_text=gettext_lazy(
            "The customer site visit this feedback belongs to; its site is taken by default."
        ),
    )
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=Site.objects.none(), required=False)
    equipment = forms.CharField(
        label=gettext_lazy("Equipment"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("What was installed there; left empty, the installed base at the site."),
    )
    equipment_since = forms.DateField(
        label=gettext_lazy("Equipment in service since"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy(
            "The guidance visits sites where equipment has run under a year, best 3 to 6 months; left empty,"
            " the installed base's first date at the site."
        ),
    )
    closes_on = forms.DateField(label=gettext_lazy("Answers until"), widget=DATE)
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous: the supplier sees each respondent's function, not their name"),
        required=False,
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field: Any = self.fields["meeting"]
        meeting_field.queryset = Meeting.objects.filter(
            relationship=relationship, kind=Kind.SITE_VISIT
        ).order_by("-starts_at")
        meeting_field.label_from_instance = lambda m: f"{m.starts_at:%Y-%m-%d} · {m.title}"
        site_field: Any = self.fields["site"]
        site_field.queryset = Site.objects.filter(
            party_id__in=[relationship.customer_id, relationship.supplier_id]
        )


class InviteForm(StyledForm):
    """One member of the customer, or anyone by address; and any number more, one per line."""

    member = forms.TypedChoiceField(
        label=gettext_lazy("A member of the customer"), required=False, coerce=int
    )
    name = forms.CharField(
        label=gettext_lazy("Or someone without an account: name"), max_length=150, required=False
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    function = forms.ChoiceField(
        label=gettext_lazy("Function"), choices=[("", "—"), *Function.choices], required=False
    )
    more = forms.CharField(
        label=gettext_lazy("More people, one per line: e-mail, function, name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "lin@telco-a.example, operation, Lin Wu"}),
        help_text=gettext_lazy(
            "Functions: engineering, procurement, installation, activation, operation, other."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language for people without an account"),
        choices=settings.LANGUAGES,
        required=False,  # not given: the relationship's
        help_text=gettext_lazy("Their e-mails and answer page; members read theirs in their own."),
    )

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = relationship.language
        field: Any = self.fields["member"]
        field.choices = [
            ("", "—"),
            *((u.pk, f"{u.full_name or u.email} <{u.email}>") for u in invitable_members(relationship)),
        ]

    def invitees(self) -> list[Invitee]:
        data = self.cleaned_data
        found: list[Invitee] = []
        if data.get("member") or data.get("email"):
            if not data.get("function"):
                self.add_error("function", _("Choose their function."))
            found.append(
                Invitee(
                    function=data.get("function") or "",
                    user_id=data.get("member") or None,
                    name="" if data.get("member") else data.get("name", ""),
                    email="" if data.get("member") else data.get("email", ""),
                    language=data.get("language", ""),
                )
            )
        for n, line in enumerate((data.get("more") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",", 2)]
            if len(parts) < 2 or parts[1].lower() not in Function.values:
                self.add_error(
                    "more", _("Line %(n)d: write an e-mail address, a function and a name.") % {"n": n}
                )
                continue
            found.append(
                Invitee(
                    function=parts[1].lower(),
                    email=parts[0],
                    name=parts[2] if len(parts) > 2 else "",
                    language=data.get("language", ""),
                )
            )
        if not found and not self.errors:
            self.add_error(None, _("Choose a member or enter someone's address."))
        return found


class AreasForm(StyledForm):
    """The relationship's areas as rows: each row's key (hidden), name, question and position; a row left
    empty is dropped, an empty row filled in is a new area."""

    note = forms.CharField(
        label=gettext_lazy("What changed (for the history)"), max_length=300, required=False
    )
    version = VersionField()

    def __init__(self, *args: Any, areas: list[TemplateArea], extra: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, str, str]] = []
        for i, area in enumerate([*areas, *([None] * extra)]):
            key, title, question = f"key-{i}", f"title-{i}", f"question-{i}"
            self.fields[key] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=area.key if area else ""
            )
            self.fields[title] = forms.CharField(
                label=_("Area %(n)d") % {"n": i + 1},
                max_length=TITLE_MAX,
                required=False,
                initial=area.title if area else "",
            )
            self.fields[question] = forms.CharField(
                label=_("Question %(n)d") % {"n": i + 1},
                max_length=QUESTION_MAX,
                required=False,
                initial=area.question if area else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append((key, title, question))
        self.order_fields(["note", "version", *[f for row in self.rows for f in row]])

    def areas(self) -> list[AreaInput]:
        out = []
        for key, title, question in self.rows:
            t, q = self.cleaned_data.get(title, "").strip(), self.cleaned_data.get(question, "").strip()
            if t or q:
                out.append(AreaInput(key=self.cleaned_data.get(key, ""), title=t, question=q))
        return out

    def bound_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[k], self[t], self[q]) for k, t, q in self.rows]


RATING_CHOICES = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)] + [("na", gettext_lazy("N/A"))]
_AREA_FIELD = re.compile(r"^(rating|comment|file)-(\d{1,12})$")


class AnswerForm(forms.Form):
    """A rating (1–5 or not applicable), a comment and a file per area of the survey. A posted field of
    an area that is not the survey's own (a forged id) is refused, not ignored."""

    def __init__(self, *args: Any, areas: list[TemplateArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[f"rating-{area.pk}"] = forms.ChoiceField(
                label=area.title,
                choices=RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
            self.fields[f"comment-{area.pk}"] = forms.CharField(
                label=_("Comment on %(area)s") % {"area": area.title},
                max_length=COMMENT_MAX,
                required=False,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control", "maxlength": COMMENT_MAX}),
            )
            self.fields[f"file-{area.pk}"] = forms.FileField(
                label=_("Photo or file for %(area)s") % {"area": area.title},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"class": "form-control form-control-sm", "accept": "image/*,.pdf"}
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        own = {str(a.pk) for a in self.areas}
        posted = [*self.data.keys(), *getattr(self.files, "keys", lambda: [])()]
        if any((m := _AREA_FIELD.match(k)) and m.group(2) not in own for k in posted):
            raise forms.ValidationError(_("An answer names an area that is not in this survey."))
        return data

    def answers(self) -> list[AreaAnswer]:
        out = []
        for area in self.areas:
            rating = self.cleaned_data.get(f"rating-{area.pk}") or ""
            comment = self.cleaned_data.get(f"comment-{area.pk}") or ""
            if rating or comment:
                out.append(
                    AreaAnswer(
                        area_id=area.pk,
                        rating=int(rating) if rating.isdigit() else None,
                        not_applicable=rating == "na",
                        comment=comment,
                    )
                )
        return out

    def uploads(self) -> list[tuple[int, Any]]:
        return [(a.pk, f) for a in self.areas if (f := self.cleaned_data.get(f"file-{a.pk}"))]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "area": a,
                "rating": self[f"rating-{a.pk}"],
                "comment": self[f"comment-{a.pk}"],
                "file": self[f"file-{a.pk}"],
            }
            for a in self.areas
        ]


CREATE, MERGE, DISMISS = "create", "merge", "dismiss"


class DecideForm(StyledForm):
    """Triage one proposal: an item created, merged into an existing item (by its key), or dismissed."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (CREATE, gettext_lazy("Create an action item")),
            (MERGE, gettext_lazy("Merge into an existing item")),
            (DISMISS, gettext_lazy("Dismiss")),
        ],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=gettext_lazy("Action to take"), max_length=200, required=False)
    owner_side = forms.ChoiceField(
        label=gettext_lazy("Owner side"), choices=OwnerSide.choices, initial=OwnerSide.SUPPLIER
    )
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), required=False, coerce=int)
    due_date = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.MEDIUM
    )
    item = forms.CharField(
        label=gettext_lazy("Item to merge into"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Its key or reference, e.g. 7 or TLA-0007."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why no action is needed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = {
            relationship.supplier_id: relationship.supplier.name,
            relationship.customer_id: relationship.customer.name,
        }
        field: Any = self.fields["owner"]
        field.choices = [("", "—")] + [
            (m.user_id, f"{m.user.full_name or m.user.email} ({parties[m.party_id]})")
            for m in owner_memberships(relationship).select_related("user").order_by("user__full_name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision == CREATE and not (data.get("title") or "").strip():
            self.add_error("title", _("Name the action."))
        if decision == MERGE and not (data.get("item") or "").strip():
            self.add_error("item", _("Give the key of the item to merge into."))
        if decision == DISMISS and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why this needs no action: the customer will read it."))
        return data
