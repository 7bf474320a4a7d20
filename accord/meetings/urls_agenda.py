"""The agenda part's pages: a meeting's agenda and its items, the pre-read packs, agenda templates."""

from django.urls import path

from accord.meetings import views_agenda as views

MEETING = "r/<slug:slug>/meetings/<int:meeting_id>/"
TEMPLATES = "r/<slug:slug>/meetings/templates/<slug:kind>/"

patterns = [
    path(MEETING + "agenda/", views.agenda_page, name="agenda"),
    path(MEETING + "agenda/add/", views.agenda_add, name="agenda_add"),
    path(MEETING + "agenda/preview.pdf", views.agenda_preview, name="agenda_preview"),
    path(MEETING + "agenda/<int:item_id>/edit/", views.agenda_item_edit, name="agenda_item"),
    path(MEETING + "agenda/<int:item_id>/remove/", views.agenda_item_remove, name="agenda_remove"),
    path(MEETING + "agenda/<int:item_id>/move/", views.agenda_item_move, name="agenda_move"),
    path(MEETING + "packs/send/", views.pack_send, name="pack_send"),
    path(MEETING + "packs/<int:pack_id>.pdf", views.pack_download, name="pack"),
    path(TEMPLATES, views.template_page, name="agenda_template"),
    path(TEMPLATES + "<int:item_id>/edit/", views.template_item_edit, name="template_item"),
    path(TEMPLATES + "<int:item_id>/remove/", views.template_item_remove, name="template_remove"),
    path(TEMPLATES + "<int:item_id>/move/", views.template_item_move, name="template_move"),
]
