"""API operations of the minutes part (added to ``meetings.api``'s router)."""

from ninja import Router

router = Router(tags=["meetings"])
