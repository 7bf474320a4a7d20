"""Pure rules for a stored file: its name as shown, its sniffed content type, its digest. No ORM.

The content type is decided from the bytes (``filetype`` reads the magic numbers), never from the
client's ``Content-Type`` or the file name; text is recognised as valid UTF-8 without control
characters. Only a few types are served with their own content type (``SAFE_TYPES``); every other file
is served as ``application/octet-stream``, and always as an attachment with ``nosniff``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

import filetype

MAX_NAME = 200
OCTET = "application/octet-stream"
TEXT = "text/plain"
SNIFF_BYTES = 8192
# Served with their own type (and still as an attachment): no type here runs script in a browser.
SAFE_TYPES = frozenset(
    {
        TEXT,
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/zip",
        "application/gzip",
        "application/x-tar",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
_TEXT_CONTROLS_OK = {"\t", "\n", "\r", "\f"}


def clean_name(name: str, *, fallback: str = "file") -> str:
    """The name a person gave a file, safe to show and to put in a header: no folders, no control or
    format characters (bidi overrides, zero-width), no leading dots, at most ``MAX_NAME`` characters
    (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # Cc, Cf, Cs, Co, Cn
    kept = " ".join(kept.split()).strip(" .")
    if not kept:
        return fallback
    if len(kept) > MAX_NAME:
        stem, dot, ext = kept.rpartition(".")
        if dot and 0 < len(ext) <= 16 and stem:
            kept = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            kept = kept[:MAX_NAME]
    return kept


def _is_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    return not any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS_OK for c in text)


def sniff(head: bytes) -> str:
    """The content type of a file from its first bytes: a known binary format, plain text, or
    ``application/octet-stream``."""
    kind = filetype.guess(head[:SNIFF_BYTES]) if head else None
    if kind is not None:
        return str(kind.mime)
    return TEXT if _is_text(head[:SNIFF_BYTES]) else OCTET


def served_type(content_type: str) -> str:
    """What a download says its type is: the sniffed type when it is a safe one, else octet-stream."""
    if content_type == TEXT:
        return "text/plain; charset=utf-8"
    return content_type if content_type in SAFE_TYPES else OCTET


def digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and size of the bytes."""
    h = hashlib.sha256()
    size = 0
    for chunk in chunks:
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 5987 ``filename*``."""
    from urllib.parse import quote

    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
