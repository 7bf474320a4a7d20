"""The meetings pages' addresses (collected by ``meetings.urls``)."""

from django.urls import URLPattern, path

from accord.meetings import views

MEETING = "r/<slug:slug>/meetings/<int:meeting_id>/"

patterns: list[URLPattern] = [
    path("my/meetings/", views.my_meetings, name="mine"),
    path("r/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("r/<slug:slug>/meetings/new/", views.meeting_create, name="create"),
    path("r/<slug:slug>/meetings/cadence/", views.cadence_settings, name="cadence"),
    path(MEETING, views.meeting_detail, name="detail"),
    path(MEETING + "edit/", views.meeting_edit, name="edit"),
    path(MEETING + "cancel/", views.meeting_cancel, name="cancel"),
    path(MEETING + "invite/", views.meeting_invite, name="invite"),
    path(MEETING + "attendees/<int:attendee_id>/remove/", views.meeting_uninvite, name="uninvite"),
]
