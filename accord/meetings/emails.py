"""The meetings' e-mails (the calendar part fills these in): each is queued on commit, off the request.

- ``scheduled(meeting_id)``: invitations with an ``.ics`` (METHOD:REQUEST) to everyone invited.
- ``changed(meeting_id)``: the updated invitation (same UID, SEQUENCE bumped).
- ``cancelled(meeting_id)``: METHOD:CANCEL with the same UID.
- ``invited(meeting_id, attendee_ids)``: invitations to people added later.
- ``pack_sent(pack_id)``: the frozen pre-read PDF to everyone invited (external guests included).
- ``minutes_circulated(meeting_id)``: the draft minutes are ready for review and approval.
- ``minutes_approved(meeting_id, revision)``: the approved minutes PDF to everyone invited.
"""

from __future__ import annotations

from collections.abc import Sequence


def scheduled(meeting_id: int) -> None:
    """Placeholder until the calendar part lands."""


def changed(meeting_id: int) -> None:
    """Placeholder until the calendar part lands."""


def cancelled(meeting_id: int) -> None:
    """Placeholder until the calendar part lands."""


def invited(meeting_id: int, attendee_ids: Sequence[int]) -> None:
    """Placeholder until the calendar part lands."""


def pack_sent(pack_id: int) -> None:
    """Placeholder until the calendar part lands."""


def minutes_circulated(meeting_id: int) -> None:
    """Placeholder until the calendar part lands."""


def minutes_approved(meeting_id: int, revision: int) -> None:
    """Placeholder until the calendar part lands."""
