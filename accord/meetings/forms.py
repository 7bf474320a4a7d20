"""The meetings pages' forms: scheduling and changing a meeting, cancelling it, inviting more people,
the cadence's months and the list's filters.

Start and end are typed as a local date and time in the meeting's time zone (``<input
type="datetime-local">``) and stored in UTC. Invitees are checkboxes of both sides' members grouped by
party; external guests are lines "Name <email>" (or just an address), and every bad line is reported."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.lib.api import MAX_TEXT
from accord.lib.forms import StyledForm, VersionField
from accord.lib.timezones import TIME_ZONE_CHOICES, TIME_ZONES
from accord.meetings import services
from accord.meetings.models import Kind, Meeting, Status
from accord.meetings.selectors import WHEN
from accord.parties.models import Relationship, Side, Site

MAX_GUESTS = 100
_GUEST = re.compile(r"^\s*(?:(?P<name>[^<>]*?)\s*<(?P<angle>[^<>]*)>|(?P<plain>\S+))\s*$")


def parse_guests(text: str) -> tuple[list[services.ExternalGuest], list[str]]:
    """External guests from lines "Name <email>" or "email"; blank lines are skipped. Returns the
    guests and one message per bad line (naming its number and what is wrong)."""
    guests: list[services.ExternalGuest] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _GUEST.match(line)
        email = ((match.group("angle") or match.group("plain") or "") if match else "").strip()
        name = ((match.group("name") or "") if match else "").strip().strip('"')
        try:
            if not match:
                raise ValidationError("")
            validate_email(email)
            if len(email) > 254 or len(name) > 150:
                raise ValidationError("")
        except ValidationError:
            errors.append(
                gettext('Line %(n)d: "%(line)s" is not "Name <e-mail address>" or an e-mail address.')
                % {"n": number, "line": line.strip()[:80]}
            )
            continue
        guests.append(services.ExternalGuest(name=name, email=email))
    if len(guests) > MAX_GUESTS:
        errors.append(gettext("Invite at most %(n)d external guests at a time.") % {"n": MAX_GUESTS})
    return guests, errors


LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, read without a zone (the form applies the chosen one)."""

    widget = LocalDateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=LOCAL_FORMATS, **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in LOCAL_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, ZoneInfo(self._zone))
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Against a saved (aware) time, compare the wall-clock time in the form's zone."""
        return super().has_changed(self.prepare_value(initial), data)

    _zone = "UTC"


def default_title(kind: str, when: datetime) -> str:
    return f"{Kind(kind).label}, {formats.date_format(when, 'YEAR_MONTH_FORMAT')}"


def site_choices(relationship: Relationship) -> list[Any]:
    """Both parties' sites, grouped by party (the supplier's first)."""
    sites = list(
        Site.objects.filter(party_id__in=[relationship.supplier_id, relationship.customer_id]).order_by(
            "name"
        )
    )
    groups: list[Any] = [("", "—")]
    for party in (relationship.supplier, relationship.customer):
        own = [(s.pk, s.name) for s in sites if s.party_id == party.pk]
        if own:
            groups.append((party.name, own))
    return groups


def member_groups(relationship: Relationship) -> list[tuple[str, list[tuple[int, str]]]]:
    """Both sides' active members as (party name, [(user id, name)]), the supplier's first."""
    sides = services.members_of(relationship)
    people = {u.pk: u for u in User.objects.filter(pk__in=list(sides)).order_by("full_name", "email")}
    out = []
    for side, party in ((Side.SUPPLIER, relationship.supplier), (Side.CUSTOMER, relationship.customer)):
        out.append(
            (party.name, [(pk, str(u.full_name or u.email)) for pk, u in people.items() if sides[pk] == side])
        )
    return out


class InviteesMixin(forms.Form):
    """Invitees (both sides' members, as checkboxes grouped by party) and external guests."""

    invitees = forms.TypedMultipleChoiceField(
        label=_("Invite"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.CharField(
        label=_("External guests"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Jane Roe <jane@example.com>"}),
        help_text=_(
            'One a line: "Name <e-mail address>" or an e-mail address. They get the invitation, '
            "the pre-read and the approved minutes by e-mail, nothing else."
        ),
    )

    def setup_invitees(self, relationship: Relationship, exclude: set[int] | None = None) -> None:
        exclude = exclude or set()
        self.groups = [
            (name, [(pk, n) for pk, n in people if pk not in exclude])
            for name, people in member_groups(relationship)
        ]
        field = self.fields["invitees"]
        field.choices = [(name, people) for name, people in self.groups if people]  # type: ignore[attr-defined]

    def invitee_groups(self) -> list[tuple[str, list[Any]]]:
        """The checkboxes, grouped by party, for the template."""
        widgets = {int(w.data["value"]): w for w in self["invitees"]}
        return [
            (name, [widgets[pk] for pk, _n in people if pk in widgets])
            for name, people in self.groups
            if people
        ]

    def clean_guests(self) -> list[services.ExternalGuest]:
        guests, errors = parse_guests(self.cleaned_data.get("guests") or "")
        if errors:
            raise ValidationError(errors)
        return guests

    def invited_users(self) -> list[Any]:
        ids = self.cleaned_data.get("invitees") or []
        return list(User.objects.filter(pk__in=ids))


class MeetingForm(StyledForm):
    """A meeting's facts; ``schedule=True`` adds the invitees (a new meeting), otherwise the version
    (a change: a stale one keeps what was typed beside what is saved)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty for the kind and month.")
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, required=False, empty_value=None)
    remote_link = forms.URLField(
        label=_("Remote link"), max_length=500, required=False, assume_scheme="https"
    )
    location_note = forms.CharField(label=_("Room or directions"), max_length=200, required=False)
    host_side = forms.ChoiceField(label=_("Host side"), choices=Side.choices, widget=forms.RadioSelect)
    facilitator = forms.TypedChoiceField(label=_("Facilitator"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(
        label=_("Purpose"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        self.fields["site"].choices = site_choices(relationship)  # type: ignore[attr-defined]
        facilitators = services.facilitators_of(relationship)
        people = User.objects.filter(pk__in=facilitators).order_by("full_name")
        self.fields["facilitator"].choices = [("", "—"), *((u.pk, u.full_name or u.email) for u in people)]  # type: ignore[attr-defined]
        self.has_facilitators = bool(facilitators)
        self.fields["host_side"].choices = [  # type: ignore[attr-defined]
            (Side.SUPPLIER, relationship.supplier.name),
            (Side.CUSTOMER, relationship.customer.name),
        ]
        zone = self["time_zone"].value() or "UTC"
        for name in ("starts_at", "ends_at"):
            self.fields[name]._zone = zone if zone in TIME_ZONES else "UTC"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = ZoneInfo(data.get("time_zone") or "UTC")
        for name in ("starts_at", "ends_at"):
            if isinstance(data.get(name), datetime):
                data[name] = data[name].replace(tzinfo=zone)
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", gettext("The meeting must end after it starts."))
        if starts and ends and ends - starts > timedelta(days=14):
            self.add_error("ends_at", gettext("A meeting lasts at most two weeks."))
        if not data.get("site") and not data.get("remote_link"):
            self.add_error("site", gettext("Choose a site of either party or give a remote link."))
        if data.get("facilitator") and data.get("kind") != Kind.SET:
            self.add_error(
                "facilitator", gettext("Only a shared expectations team meeting has a facilitator.")
            )
        if not data.get("title") and data.get("kind") and starts:
            data["title"] = default_title(data["kind"], starts.astimezone(zone))
        return data

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (sites and people as records of this relationship)."""
        data = self.cleaned_data
        site = Site.objects.filter(pk=data["site"]).first() if data.get("site") else None
        facilitator = User.objects.filter(pk=data["facilitator"]).first() if data.get("facilitator") else None
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "time_zone": data["time_zone"],
            "site": site,
            "remote_link": data.get("remote_link") or "",
            "location_note": data.get("location_note") or "",
            "host_side": data["host_side"],
            "facilitator": facilitator,
            "description": data.get("description") or "",
        }


class ScheduleForm(MeetingForm, InviteesMixin):
    """A new meeting; the scheduler is invited anyway (``services.schedule``), so not offered."""

    def __init__(self, *args: Any, relationship: Relationship, scheduler: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, relationship=relationship, **kwargs)
        del self.fields["version"]
        self.setup_invitees(relationship, exclude={scheduler.pk} if scheduler is not None else None)


LEAD_DAYS = 14  # a new meeting's proposed day: two weeks ahead, 09:00 to 13:00 in its time zone


def schedule_initial(relationship: Relationship, kind: str, proposal: Any) -> dict[str, Any]:
    """A new meeting's proposed values: the cadence's proposal (host side, site), the site's time zone
    (else the relationship's), two weeks ahead in the morning, the kind and month as its title."""
    site = Site.objects.filter(pk=proposal.site_id).first() if proposal.site_id else None
    zone = site.time_zone if site is not None else relationship.time_zone
    day = timezone.localdate(timezone=ZoneInfo(zone)) + timedelta(days=LEAD_DAYS)
    starts = datetime.combine(day, time(9))
    facilitators = services.facilitators_of(relationship)
    return {
        "kind": kind,
        "title": default_title(kind, starts),
        "starts_at": starts,
        "ends_at": datetime.combine(day, time(13)),
        "time_zone": zone,
        "host_side": proposal.host_side,
        "site": proposal.site_id,
        "facilitator": next(iter(facilitators)) if kind == Kind.SET and len(facilitators) == 1 else None,
    }


def edit_initial(meeting: Meeting) -> dict[str, Any]:
    zone = ZoneInfo(meeting.time_zone)
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at, zone).replace(tzinfo=None),
        "ends_at": timezone.localtime(meeting.ends_at, zone).replace(tzinfo=None),
        "time_zone": meeting.time_zone,
        "site": meeting.site_id,
        "remote_link": meeting.remote_link,
        "location_note": meeting.location_note,
        "host_side": meeting.host_side,
        "facilitator": meeting.facilitator_id,
        "description": meeting.description,
        "version": meeting.version,
    }


class CancelForm(StyledForm):
    version = VersionField()
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class InviteForm(StyledForm, InviteesMixin):
    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invited = set(meeting.attendees.filter(user__isnull=False).values_list("user_id", flat=True))
        self.setup_invitees(meeting.relationship, exclude=invited)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("invitees") and not data.get("guests") and not self.errors:
            raise ValidationError(gettext("Choose someone to invite or add an external guest."))
        return data


class CadenceForm(StyledForm):
    version = VersionField()
    set_months = forms.IntegerField(
        label=_("Shared expectations team: at most months between meetings"), min_value=1, max_value=36
    )
    quality_review_months = forms.IntegerField(
        label=_("Quality reviews: at most months between meetings"), min_value=1, max_value=36
    )
    program_review_months = forms.IntegerField(
        label=_("Program reviews: at most months between meetings"), min_value=1, max_value=36
    )


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Kind.choices])
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming and past")), ("upcoming", _("Upcoming")), ("past", _("Past"))],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )

    def __init__(self, *args: Any, kinds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:  # a facilitator: her team's kind only
            self.fields["kind"].choices = [("", _("Any kind")), *((k, Kind(k).label) for k in kinds)]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> Any:
        from accord.meetings.selectors import Filters

        data = self.cleaned_data if self.is_valid() else {}
        when = data.get("when") or ""
        return Filters(
            kind=data.get("kind") or "", when=when if when in WHEN else "", status=data.get("status") or ""
        )
