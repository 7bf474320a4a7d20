from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.attachments import kinds, services
from accord.attachments.models import Attachment
from accord.parties.access import access_from

LOG = b"2026-12-01 10:00:01 LINECARD 3 ALARM LOS\n2026-12-01 10:00:02 LINECARD 3 CLEAR\n"


def attach(world: Any, user: Any, item: Any, data: bytes = LOG, name: str = "alarms.log") -> Attachment:
    access = access_from(user, item.relationship)
    return services.add(
        access=access, kind=kinds.get("action-item"), parent=item, upload=BytesIO(data), name=name
    )


def upload(
    data: bytes = LOG, name: str = "alarms.log", content_type: str = "text/plain"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def item_url(world: Any, item: Any) -> str:
    return f"/r/{item.relationship.slug}/items/{item.key}/"


def files_url(item: Any, pk: int | None = None) -> str:
    base = f"/r/{item.relationship.slug}/files/action-item/{item.key}/"
    return base if pk is None else f"{base}{pk}/"
