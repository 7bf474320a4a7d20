"""The calendar pages' addresses (collected by ``meetings.urls``)."""

from django.urls import URLPattern, path

from accord.meetings import views_calendar

patterns: list[URLPattern] = [
    # the invitation e-mail's personal link: no sign-in, the token is the credential
    path("m/answer/<str:token>/", views_calendar.answer, name="answer"),
    path(
        "r/<slug:slug>/meetings/<int:meeting_id>/answer/",
        views_calendar.answer_meeting,
        name="answer_meeting",
    ),
    path("r/<slug:slug>/meetings/<int:meeting_id>/invite.ics", views_calendar.invite_ics, name="invite_ics"),
    # the personal calendar feed: no sign-in (calendar apps fetch it), the address is the secret
    path("calendar/<str:token>.ics", views_calendar.feed, name="feed"),
    path("my/calendar/", views_calendar.my_calendar, name="my_calendar"),
]
