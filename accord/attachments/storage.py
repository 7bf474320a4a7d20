"""Where attachment files live: ``attachments/`` under ``MEDIA_ROOT`` (``ACCORD_DATA_DIR/files``), never
under a static or public path; nothing serves this folder by URL, every download goes through the
parent record's door. ``accord backup`` archives ``MEDIA_ROOT``, so attachments are in every backup."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class AttachmentStorage(FileSystemStorage):
    """A folder storage that follows ``MEDIA_ROOT`` (also when a test changes it) and has no URL."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "attachments")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("Attachments have no public URL; download them through their record's page.")


attachment_storage = AttachmentStorage()


def get_storage() -> AttachmentStorage:
    return attachment_storage


def stored_name(instance: Any, filename: str) -> str:
    """A random stored name (never the person's name), spread over 256 folders."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"
