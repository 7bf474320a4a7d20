"""API operations of the calendar part (added to ``meetings.api``'s router)."""

from ninja import Router

router = Router(tags=["meetings"])
