"""The agenda part's API: a meeting's agenda with its live data sections (the shared view), its items
(add, change, remove, reorder), a relationship's agenda templates, and the pre-read packs (send,
list, download). The same doors, rules and services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from accord.accounts.models import User
from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_TEXT, Id, IdList, Version, responses
from accord.meetings import agenda, packs, sections, services
from accord.meetings.access import agenda_item_for_user, meeting_for_user
from accord.meetings.models import AgendaItem, Kind, Meeting, Pack, TemplateItem
from accord.parties.access import RelationshipAccess, relationship_for_user

router = Router(tags=["meetings: agenda"])
MEETING = "/relationships/{rel_id}/meetings/{meeting_id}"
AGENDA = MEETING + "/agenda"
TEMPLATES = "/relationships/{rel_id}/agenda-templates/{meeting_kind}"
PDF = {
    "description": "The PDF, as an attachment (Content-Disposition).",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}

Title = Annotated[str, Field(min_length=1, max_length=200)]
Binding = Annotated[
    str,
    Field(
        max_length=60,
        description="A live data section: '' for none, or one of " + ", ".join(sections.REGISTRY),
    ),
]
Minutes = Annotated[int, Field(ge=0, le=agenda.MAX_MINUTES)]
Notes = Annotated[str, Field(max_length=MAX_TEXT)]


class PresenterRef(Schema):
    id: int
    full_name: str
    email: str


class RowOut(Schema):
    label: str
    title: str
    url: str
    cells: list[str]
    flag: str


class GroupOut(Schema):
    key: str
    label: str
    count: int
    more: int = Field(description="Rows counted but not listed")
    columns: list[str]
    grid: bool = Field(description="A table to read across (forecasts by month), else a list of rows")
    rows: list[RowOut]


class CountOut(Schema):
    label: str
    count: int


class SectionOut(Schema):
    binding: str
    label: str
    url: str
    counts: list[CountOut]
    groups: list[GroupOut]
    notes: list[str]
    empty: str
    is_empty: bool


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    binding: str
    minutes_allotted: int
    starts_after: int = Field(description="Minutes into the meeting when the item starts")
    presenter: PresenterRef | None
    notes: str
    topic_id: int | None
    topic_title: str
    version: int
    section: SectionOut | None


class AgendaOut(Schema):
    meeting_id: int
    total_minutes: int
    length_minutes: int
    over_by: int = Field(description="Minutes the agenda runs over the meeting's length")
    may_edit: bool
    items: list[AgendaItemOut]


class AgendaItemIn(Schema):
    title: Title
    binding: Binding = ""
    minutes_allotted: Minutes = 15
    presenter_id: Id | None = None
    notes: Notes = ""
    topic_id: Id | None = None


class AgendaItemPatch(Schema):
    version: Version
    title: Title | None = None
    binding: Binding | None = None
    minutes_allotted: Minutes | None = None
    presenter_id: Id | None = None
    notes: Notes | None = None
    topic_id: Id | None = None


class OrderIn(Schema):
    order: IdList = Field(description="Every item's id once, in the new order")


class AgendaFilters(Schema):
    sections: bool = Field(default=True, description="Prepare each item's live data section")


class TemplateItemOut(Schema):
    id: int
    position: int
    title: str
    binding: str
    minutes: int


class TemplateItemIn(Schema):
    title: Title
    binding: Binding = ""
    minutes: Minutes = 15


class TemplateItemPatch(Schema):
    title: Title | None = None
    binding: Binding | None = None
    minutes: Minutes | None = None


class PackOut(Schema):
    id: int
    created_at: datetime
    created_by: PresenterRef | None
    sha256: str
    size: int


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name, "email": user.email}


def _item(entry: agenda.Entry) -> dict[str, Any]:
    item = entry.item
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "binding": item.binding,
        "minutes_allotted": item.minutes_allotted,
        "starts_after": entry.starts_after,
        "presenter": _person(item.presenter),
        "notes": item.notes,
        "topic_id": item.topic_id if item.topic is not None else None,
        "topic_title": item.topic.title if item.topic is not None else "",
        "version": item.version,
        "section": entry.section.as_dict() if entry.section is not None else None,
    }


def _agenda(access: RelationshipAccess, meeting: Meeting, *, with_sections: bool = True) -> dict[str, Any]:
    prepared = agenda.prepare(meeting, with_sections=with_sections)
    return {
        "meeting_id": meeting.pk,
        "total_minutes": prepared.total_minutes,
        "length_minutes": prepared.length_minutes,
        "over_by": prepared.over_by,
        "may_edit": agenda.may_edit_agenda(access, meeting),
        "items": [_item(e) for e in prepared.entries],
    }


def _one(item: AgendaItem) -> dict[str, Any]:
    prepared = agenda.prepare(item.meeting, with_sections=False)
    entry = next(e for e in prepared.entries if e.item.pk == item.pk)
    entry.section = sections.prepare(item.meeting, [item.binding]).get(item.binding)
    return _item(entry)


def _resolve(meeting: Meeting, values: dict[str, Any]) -> dict[str, Any]:
    """Ids to records: a presenter who is no one, or a topic not of this relationship, is a 400."""
    if "presenter_id" in values:
        pid = values.pop("presenter_id")
        values["presenter"] = None if pid is None else User.objects.filter(pk=pid).first()
        if pid is not None and values["presenter"] is None:
            raise ValidationError(
                {"presenter_id": [_("The presenter must be invited or a member of either side.")]}
            )
    if "topic_id" in values:
        tid = values.pop("topic_id")
        values["topic"] = None if tid is None else agenda.shared_topics(meeting).filter(pk=tid).first()
        if tid is not None and values["topic"] is None:
            raise ValidationError({"topic_id": [_("Choose a shared topic of this relationship.")]})
    return values


@router.get(
    AGENDA, response=responses({200: AgendaOut}), summary="A meeting's agenda with its live data sections"
)
def get_agenda(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, filters: Query[AgendaFilters]
) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return _agenda(access, meeting, with_sections=filters.sections)


@router.post(AGENDA, response=responses({201: AgendaItemOut}, write=True), summary="Add an agenda item")
def add_agenda_item(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: AgendaItemIn) -> Any:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    values = _resolve(meeting, payload.dict())
    item = agenda.add_item(access=access, meeting=meeting, **values)
    return 201, _one(item)


@router.post(
    AGENDA + "/order", response=responses({200: AgendaOut}, write=True), summary="Reorder the agenda"
)
def reorder_agenda(request: AuthedRequest, rel_id: Id, meeting_id: Id, payload: OrderIn) -> dict[str, Any]:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    agenda.reorder(access=access, meeting=meeting, order=payload.order)
    return _agenda(access, meeting, with_sections=False)


@router.patch(
    AGENDA + "/{item_id}",
    response=responses({200: AgendaItemOut}, write=True, conflict=True),
    summary="Change an agenda item",
)
def patch_agenda_item(
    request: AuthedRequest, rel_id: Id, meeting_id: Id, item_id: Id, payload: AgendaItemPatch
) -> dict[str, Any]:
    item, access = agenda_item_for_user(request.user, pk=rel_id, meeting_id=meeting_id, item_id=item_id)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    values = {k: v for k, v in values.items() if v is not None or k in ("presenter_id", "topic_id")}
    item = agenda.update_item(access=access, item=item, version=version, **_resolve(item.meeting, values))
    return _one(item)


@router.delete(
    AGENDA + "/{item_id}", response=responses({204: None}, write=True), summary="Remove an agenda item"
)
def delete_agenda_item(request: AuthedRequest, rel_id: Id, meeting_id: Id, item_id: Id) -> tuple[int, None]:
    item, access = agenda_item_for_user(request.user, pk=rel_id, meeting_id=meeting_id, item_id=item_id)
    agenda.remove_item(access=access, item=item)
    return 204, None


# --- templates ------------------------------------------------------------------------------------


def _template_item(item: TemplateItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "binding": item.binding,
        "minutes": item.minutes,
    }


def _template_items(access: RelationshipAccess, kind: str) -> list[dict[str, Any]]:
    template = services.template_for(access.relationship, kind)
    return [_template_item(i) for i in template.items.order_by("position", "pk")]


@router.get(TEMPLATES, response=responses({200: list[TemplateItemOut]}), summary="A kind's agenda template")
def get_template(request: AuthedRequest, rel_id: Id, meeting_kind: Kind) -> list[dict[str, Any]]:
    access = relationship_for_user(request.user, pk=rel_id)
    return _template_items(access, meeting_kind)


@router.post(TEMPLATES, response=responses({201: TemplateItemOut}, write=True), summary="Add a template item")
def add_template_item(request: AuthedRequest, rel_id: Id, meeting_kind: Kind, payload: TemplateItemIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id)
    item = agenda.add_template_item(access=access, kind=meeting_kind, **payload.dict())
    return 201, _template_item(item)


@router.post(
    TEMPLATES + "/order",
    response=responses({200: list[TemplateItemOut]}, write=True),
    summary="Reorder a template",
)
def reorder_template(
    request: AuthedRequest, rel_id: Id, meeting_kind: Kind, payload: OrderIn
) -> list[dict[str, Any]]:
    access = relationship_for_user(request.user, pk=rel_id)
    agenda.reorder_template(access=access, kind=meeting_kind, order=payload.order)
    return _template_items(access, meeting_kind)


@router.patch(
    TEMPLATES + "/{item_id}",
    response=responses({200: TemplateItemOut}, write=True),
    summary="Change a template item",
)
def patch_template_item(
    request: AuthedRequest, rel_id: Id, meeting_kind: Kind, item_id: Id, payload: TemplateItemPatch
) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id)
    item = agenda.template_item_for(access, meeting_kind, item_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    item = agenda.update_template_item(
        access=access,
        item=item,
        title=values.get("title", item.title),
        binding=values.get("binding", item.binding),
        minutes=values.get("minutes", item.minutes),
    )
    return _template_item(item)


@router.delete(
    TEMPLATES + "/{item_id}", response=responses({204: None}, write=True), summary="Remove a template item"
)
def delete_template_item(
    request: AuthedRequest, rel_id: Id, meeting_kind: Kind, item_id: Id
) -> tuple[int, None]:
    access = relationship_for_user(request.user, pk=rel_id)
    agenda.remove_template_item(access=access, item=agenda.template_item_for(access, meeting_kind, item_id))
    return 204, None


# --- pre-read packs -------------------------------------------------------------------------------


def _pack(pack: Pack) -> dict[str, Any]:
    return {
        "id": pack.pk,
        "created_at": pack.created_at,
        "created_by": _person(pack.created_by),
        "sha256": pack.sha256,
        "size": pack.size,
    }


@router.get(MEETING + "/packs", response=responses({200: list[PackOut]}), summary="The pre-reads sent")
def list_packs(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> list[dict[str, Any]]:
    meeting, _access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    return [_pack(p) for p in Pack.objects.filter(meeting=meeting).select_related("created_by")]


@router.post(
    MEETING + "/packs",
    response=responses({201: PackOut}, write=True, takes_input=True),
    summary="Freeze and send the pre-read to everyone invited",
)
def send_pack(request: AuthedRequest, rel_id: Id, meeting_id: Id) -> Any:
    meeting, access = meeting_for_user(request.user, pk=rel_id, meeting_id=meeting_id)
    pack = packs.send(access=access, meeting=meeting)
    return 201, _pack(pack)


@router.get(
    MEETING + "/packs/{pack_id}",
    response=responses({200: None}),
    openapi_extra={"responses": {200: PDF}},
    summary="Download a pre-read as sent",
)
def download_pack(request: AuthedRequest, rel_id: Id, meeting_id: Id, pack_id: Id) -> HttpResponse:
    pack, _access = packs.pack_for_user(request.user, pk=rel_id, meeting_id=meeting_id, pack_id=pack_id)
    response = HttpResponse(packs.read(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{packs.filename(pack)}"'
    return response
