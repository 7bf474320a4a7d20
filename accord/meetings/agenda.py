"""The agenda of a meeting: its items, their live data sections (``meetings.sections``) and its time;
and the relationship's agenda templates that new meetings copy (``services.template_for``).

Every write is here (keyword-only, atomic, audited; an agenda item is versioned). An agenda is edited by
the writers of either side (``rules.may_edit``) until the minutes are approved; a template by the
writers of either side (``rules.may_schedule``), and only meetings scheduled afterwards copy it.
``agenda_context(access, meeting)`` is what the meeting page shows, with ``meetings/agenda/_agenda.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.accounts.models import User
from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.meetings import rules, sections, services
from accord.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    Kind,
    Meeting,
    Pack,
    TemplateItem,
    Topic,
    TopicQuerySet,
)
from accord.parties.access import RelationshipAccess, first_or_404

ITEM_FIELDS = ("title", "binding", "minutes_allotted", "presenter", "notes", "topic")
MAX_MINUTES = 24 * 60
MAX_ITEMS = 60  # an agenda or template longer than this is not an agenda
REFUSED = gettext_lazy(
    "The agenda can no longer be changed: the meeting is cancelled or its minutes are approved."
)


# --- rules ----------------------------------------------------------------------------------------


def may_edit_agenda(access: RelationshipAccess, meeting: Meeting) -> bool:
    """Writers of either side, while the meeting is not cancelled and its minutes not approved."""
    return rules.may_edit(access, meeting) and not meeting.minutes_locked


def may_edit_templates(access: RelationshipAccess) -> bool:
    return rules.may_schedule(access)


def may_send_pack(access: RelationshipAccess, meeting: Meeting) -> bool:
    return rules.may_edit(access, meeting)


def _require_agenda(access: RelationshipAccess, meeting: Meeting) -> None:
    if not may_edit_agenda(access, meeting):
        if not rules.may_schedule(access):
            raise PermissionDenied(rules.REFUSALS["schedule"])
        raise PermissionDenied(str(REFUSED))


def _require_templates(access: RelationshipAccess) -> None:
    if not may_edit_templates(access):
        raise PermissionDenied(rules.REFUSALS["schedule"])


# --- who presents, which topics -------------------------------------------------------------------


def presenters(meeting: Meeting) -> list[User]:
    """Who may present an item: a member of either side, or someone invited (the facilitator)."""
    ids = set(services.members_of(meeting.relationship))
    ids |= set(meeting.attendees.filter(user__isnull=False).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "email"))


def shared_topics(meeting: Meeting) -> TopicQuerySet:
    """The topics an agenda item may be about: the relationship's shared ones (an agenda is shared)."""
    return Topic.objects.filter(relationship_id=meeting.relationship_id).shared()


def _clean_values(meeting: Meeting, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            errors["title"] = _("Give the item a title.")
    if "binding" in values:
        values["binding"] = values["binding"] or ""
        if values["binding"] and values["binding"] not in sections.REGISTRY:
            errors["binding"] = _("Choose one of the data sections offered.")
    if "minutes_allotted" in values:
        minutes = values["minutes_allotted"]
        if minutes is None or not 0 <= minutes <= MAX_MINUTES:
            errors["minutes_allotted"] = _("Allot between 0 and %(n)s minutes.") % {"n": MAX_MINUTES}
    presenter = values.get("presenter")
    if presenter is not None and presenter.pk not in {u.pk for u in presenters(meeting)}:
        errors["presenter"] = _("The presenter must be invited or a member of either side.")
    topic = values.get("topic")
    if topic is not None and not shared_topics(meeting).filter(pk=topic.pk).exists():
        errors["topic"] = _("Choose a shared topic of this relationship.")
    if errors:
        raise ValidationError(errors)
    return values


# --- agenda items ---------------------------------------------------------------------------------


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting row, locked: positions of its agenda change one writer at a time."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def add_item(
    *,
    access: RelationshipAccess,
    meeting: Meeting,
    title: str,
    binding: str = "",
    minutes_allotted: int = 15,
    presenter: User | None = None,
    notes: str = "",
    topic: Topic | None = None,
) -> AgendaItem:
    """A new item at the end of the agenda."""
    _require_agenda(access, meeting)
    _locked_meeting(meeting)
    values = _clean_values(
        meeting,
        {
            "title": title,
            "binding": binding,
            "minutes_allotted": minutes_allotted,
            "presenter": presenter,
            "topic": topic,
        },
    )
    items = AgendaItem.objects.filter(meeting=meeting)
    if items.count() >= MAX_ITEMS:
        raise ValidationError(_("An agenda has at most %(n)s items.") % {"n": MAX_ITEMS})
    position = (items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem(meeting=meeting, position=position, notes=notes, **values)
    item.full_clean()
    item.save()
    audit.record(
        actor=access.user,
        verb="meeting.agenda.added",
        obj=item,
        relationship=access.relationship,
        changes={"title": [None, item.title]},
    )
    return item


@transaction.atomic
def update_item(*, access: RelationshipAccess, item: AgendaItem, version: int, **values: Any) -> AgendaItem:
    """Change an agenda item's title, data section, presenter, time, notes or topic (409 when stale)."""
    meeting = item.meeting
    _require_agenda(access, meeting)
    values = _clean_values(meeting, dict(values))
    updated = versioned_update(
        item,
        version=version,
        fields=ITEM_FIELDS,
        values=values,
        actor=access.user,
        verb="meeting.agenda.changed",
        relationship=access.relationship,
        clean_exclude=["meeting"],
    )
    updated.obj.meeting = meeting
    return updated.obj


@transaction.atomic
def remove_item(*, access: RelationshipAccess, item: AgendaItem) -> None:
    meeting = item.meeting
    _require_agenda(access, meeting)
    _locked_meeting(meeting)
    audit.record(
        actor=access.user,
        verb="meeting.agenda.removed",
        obj=item,
        relationship=access.relationship,
        changes={"title": [item.title, None]},
    )
    item.delete()
    _renumber(list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")))


def _renumber(rows: Sequence[Any]) -> None:
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])


def _moved(rows: list[Any], pk: int, direction: str) -> list[Any]:
    at = next(i for i, row in enumerate(rows) if row.pk == pk)
    to = at - 1 if direction == "up" else at + 1
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move an item up or down.")})
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
    return rows


def _ordered(rows: list[Any], order: Sequence[int]) -> list[Any]:
    by_id = {row.pk: row for row in rows}
    if len(order) != len(set(order)) or set(order) != set(by_id):
        raise ValidationError({"order": _("Name every item once, in the new order.")})
    return [by_id[pk] for pk in order]


def _record_order(access: RelationshipAccess, obj: Any, before: list[int], after: list[Any]) -> None:
    now = [row.pk for row in after]
    if now != before:
        audit.record(
            actor=access.user,
            verb="meeting.agenda.reordered",
            obj=obj,
            relationship=access.relationship,
            changes={"order": [before, now]},
        )


@transaction.atomic
def move_item(*, access: RelationshipAccess, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down."""
    meeting = item.meeting
    _require_agenda(access, meeting)
    _locked_meeting(meeting)
    rows = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    before = [row.pk for row in rows]
    rows = _moved(rows, item.pk, direction)
    _renumber(rows)
    _record_order(access, meeting, before, rows)


@transaction.atomic
def reorder(*, access: RelationshipAccess, meeting: Meeting, order: Sequence[int]) -> list[AgendaItem]:
    """Put the agenda in ``order`` (every item's id once)."""
    _require_agenda(access, meeting)
    _locked_meeting(meeting)
    rows = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    before = [row.pk for row in rows]
    rows = _ordered(rows, order)
    _renumber(rows)
    _record_order(access, meeting, before, rows)
    return rows


# --- templates ------------------------------------------------------------------------------------


def template_item_for(access: RelationshipAccess, kind: str, item_id: int) -> TemplateItem:
    """A template item of the viewer's relationship (another relationship's: the one 404)."""
    found = TemplateItem.objects.filter(
        pk=item_id, template__relationship_id=access.relationship.pk, template__kind=kind
    )
    return first_or_404(found.select_related("template"))


def _template_changed(
    access: RelationshipAccess, template: AgendaTemplate, verb: str, changes: dict[str, Any]
) -> None:
    AgendaTemplate.objects.filter(pk=template.pk).update(version=template.version + 1)
    template.version += 1
    audit.record(
        actor=access.user,
        verb=verb,
        obj=template,
        relationship=access.relationship,
        changes=changes,
        label=str(Kind(template.kind).label),
    )


def _clean_template_values(title: str, binding: str, minutes: int) -> tuple[str, str, int]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the item a title.")
    if binding and binding not in sections.REGISTRY:
        errors["binding"] = _("Choose one of the data sections offered.")
    if minutes is None or not 0 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("Allot between 0 and %(n)s minutes.") % {"n": MAX_MINUTES}
    if errors:
        raise ValidationError(errors)
    return title[:200], binding or "", minutes


def _locked_template(access: RelationshipAccess, kind: str) -> AgendaTemplate:
    template = services.template_for(access.relationship, kind)
    return AgendaTemplate.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def add_template_item(
    *, access: RelationshipAccess, kind: str, title: str, binding: str = "", minutes: int = 15
) -> TemplateItem:
    _require_templates(access)
    template = _locked_template(access, kind)
    title, binding, minutes = _clean_template_values(title, binding, minutes)
    if template.items.count() >= MAX_ITEMS:
        raise ValidationError(_("An agenda has at most %(n)s items.") % {"n": MAX_ITEMS})
    position = (template.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = TemplateItem.objects.create(
        template=template, position=position, title=title, binding=binding, minutes=minutes
    )
    _template_changed(access, template, "meeting.template.added", {"title": [None, title]})
    return item


@transaction.atomic
def update_template_item(
    *, access: RelationshipAccess, item: TemplateItem, title: str, binding: str, minutes: int
) -> TemplateItem:
    _require_templates(access)
    template = _locked_template(access, item.template.kind)
    title, binding, minutes = _clean_template_values(title, binding, minutes)
    changes = {
        name: [getattr(item, name), new]
        for name, new in (("title", title), ("binding", binding), ("minutes", minutes))
        if getattr(item, name) != new
    }
    if changes:
        item.title, item.binding, item.minutes = title, binding, minutes
        item.save(update_fields=["title", "binding", "minutes"])
        _template_changed(access, template, "meeting.template.changed", changes)
    return item


@transaction.atomic
def remove_template_item(*, access: RelationshipAccess, item: TemplateItem) -> None:
    _require_templates(access)
    template = _locked_template(access, item.template.kind)
    title = item.title
    item.delete()
    _renumber(list(template.items.order_by("position", "pk")))
    _template_changed(access, template, "meeting.template.removed", {"title": [title, None]})


@transaction.atomic
def move_template_item(*, access: RelationshipAccess, item: TemplateItem, direction: str) -> None:
    _require_templates(access)
    template = _locked_template(access, item.template.kind)
    rows = list(template.items.order_by("position", "pk"))
    before = [row.pk for row in rows]
    rows = _moved(rows, item.pk, direction)
    _renumber(rows)
    if [row.pk for row in rows] != before:
        _template_changed(
            access, template, "meeting.template.reordered", {"order": [before, [r.pk for r in rows]]}
        )


@transaction.atomic
def reorder_template(*, access: RelationshipAccess, kind: str, order: Sequence[int]) -> list[TemplateItem]:
    _require_templates(access)
    template = _locked_template(access, kind)
    rows = list(template.items.order_by("position", "pk"))
    before = [row.pk for row in rows]
    rows = _ordered(rows, order)
    _renumber(rows)
    if [row.pk for row in rows] != before:
        _template_changed(
            access, template, "meeting.template.reordered", {"order": [before, [r.pk for r in rows]]}
        )
    return rows


# --- what the pages, the API and the pack show -----------------------------------------------------


@dataclass
class Entry:
    item: AgendaItem
    section: sections.Section | None
    starts_after: int  # minutes into the meeting


@dataclass
class Agenda:
    meeting: Meeting
    entries: list[Entry]
    total_minutes: int
    length_minutes: int
    may_edit: bool = False
    may_send: bool = False
    binding_choices: list[tuple[str, str]] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)
    links: bool = True  # the sections' rows link to their pages (not for a facilitator: she has none)

    @property
    def over_by(self) -> int:
        return max(0, self.total_minutes - self.length_minutes)


def prepare(meeting: Meeting, *, with_sections: bool = True) -> Agenda:
    """The agenda as everyone reads it: items in order with their prepared sections (the shared view)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter", "topic")
        .order_by("position", "pk")
    )
    prepared = sections.prepare(meeting, [i.binding for i in items]) if with_sections else {}
    entries, elapsed = [], 0
    for item in items:
        if item.topic is not None and item.topic.visibility != "shared":
            item.topic = None  # never show a private topic on a shared agenda
        entries.append(Entry(item, prepared.get(item.binding), elapsed))
        elapsed += item.minutes_allotted
    return Agenda(
        meeting=meeting, entries=entries, total_minutes=elapsed, length_minutes=meeting.length_minutes
    )


def agenda_context(access: RelationshipAccess, meeting: Meeting) -> dict[str, Any]:
    agenda = prepare(meeting)
    agenda.may_edit = may_edit_agenda(access, meeting)
    agenda.may_send = may_send_pack(access, meeting)
    agenda.links = not access.is_guest
    agenda.binding_choices = sections.choices()
    agenda.packs = list(Pack.objects.filter(meeting=meeting).select_related("created_by"))
    return {"agenda": agenda, "agenda_rel": meeting.relationship}
