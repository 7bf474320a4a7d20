"""API operations of the meetings part (added to ``meetings.api``'s router)."""

from ninja import Router

router = Router(tags=["meetings"])
