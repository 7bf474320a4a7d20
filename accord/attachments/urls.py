from django.urls import path

from accord.attachments import views

app_name = "attachments"

BASE = "r/<slug:slug>/files/<slug:kind>/<str:ref>/"
urlpatterns = [
    path(BASE, views.upload, name="upload"),
    path(BASE + "page/", views.record, name="record"),
    path(BASE + "<int:pk>/", views.download, name="download"),
    path(BASE + "<int:pk>/remove/", views.remove, name="remove"),
]
