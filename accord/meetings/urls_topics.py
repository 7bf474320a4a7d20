"""The topics pages' addresses (collected by ``meetings.urls``)."""

from django.urls import URLPattern, path

from accord.meetings import views_topics as views

patterns: list[URLPattern] = [
    path("r/<slug:slug>/topics/", views.topic_list, name="topics"),
    path("r/<slug:slug>/topics/new/", views.topic_create, name="topic_create"),
    path("r/<slug:slug>/topics/export.<str:fmt>", views.topic_export, name="topics_export"),
    path("r/<slug:slug>/topics/<int:pk>/", views.topic_detail, name="topic"),
    path("r/<slug:slug>/topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("r/<slug:slug>/topics/<int:pk>/status/", views.topic_status, name="topic_status"),
    path("r/<slug:slug>/topics/<int:pk>/link/", views.topic_link, name="topic_link"),
    path("r/<slug:slug>/topics/<int:pk>/unlink/", views.topic_unlink, name="topic_unlink"),
    path("r/<slug:slug>/forecasts/", views.forecasts, name="forecasts"),
    path("r/<slug:slug>/forecasts/<int:pk>/edit/", views.forecast_edit, name="forecast_edit"),
    path("r/<slug:slug>/forecasts/<int:pk>/delete/", views.forecast_delete, name="forecast_delete"),
]
