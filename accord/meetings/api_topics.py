"""API operations of the topics part (added to ``meetings.api``'s router)."""

from ninja import Router

router = Router(tags=["meetings"])
