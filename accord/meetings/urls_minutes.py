"""The minutes pages' addresses (collected by ``meetings.urls``)."""

from django.urls import URLPattern, path

from accord.meetings import views_minutes as v

MEETING = "r/<slug:slug>/meetings/<int:meeting_id>/"

patterns: list[URLPattern] = [
    path(MEETING + "run/", v.run, name="minutes_run"),
    path(MEETING + "run/attendance/", v.attendance, name="minutes_attendance"),
    path(MEETING + "run/walk-in/", v.walk_in, name="minutes_walk_in"),
    path(MEETING + "run/items/<int:item_id>/minutes/", v.item_minutes, name="minutes_item"),
    path(MEETING + "run/items/<int:item_id>/decisions/", v.decision_add, name="minutes_decision_add"),
    path(MEETING + "run/items/<int:item_id>/action-item/", v.action_item, name="minutes_action_item"),
    path(
        MEETING + "run/decisions/<int:decision_id>/remove/", v.decision_remove, name="minutes_decision_remove"
    ),
    path(MEETING + "minutes/circulate/", v.circulate, name="minutes_circulate"),
    path(MEETING + "minutes/approve/", v.approve, name="minutes_approve"),
    path(MEETING + "minutes/correct/", v.correct, name="minutes_correct"),
    path(MEETING + "minutes.pdf", v.current_pdf, name="minutes_pdf"),
    path(MEETING + "minutes/<int:rev>/", v.revision, name="minutes_revision"),
    path(MEETING + "minutes/<int:rev>.pdf", v.revision_pdf, name="minutes_revision_pdf"),
]
