"""The meetings' API: each part of the app adds its operations in its own ``api_*`` module."""

from ninja import Router

from accord.meetings import api_agenda, api_calendar, api_meetings, api_minutes, api_topics

router = Router()
for part in (api_meetings, api_agenda, api_minutes, api_topics, api_calendar):
    router.add_router("", part.router)
