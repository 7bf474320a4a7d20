"""The meetings' pages: each part of the app lists its addresses in its own ``urls_*`` module."""

from accord.meetings import urls_agenda, urls_calendar, urls_meetings, urls_minutes, urls_topics

app_name = "meetings"

urlpatterns = [
    *urls_meetings.patterns,
    *urls_agenda.patterns,
    *urls_minutes.patterns,
    *urls_topics.patterns,
    *urls_calendar.patterns,
]
