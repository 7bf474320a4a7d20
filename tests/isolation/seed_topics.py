"""The topic log and forecasts of a seeded relationship (seed.py): topics shared by each side and
private to each side, every text field marked, each with a linked action item its viewers may see and a
private topic's file; a forecast with a marked note. Written through ``meetings.topics``."""

from __future__ import annotations

import io
from typing import Any

from accord.attachments import kinds as attachment_kinds
from accord.attachments import services as attachments
from accord.meetings import topics
from accord.parties.access import relationship_for_user
from accord.parties.models import Product, Relationship
from accord.register.models import ActionItem
from tests.isolation.markers import Registry


def seed_topics(m: Registry, s: str, rel: Relationship, supplier: Any, customer: Any) -> None:
    """``supplier`` and ``customer``: a writer of each side of ``rel``."""

    def access(user: Any) -> Any:
        return relationship_for_user(user, pk=rel.pk, write=True)

    product = Product.objects.filter(supplier_id=rel.supplier_id).first()
    for vis, writer, visibility in (
        ("SH", customer, "shared"),
        ("SH", supplier, "shared"),
        ("SUP", supplier, "private"),
        ("CUS", customer, "private"),
    ):
        mine = access(writer)
        request = topics.create_topic(
            access=mine,
            kind="feature_request",
            title=m.new(s, vis, "meetings.Topic.title"),
            description=m.new(s, vis, "meetings.Topic.description"),
            visibility=visibility,
            target_release=m.new(s, vis, "meetings.Topic.target_release"),
        )
        notice = topics.create_topic(
            access=mine,
            kind="change_notice",
            title=m.new(s, vis, "meetings.Topic.title"),
            visibility=visibility,
            products=[product] if product else [],
        )
        # the side's own items it may link: shared ones, and its private ones on a private topic
        items = ActionItem.objects.visible_to(mine).filter(relationship=rel)
        if visibility == "shared":
            items = items.filter(visibility="shared")
        else:
            items = items.filter(visibility="private")
        keys = [i.key for i in items.order_by("series", "number")[:1]]
        if keys:
            topics.link_items(access=mine, topic=request, keys=keys)
        topics.update_topic(
            access=mine,
            topic=notice,
            version=notice.version,
            description=m.new(s, vis, "meetings.Topic.description"),
        )
        topics.change_status(access=mine, topic=request, version=request.version, status="under_review")
        if visibility == "private":
            content = m.new(s, vis, "attachments.Attachment.file") + " topic notes\n"
            attachments.add(
                access=mine,
                kind=attachment_kinds.get("topic"),
                parent=request,
                upload=io.BytesIO(content.encode()),
                name=m.new(s, vis, "attachments.Attachment.name") + ".txt",
            )
    if product is not None:
        topics.create_forecast(
            access=access(customer), product=product, month="2027-01", quantity=12,
            note=m.new(s, "SH", "meetings.Forecast.note"),
        )  # fmt: skip
