"""Every write of the topic log and of the customer's forecasts: one rule each, for the pages, the API
and the demo alike. Reads of the log (filters, the list, exports) are ``meetings.topic_log``.

Topics
- A new topic starts at its kind's first status (``models.statuses_for``): a feature request is *new*,
  any other topic *open*. Statuses move along ``NEXT`` (feature requests: new → under review →
  planned → delivered, or declined on the way; others: open ⇄ closed). A settled status (declined,
  delivered, closed) sets ``closed_on``; reopening clears it. Planning a feature request needs its
  target release.
- ``raised_by_side`` is the writer's own side unless they say otherwise (a customer concern told in a
  meeting and recorded by the supplier).
- Kind-specific fields: a product change notice has an effective date and affected products (of the
  relationship's supplier); a feature request a target release; an internal audit finding's
  improvement actions are its linked action items. Another kind refuses them (a field error).
- Visibility, like action items: a private topic is seen by its creator's own party only
  (``private_party``). **The rule: a private topic may be shared at any time; a shared topic never
  becomes private again**, since the other side may have read it. A shared topic links shared action
  items only (the other side would see the link), so sharing a topic that links a private item is
  refused until that link is removed.
- Linking names action items by key, among those the viewer may see; the links a viewer cannot see
  (an item made private later by its side) are kept as they are.

Forecasts: the customer's writers enter them (``rules.may_enter_forecasts``); one per product of the
relationship's supplier and month (``YYYY-MM``), quantity 0 or more.

Every write records one audit event; the events of a topic follow the topic's visibility
(``overview_topics`` registers the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accord.audit import services as audit
from accord.audit.versioned import versioned_update
from accord.lib.api import MAX_INT
from accord.lib.errors import check_version
from accord.lib.months import parse_month
from accord.meetings import rules
from accord.meetings.models import (
    SETTLED_STATUSES,
    Forecast,
    Topic,
    TopicKind,
    TopicStatus,
    Visibility,
    statuses_for,
)
from accord.parties.access import RelationshipAccess
from accord.parties.models import Product, Side
from accord.register import numbering
from accord.register.models import ActionItem
from accord.register.models import Visibility as ItemVisibility

S = TopicStatus
# Where a topic's status may go next: the one workflow table (pages, API and forms read it).
NEXT: dict[str, tuple[TopicStatus, ...]] = {
    S.NEW: (S.UNDER_REVIEW, S.DECLINED),
    S.UNDER_REVIEW: (S.PLANNED, S.DECLINED),
    S.PLANNED: (S.DELIVERED, S.DECLINED, S.UNDER_REVIEW),
    S.DECLINED: (S.UNDER_REVIEW,),
    S.DELIVERED: (S.PLANNED,),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (S.OPEN,),
}
# Statuses that need the feature request's target release.
NEEDS_RELEASE = (S.PLANNED, S.DELIVERED)
EDITABLE = [
    "kind",
    "title",
    "description",
    "raised_by_side",
    "raised_on",
    "visibility",
    "effective_date",
    "target_release",
]
TITLE_MAX = Topic._meta.get_field("title").max_length or 300
RELEASE_MAX = Topic._meta.get_field("target_release").max_length or 60
NOTE_MAX = Forecast._meta.get_field("note").max_length or 300
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the months a forecast may name


def _require_writer(access: RelationshipAccess) -> None:
    if not rules.may_write_topics(access):
        raise PermissionDenied(rules.REFUSALS["topics"])


def _same_relationship(record: Topic | Forecast, access: RelationshipAccess) -> None:
    if record.relationship_id != access.relationship.pk:  # the doors check this; a second net
        raise PermissionDenied(_("This record belongs to another relationship."))


def next_statuses(topic: Topic) -> tuple[TopicStatus, ...]:
    """The statuses ``topic`` may move to now (its kind's, along ``NEXT``)."""
    allowed = statuses_for(topic.kind)
    return tuple(s for s in NEXT.get(topic.status, ()) if s in allowed)


def may_share(access: RelationshipAccess, topic: Topic) -> bool:
    return topic.visibility == Visibility.PRIVATE and rules.may_write_topics(access)


# --- validation shared by create and update ----------------------------------------------------------


def _supplier_products(access: RelationshipAccess, products: Iterable[Product]) -> list[Product]:
    products = list(products)
    foreign = [p for p in products if p.supplier_id != access.relationship.supplier_id]
    if foreign:
        raise ValidationError(
            {
                "products": _("Affected products are products of %(supplier)s.")
                % {"supplier": access.relationship.supplier.name}
            }
        )
    return products


TITLE_TOO_LONG = _lazy("The title has %(n)d characters; at most %(max)d are allowed.")
KIND_LOCKED = _lazy(
    "A feature request has statuses of its own (new, under review, planned, declined, delivered): a "
    "topic cannot become one, or stop being one. Raise a new topic instead."
)


def _validate(topic: Topic, access: RelationshipAccess, *, products: list[Product] | None) -> None:
    """Field rules of create and update (``products``: the new list, None when unchanged)."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    topic.title = (topic.title or "").strip()
    if not topic.title:
        refuse("title", _("A topic needs a title."))
    elif len(topic.title) > TITLE_MAX:
        refuse("title", str(TITLE_TOO_LONG) % {"n": len(topic.title), "max": TITLE_MAX})
    if topic.kind not in TopicKind.values:
        refuse("kind", _("Choose one of the topic kinds."))
    elif topic.status not in statuses_for(topic.kind):
        refuse("kind", str(KIND_LOCKED))
    if topic.raised_by_side not in Side.values:
        refuse("raised_by_side", _("Choose the supplier or the customer."))
    if topic.kind != TopicKind.CHANGE_NOTICE:
        if topic.effective_date is not None:
            refuse("effective_date", _("Only a product change notice has an effective date."))
        if products:
            refuse("products", _("Only a product change notice names affected products."))
    if topic.kind != TopicKind.FEATURE_REQUEST and topic.target_release:
        refuse("target_release", _("Only a feature request has a target release."))
    if len(topic.target_release or "") > RELEASE_MAX:
        refuse("target_release", _("At most %(max)d characters.") % {"max": RELEASE_MAX})
    if errors:
        raise ValidationError(errors)


def _visibility(topic: Topic, access: RelationshipAccess, was: str | None) -> None:
    """Set ``private_party`` from the visibility; a shared topic never becomes private again, and a
    topic about to be shared may not link the side's private action items."""
    if topic.visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose shared or private.")})
    if topic.visibility == Visibility.PRIVATE:
        if was == Visibility.SHARED:
            raise ValidationError(
                {"visibility": _("A shared topic stays shared: the other side may have read it already.")}
            )
        if access.party is None:
            raise PermissionDenied(rules.REFUSALS["topics"])
        topic.private_party = topic.private_party if was == Visibility.PRIVATE else access.party
        return
    topic.private_party = None
    if topic.pk:
        private = topic.action_items.filter(visibility=ItemVisibility.PRIVATE)
        if private.exists():
            keys = ", ".join(i.reference for i in private.select_related("relationship"))
            raise ValidationError(
                {
                    "visibility": _(
                        "This topic links private action items (%(keys)s); the other side would see "
                        "the links. Unlink them before sharing the topic."
                    )
                    % {"keys": keys}
                }
            )


# --- topics ------------------------------------------------------------------------------------------


@transaction.atomic
def create_topic(
    *,
    access: RelationshipAccess,
    kind: str,
    title: str,
    description: str = "",
    raised_by_side: str | None = None,
    raised_on: date | None = None,
    visibility: str = Visibility.SHARED,
    effective_date: date | None = None,
    products: Iterable[Product] = (),
    target_release: str = "",
) -> Topic:
    """A new topic of ``access``'s relationship, raised by the writer's side unless ``raised_by_side``
    says otherwise, at its kind's first status."""
    _require_writer(access)
    product_list = _supplier_products(access, products)
    allowed = statuses_for(kind) if kind in TopicKind.values else (TopicStatus.OPEN,)
    topic = Topic(
        relationship=access.relationship,
        kind=kind,
        title=title,
        description=description,
        status=allowed[0],
        raised_by_side=raised_by_side or access.side or "",
        raised_by=access.user,
        raised_on=raised_on or timezone.localdate(),
        visibility=visibility,
        effective_date=effective_date,
        target_release=(target_release or "").strip(),
    )
    _validate(topic, access, products=product_list)
    _visibility(topic, access, None)
    topic.full_clean(exclude=["products", "action_items"])
    topic.save()
    topic.products.set(product_list)
    audit.record(actor=access.user, verb="topic.created", obj=topic, relationship=access.relationship)
    return topic


def _product_codes(products: Iterable[Product]) -> list[str]:
    return sorted(p.code for p in products)


@transaction.atomic
def update_topic(
    *,
    access: RelationshipAccess,
    topic: Topic,
    version: int,
    products: Iterable[Product] | None = None,
    **values: Any,
) -> Topic:
    """Change fields of a topic (``EDITABLE``, and its affected products); a stale ``version`` is a
    ``Conflict``. Its status moves with ``change_status``; its action items with ``link_items``."""
    _require_writer(access)
    product_list = None if products is None else _supplier_products(access, products)
    if isinstance(values.get("target_release"), str):
        values["target_release"] = values["target_release"].strip()
    was = Topic.objects.filter(pk=topic.pk).values_list("visibility", flat=True).first()

    def validate(locked: Topic) -> None:
        _same_relationship(locked, access)
        current = list(locked.products.all()) if product_list is None else product_list
        _validate(locked, access, products=current)
        _visibility(locked, access, was)

    def product_changes(locked: Topic) -> dict[str, list[Any]]:
        if product_list is None:
            return {}
        old, new = _product_codes(locked.products.all()), _product_codes(product_list)
        if old == new:
            return {}
        locked.products.set(product_list)
        return {"products": [", ".join(old), ", ".join(new)]}

    def before_save(locked: Topic, changes: dict[str, list[Any]]) -> None:
        locked.updated_at = timezone.now()

    return versioned_update(
        topic,
        version=version,
        fields=EDITABLE,
        values=values,
        actor=access.user,
        verb="topic.updated",
        relationship=access.relationship,
        queryset=Topic.objects.select_related("relationship"),
        validate=validate,
        clean_exclude=["products", "action_items"],
        more_changes=product_changes,
        before_save=before_save,
    ).obj


def _locked(topic: Topic, version: int, access: RelationshipAccess) -> Topic:
    fresh = Topic.objects.select_for_update().select_related("relationship").get(pk=topic.pk)
    _same_relationship(fresh, access)
    check_version(fresh, version)
    return fresh


@transaction.atomic
def change_status(
    *,
    access: RelationshipAccess,
    topic: Topic,
    version: int,
    status: str,
    target_release: str | None = None,
) -> Topic:
    """Move a topic to ``status`` (one of ``next_statuses``); a feature request may get its target
    release on the way (planning one needs it)."""
    _require_writer(access)
    locked = _locked(topic, version, access)
    before = locked.status
    if status not in next_statuses(locked):
        allowed = ", ".join(str(S(s).label).lower() for s in next_statuses(locked)) or "–"
        raise ValidationError(
            {
                "status": _("A %(kind)s that is %(status)s may become: %(allowed)s.")
                % {
                    "kind": str(TopicKind(locked.kind).label).lower(),
                    "status": str(S(before).label).lower(),
                    "allowed": allowed,
                }
            }
        )
    changes: dict[str, list[Any]] = {"status": [before, status]}
    if target_release is not None and locked.kind == TopicKind.FEATURE_REQUEST:
        release = target_release.strip()
        if len(release) > RELEASE_MAX:
            raise ValidationError({"target_release": _("At most %(max)d characters.") % {"max": RELEASE_MAX}})
        if release != locked.target_release:
            changes["target_release"] = [locked.target_release, release]
            locked.target_release = release
    if status in NEEDS_RELEASE and not locked.target_release:
        raise ValidationError({"target_release": _("Give the target release of a planned feature request.")})
    closed_on = timezone.localdate() if status in SETTLED_STATUSES else None
    if closed_on != locked.closed_on:
        changes["closed_on"] = [locked.closed_on, closed_on]
    locked.status, locked.closed_on = status, closed_on
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "closed_on", "target_release", "version", "updated_at"])
    audit.record(
        actor=access.user,
        verb="topic.status",
        obj=locked,
        relationship=access.relationship,
        changes={k: [_text(a), _text(b)] for k, (a, b) in changes.items()},
    )
    return locked


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def linked_items(access: RelationshipAccess, topic: Topic) -> Any:
    """The topic's action items that the viewer may see."""
    return (
        ActionItem.objects.visible_to(access)
        .filter(topics=topic)
        .select_related("relationship", "owner")
        .order_by("series", "number")
    )


def prefetch_linked_items(access: RelationshipAccess) -> Prefetch[Any]:
    """``linked_items`` of every topic of a list in one query, as each topic's ``visible_items``."""
    items = ActionItem.objects.visible_to(access).select_related("relationship", "owner")
    return Prefetch("action_items", queryset=items.order_by("series", "number"), to_attr="visible_items")


def _keys(items: Iterable[ActionItem]) -> list[str]:
    return numbering.sorted_keys(i.reference for i in items)


@transaction.atomic
def link_items(*, access: RelationshipAccess, topic: Topic, keys: Iterable[object]) -> Topic:
    """Link the action items named by ``keys`` (7, S4, TLA-0007, among those the viewer may see) to the
    topic; a shared topic links shared items only."""
    _require_writer(access)
    _same_relationship(topic, access)
    found, missing = numbering.find_keys(access, keys)
    if missing:
        raise ValidationError({"keys": _("No action item numbered %(n)s here.") % {"n": ", ".join(missing)}})
    if topic.visibility == Visibility.SHARED:
        private = [i for i in found if i.visibility == ItemVisibility.PRIVATE]
        if private:
            raise ValidationError(
                {
                    "keys": _(
                        "%(keys)s is private to your side: a shared topic may not link it, since the "
                        "other side would see the link."
                    )
                    % {"keys": ", ".join(_keys(private))}
                }
            )
    before = list(linked_items(access, topic))
    new = [i for i in found if i.pk not in {b.pk for b in before}]
    if not new:
        return topic
    topic.action_items.add(*new)
    _touch(topic)
    audit.record(
        actor=access.user,
        verb="topic.linked",
        obj=topic,
        relationship=access.relationship,
        changes={"action_items": [_keys(before), _keys([*before, *new])]},
    )
    return topic


@transaction.atomic
def unlink_items(*, access: RelationshipAccess, topic: Topic, keys: Iterable[object]) -> Topic:
    """Remove the links to the action items named by ``keys`` (of those the viewer may see)."""
    _require_writer(access)
    _same_relationship(topic, access)
    found, missing = numbering.find_keys(access, keys)
    before = list(linked_items(access, topic))
    gone = [i for i in found if i.pk in {b.pk for b in before}]
    if missing or len(gone) < len(found):
        unknown = [*missing, *_keys(i for i in found if i not in gone)]
        raise ValidationError({"keys": _("This topic does not link %(n)s.") % {"n": ", ".join(unknown)}})
    if not gone:
        return topic
    topic.action_items.remove(*gone)
    _touch(topic)
    audit.record(
        actor=access.user,
        verb="topic.unlinked",
        obj=topic,
        relationship=access.relationship,
        changes={"action_items": [_keys(before), _keys(i for i in before if i not in gone)]},
    )
    return topic


def _touch(topic: Topic) -> None:
    topic.updated_at = timezone.now()
    Topic.objects.filter(pk=topic.pk).update(updated_at=topic.updated_at)


# --- forecasts ---------------------------------------------------------------------------------------


def _require_forecaster(access: RelationshipAccess) -> None:
    if not rules.may_enter_forecasts(access):
        raise PermissionDenied(rules.REFUSALS["forecast"])


def month_problem(month: str) -> str | None:
    """Why ``month`` is refused as a forecast's month, or None."""
    try:
        year, _mon = parse_month(month)
    except ValueError:
        return _("Give the month as YYYY-MM, e.g. 2027-03.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _("Give a month from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    return None


def _validate_forecast(forecast: Forecast, access: RelationshipAccess) -> None:
    errors: dict[str, list[str]] = {}
    product = forecast.product
    if product.supplier_id != access.relationship.supplier_id:
        errors["product"] = [
            _("Forecasts are of products of %(supplier)s.") % {"supplier": access.relationship.supplier.name}
        ]
    problem = month_problem(forecast.month)
    if problem:
        errors["month"] = [problem]
    if not isinstance(forecast.quantity, int) or not 0 <= forecast.quantity <= MAX_INT:
        errors["quantity"] = [_("Give a whole number, 0 or more.")]
    forecast.note = (forecast.note or "").strip()
    if len(forecast.note) > NOTE_MAX:
        errors["note"] = [_("At most %(max)d characters.") % {"max": NOTE_MAX}]
    if not errors:
        twin = Forecast.objects.filter(
            relationship=access.relationship, product=product, month=forecast.month
        ).exclude(pk=forecast.pk)
        if twin.exists():
            errors["month"] = [
                _("There is a forecast of %(product)s for %(month)s already; change that one instead.")
                % {"product": product.code, "month": forecast.month}
            ]
    if errors:
        raise ValidationError(errors)


def _forecast_label(forecast: Forecast) -> str:
    return f"{forecast.product.code} {forecast.month}"


@transaction.atomic
def create_forecast(
    *,
    access: RelationshipAccess,
    product: Product,
    month: str,
    quantity: int,
    note: str = "",
) -> Forecast:
    """The customer's forecast of ``quantity`` of ``product`` in ``month`` (YYYY-MM)."""
    _require_forecaster(access)
    forecast = Forecast(
        relationship=access.relationship,
        product=product,
        month=(month or "").strip(),
        quantity=quantity,
        note=note,
        entered_by=access.user,
    )
    _validate_forecast(forecast, access)
    forecast.full_clean()
    forecast.save()
    audit.record(
        actor=access.user,
        verb="forecast.created",
        obj=forecast,
        relationship=access.relationship,
        label=_forecast_label(forecast),
        changes={"quantity": [None, forecast.quantity]},
    )
    return forecast


@transaction.atomic
def update_forecast(
    *, access: RelationshipAccess, forecast: Forecast, version: int, **values: Any
) -> Forecast:
    """Change a forecast's product, month, quantity or note; a stale ``version`` is a ``Conflict``."""
    _require_forecaster(access)
    if isinstance(values.get("month"), str):
        values["month"] = values["month"].strip()

    def validate(locked: Forecast) -> None:
        _same_relationship(locked, access)
        _validate_forecast(locked, access)

    def before_save(locked: Forecast, changes: dict[str, list[Any]]) -> None:
        locked.entered_by = access.user
        locked.entered_at = timezone.now()

    return versioned_update(
        forecast,
        version=version,
        fields=["product", "month", "quantity", "note"],
        values=values,
        actor=access.user,
        verb="forecast.updated",
        relationship=access.relationship,
        label=_forecast_label(forecast),
        queryset=Forecast.objects.select_related("product"),
        validate=validate,
        before_save=before_save,
    ).obj


@transaction.atomic
def delete_forecast(*, access: RelationshipAccess, forecast: Forecast, version: int | None = None) -> None:
    """Remove a forecast (at ``version`` when given: a stale one is a ``Conflict``)."""
    _require_forecaster(access)
    locked = Forecast.objects.select_for_update().select_related("product").get(pk=forecast.pk)
    _same_relationship(locked, access)
    if version is not None:
        check_version(locked, version)
    audit.record(
        actor=access.user,
        verb="forecast.deleted",
        obj=locked,
        relationship=access.relationship,
        label=_forecast_label(locked),
        changes={"quantity": [locked.quantity, None]},
    )
    locked.delete()
