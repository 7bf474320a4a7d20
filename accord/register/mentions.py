"""@mentions in comments: a pure parser, and who may be mentioned (the people who may see the item).

``parse`` finds each ``@`` that starts a word and matches it against the candidates' full names and
e-mail addresses (longest first, case-insensitive). What matches nobody is returned as typed, so the
service can refuse it with a message that names only what the author wrote: someone who may not see
the item and someone who does not exist are refused alike, and nothing is told about either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
WORD = re.compile(r"[^\s@,;:!?()\[\]{}<>\"']+")


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    email: str


@dataclass
class Mentions:
    ids: list[int] = field(default_factory=list)  # in order of first mention, each once
    unknown: list[str] = field(default_factory=list)  # as typed, without the "@", each once
    ambiguous: list[str] = field(default_factory=list)  # a name two candidates share, as typed


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] in "_-")


def parse(text: str, candidates: Sequence[Candidate]) -> Mentions:
    """The candidates that ``text`` mentions as ``@Full Name`` or ``@e-mail``, and the rest."""
    keys: list[tuple[str, int]] = []
    holders: dict[str, set[int]] = {}
    for c in candidates:
        for key in (c.name, c.email):
            if key.strip():
                keys.append((key.strip().casefold(), c.id))
                holders.setdefault(key.strip().casefold(), set()).add(c.id)
    keys.sort(key=lambda pair: -len(pair[0]))
    folded = text.casefold()
    found = Mentions()
    i = 0
    while (i := text.find("@", i)) != -1:
        start = i + 1
        if i > 0 and (text[i - 1].isalnum() or text[i - 1] in "._%+-"):
            i = start  # inside an e-mail address written without a mention
            continue
        match = next(
            (
                (key, cid)
                for key, cid in keys
                if folded.startswith(key, start) and _ends_word(text, start + len(key))
            ),
            None,
        )
        if match is not None and len(holders[match[0]]) > 1:  # namesakes: which one is not ours to guess
            word = text[start : start + len(match[0])]
            if word not in found.ambiguous:
                found.ambiguous.append(word)
            i = start + len(match[0])
            continue
        if match is not None:
            if match[1] not in found.ids:
                found.ids.append(match[1])
            i = start + len(match[0])
            continue
        typed = EMAIL.match(text, start) or WORD.match(text, start)
        if typed is not None:
            word = typed.group(0).rstrip(".")
            if word and word not in found.unknown:
                found.unknown.append(word)
            i = typed.end()
        else:
            i = start
    return found


# --- who may be mentioned (ORM) ----------------------------------------------------------------------


def people_who_see(item: Any) -> QuerySet[Any]:
    """The active members of the sides that see ``item`` (only its own side for a private item),
    as ``ActionItem.objects.visible_to`` decides: guests (facilitators) do not see the register."""
    from accord.accounts.models import User

    rel = item.relationship
    parties = [item.private_party_id] if item.private_party_id else [rel.supplier_id, rel.customer_id]
    return (
        User.objects.filter(is_active=True, memberships__party_id__in=parties, memberships__is_active=True)
        .distinct()
        .order_by("full_name")
    )


def candidates(people: Iterable[Any]) -> list[Candidate]:
    return [Candidate(p.pk, p.full_name, p.email) for p in people]


def check(item: Any, body: str) -> list[int]:
    """The ids of the people ``body`` mentions, all of whom may see ``item``; refuses (a field error on
    ``body``) any mention that names no one who may see it, saying only what the author typed."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if "@" not in body:
        return []
    found = parse(body, candidates(people_who_see(item)))
    if found.unknown:
        typed = ", ".join(f"@{word}" for word in found.unknown)
        raise ValidationError(
            {
                "body": ngettext(
                    "%(typed)s is not the name or e-mail of someone who may see this item; "
                    "write their full name or e-mail after the @.",
                    "%(typed)s are not names or e-mails of people who may see this item; "
                    "write their full names or e-mails after the @.",
                    len(found.unknown),
                )
                % {"typed": typed}
                + " "
                + _("Nothing was saved.")
            }
        )
    if found.ambiguous:
        typed = ", ".join(f"@{word}" for word in found.ambiguous)
        raise ValidationError(
            {
                "body": _(
                    "%(typed)s is the name of more than one person who may see this item; "
                    "write their e-mail after the @ instead."
                )
                % {"typed": typed}
                + " "
                + _("Nothing was saved.")
            }
        )
    return found.ids
