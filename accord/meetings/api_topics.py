"""API operations of the topic log and the customer's forecasts (added to ``meetings.api``'s router).

Topics of the other side kept private are the same 404 as missing ones. Statuses: a feature request
goes new → under_review → planned → delivered (or declined on the way); any other topic open ⇄ closed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from accord.accounts.types import AuthedRequest
from accord.lib.api import MAX_INT, MAX_TEXT, Count, Id, IdList, Key, KeyList, Version, responses, serializer
from accord.meetings import topic_log, topics
from accord.meetings.access import forecast_for_user, topic_for_user
from accord.meetings.models import Forecast, Topic, TopicKind, TopicStatus, Visibility
from accord.parties.access import RelationshipAccess, relationship_for_user
from accord.parties.models import Product, Side

router = Router(tags=["topics and forecasts"])
TOPICS = "/relationships/{rel_id}/topics"
FORECASTS = "/relationships/{rel_id}/forecasts"
STATUSES = (
    "Feature requests: new → under_review → planned → delivered, or declined from new, under_review or "
    "planned (declined → under_review and delivered → planned reopen). Other kinds: open ⇄ closed."
)


class TopicOut(Schema):
    id: int
    kind: TopicKind
    title: str
    description: str
    status: TopicStatus
    next_statuses: list[str] = Field(description="The statuses you may move the topic to now")
    raised_by_side: Side
    raised_by: str = Field(description="Who recorded it")
    raised_on: date
    visibility: Visibility
    effective_date: date | None
    products: list[str] = Field(description="Affected products' codes (change notices)")
    target_release: str
    action_items: list[str] = Field(description="References of linked action items you may see")
    closed_on: date | None
    created_at: datetime
    updated_at: datetime
    version: int


class TopicPage(Schema):
    count: int
    page: int
    pages: int
    topics: list[TopicOut]


class TopicIn(Schema):
    kind: TopicKind
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=MAX_TEXT)
    raised_by_side: Side | None = Field(default=None, description="Default: your own side")
    raised_on: date | None = Field(default=None, description="Default: today")
    visibility: Visibility = Visibility.SHARED
    effective_date: date | None = Field(default=None, description="Product change notices only")
    product_ids: IdList = Field(
        default=[], description="Affected products of the supplier (change notices only)"
    )
    target_release: str = Field(default="", max_length=60, description="Feature requests only")


class TopicPatch(Schema):
    version: Version
    kind: TopicKind | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=MAX_TEXT)
    raised_by_side: Side | None = None
    raised_on: date | None = None
    visibility: Visibility | None = Field(
        default=None, description="A private topic may be shared; a shared topic stays shared"
    )
    effective_date: date | None = None
    product_ids: IdList | None = Field(default=None, description="Replaces the affected products")
    target_release: str | None = Field(default=None, max_length=60)


class StatusIn(Schema):
    version: Version
    status: TopicStatus = Field(description=STATUSES)
    target_release: str | None = Field(
        default=None, max_length=60, description="A feature request's release (needed to plan it)"
    )


class KeysIn(Schema):
    keys: KeyList = Field(min_length=1, description="Keys of action items: 7, S4, TLA-0007")


class TopicFilters(Schema):
    kind: list[TopicKind] = Field(default=[])
    status: list[TopicStatus] = Field(default=[], description="Default: every status")
    open: bool = Field(default=False, description="Only topics still being worked (not settled)")
    raised_by_side: Side | None = None
    visibility: Visibility | None = None
    q: str = Field(default="", max_length=200)
    sort: Literal["-raised", "raised", "-updated", "kind", "status"] = "-raised"
    page: Count = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=200)


class ForecastOut(Schema):
    id: int
    product_id: int
    product_code: str
    month: str
    quantity: int
    note: str
    entered_by: str
    entered_at: datetime
    version: int


class ForecastIn(Schema):
    product_id: Id
    month: str = Field(pattern=r"^\d{4}-\d{2}$", min_length=7, max_length=7, description="YYYY-MM")
    quantity: int = Field(ge=0, le=MAX_INT)
    note: str = Field(default="", max_length=300)


class ForecastPatch(Schema):
    version: Version
    product_id: Id | None = None
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", min_length=7, max_length=7)
    quantity: int | None = Field(default=None, ge=0, le=MAX_INT)
    note: str | None = Field(default=None, max_length=300)


class ForecastFilters(Schema):
    product_id: Id | None = None
    month_from: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", max_length=7)
    month_to: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", max_length=7)


def _topic(topic: Topic, access: RelationshipAccess | None) -> dict[str, Any]:
    items = [] if access is None else [i.reference for i in _linked_items(topic, access)]
    return {
        "id": topic.pk,
        "kind": topic.kind,
        "title": topic.title,
        "description": topic.description,
        "status": topic.status,
        "next_statuses": [str(s) for s in topics.next_statuses(topic)] if access else [],
        "raised_by_side": topic.raised_by_side,
        "raised_by": topic.raised_by.full_name if topic.raised_by else "",
        "raised_on": topic.raised_on,
        "visibility": topic.visibility,
        "effective_date": topic.effective_date,
        "products": sorted(p.code for p in topic.products.all()),
        "target_release": topic.target_release,
        "action_items": items,
        "closed_on": topic.closed_on,
        "created_at": topic.created_at,
        "updated_at": topic.updated_at,
        "version": topic.version,
    }


def _linked_items(topic: Topic, access: RelationshipAccess) -> Any:
    """The topic's action items the viewer may see: prefetched by the list, else read."""
    prefetched = getattr(topic, "visible_items", None)
    return topics.linked_items(access, topic) if prefetched is None else prefetched


@serializer("meetings.topic")
def _topic_current(topic: Topic) -> dict[str, Any]:
    """The topic as a 409 answer shows it (not knowing the viewer: no action items, no next steps)."""
    return _topic(Topic.objects.select_related("raised_by").get(pk=topic.pk), None)


def _forecast(f: Forecast) -> dict[str, Any]:
    return {
        "id": f.pk,
        "product_id": f.product_id,
        "product_code": f.product.code,
        "month": f.month,
        "quantity": f.quantity,
        "note": f.note,
        "entered_by": f.entered_by.full_name if f.entered_by else "",
        "entered_at": f.entered_at,
        "version": f.version,
    }


@serializer("meetings.forecast")
def _forecast_current(f: Forecast) -> dict[str, Any]:
    return _forecast(Forecast.objects.select_related("product", "entered_by").get(pk=f.pk))


def _products(access: RelationshipAccess, ids: list[int], field: str) -> list[Product]:
    found = list(topic_log.supplier_products(access).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {field: [_("No such product of %(supplier)s.") % {"supplier": access.relationship.supplier.name}]}
        )
    return found


# --- topics ------------------------------------------------------------------------------------------


@router.get(TOPICS, response=responses({200: TopicPage}), summary="The topic log, filtered and paginated")
def list_topics(request: AuthedRequest, rel_id: Id, filters: Query[TopicFilters]) -> dict[str, Any]:
    access = relationship_for_user(request.user, pk=rel_id)
    statuses = [str(s) for s in filters.status]
    if filters.open:
        statuses = [s for s in (statuses or topic_log.OPEN_WORK) if s in topic_log.OPEN_WORK] or ["-"]
    found = topic_log.topic_log(
        access,
        topic_log.Filters(
            kinds=[str(k) for k in filters.kind],
            statuses=statuses,
            raised_by_side=filters.raised_by_side or "",
            visibility=filters.visibility or "",
            q=filters.q.strip(),
            sort=filters.sort,
        ),
    ).prefetch_related("products", topics.prefetch_linked_items(access))
    count = found.count()
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    rows = list(found[start : start + filters.page_size]) if filters.page <= pages else []
    return {"count": count, "page": filters.page, "pages": pages, "topics": [_topic(t, access) for t in rows]}


@router.post(TOPICS, response=responses({201: TopicOut}, write=True), summary="Raise a topic")
def create_topic(request: AuthedRequest, rel_id: Id, payload: TopicIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    values = payload.dict()
    products = _products(access, values.pop("product_ids"), "product_ids")
    topic = topics.create_topic(access=access, products=products, **values)
    return 201, _topic(topic, access)


@router.get(TOPICS + "/{topic_id}", response=responses({200: TopicOut}), summary="One topic")
def get_topic(request: AuthedRequest, rel_id: Id, topic_id: Id) -> dict[str, Any]:
    topic, access = topic_for_user(request.user, pk=rel_id, topic_id=topic_id)
    return _topic(topic, access)


@router.patch(
    TOPICS + "/{topic_id}",
    response=responses({200: TopicOut}, write=True, conflict=True),
    summary="Change a topic's fields (its status: the status operation)",
)
def patch_topic(request: AuthedRequest, rel_id: Id, topic_id: Id, payload: TopicPatch) -> dict[str, Any]:
    topic, access = topic_for_user(request.user, pk=rel_id, topic_id=topic_id, write=True)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    for name in (
        "kind",
        "title",
        "description",
        "raised_by_side",
        "raised_on",
        "visibility",
        "target_release",
    ):
        if name in values and values[name] is None:
            values.pop(name)  # these fields cannot be emptied: null leaves them as they are
    ids = values.pop("product_ids", None)
    products = None if ids is None else _products(access, ids, "product_ids")
    topic = topics.update_topic(access=access, topic=topic, version=version, products=products, **values)
    return _topic(topic, access)


@router.post(
    TOPICS + "/{topic_id}/status",
    response=responses({200: TopicOut}, write=True, conflict=True),
    summary="Move a topic to another status",
    description=STATUSES,
)
def change_status(request: AuthedRequest, rel_id: Id, topic_id: Id, payload: StatusIn) -> dict[str, Any]:
    topic, access = topic_for_user(request.user, pk=rel_id, topic_id=topic_id, write=True)
    topic = topics.change_status(
        access=access,
        topic=topic,
        version=payload.version,
        status=payload.status,
        target_release=payload.target_release,
    )
    return _topic(topic, access)


@router.post(
    TOPICS + "/{topic_id}/action-items",
    response=responses({200: TopicOut}, write=True),
    summary="Link action items to a topic (a shared topic: shared items only)",
)
def link_items(request: AuthedRequest, rel_id: Id, topic_id: Id, payload: KeysIn) -> dict[str, Any]:
    topic, access = topic_for_user(request.user, pk=rel_id, topic_id=topic_id, write=True)
    topic = topics.link_items(access=access, topic=topic, keys=payload.keys)
    return _topic(topic, access)


@router.delete(
    TOPICS + "/{topic_id}/action-items/{number}",
    response=responses({200: TopicOut}, write=True),
    summary="Unlink an action item from a topic",
)
def unlink_item(request: AuthedRequest, rel_id: Id, topic_id: Id, number: Key) -> dict[str, Any]:
    topic, access = topic_for_user(request.user, pk=rel_id, topic_id=topic_id, write=True)
    topic = topics.unlink_items(access=access, topic=topic, keys=[number])
    return _topic(topic, access)


# --- forecasts ---------------------------------------------------------------------------------------


@router.get(FORECASTS, response=responses({200: list[ForecastOut]}), summary="The customer's forecasts")
def list_forecasts(
    request: AuthedRequest, rel_id: Id, filters: Query[ForecastFilters]
) -> list[dict[str, Any]]:
    access = relationship_for_user(request.user, pk=rel_id)
    found = topic_log.forecasts(access).order_by("month", "product__code")
    if filters.product_id:
        found = found.filter(product_id=filters.product_id)
    if filters.month_from:
        found = found.filter(month__gte=filters.month_from)
    if filters.month_to:
        found = found.filter(month__lte=filters.month_to)
    return [_forecast(f) for f in found]


@router.post(
    FORECASTS,
    response=responses({201: ForecastOut}, write=True),
    summary="Enter a forecast (the customer's editors and admins; one per product and month)",
)
def create_forecast(request: AuthedRequest, rel_id: Id, payload: ForecastIn) -> Any:
    access = relationship_for_user(request.user, pk=rel_id, write=True)
    product = _products(access, [payload.product_id], "product_id")[0]
    forecast = topics.create_forecast(
        access=access, product=product, month=payload.month, quantity=payload.quantity, note=payload.note
    )
    return 201, _forecast(forecast)


@router.get(FORECASTS + "/{forecast_id}", response=responses({200: ForecastOut}), summary="One forecast")
def get_forecast(request: AuthedRequest, rel_id: Id, forecast_id: Id) -> dict[str, Any]:
    forecast, _access = forecast_for_user(request.user, pk=rel_id, forecast_id=forecast_id)
    return _forecast(forecast)


@router.patch(
    FORECASTS + "/{forecast_id}",
    response=responses({200: ForecastOut}, write=True, conflict=True),
    summary="Change a forecast (the customer's editors and admins)",
)
def patch_forecast(
    request: AuthedRequest, rel_id: Id, forecast_id: Id, payload: ForecastPatch
) -> dict[str, Any]:
    forecast, access = forecast_for_user(request.user, pk=rel_id, forecast_id=forecast_id, write=True)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    version = values.pop("version")
    if "product_id" in values:
        values["product"] = _products(access, [values.pop("product_id")], "product_id")[0]
    forecast = topics.update_forecast(access=access, forecast=forecast, version=version, **values)
    return _forecast(forecast)


@router.delete(
    FORECASTS + "/{forecast_id}",
    response=responses({204: None}, write=True, conflict=True),
    summary="Remove a forecast (the customer's editors and admins)",
)
def delete_forecast(
    request: AuthedRequest, rel_id: Id, forecast_id: Id, version: Version | None = None
) -> HttpResponse:
    forecast, access = forecast_for_user(request.user, pk=rel_id, forecast_id=forecast_id, write=True)
    topics.delete_forecast(access=access, forecast=forecast, version=version)
    return HttpResponse(status=204)
