from django.urls import path

from accord.measurements import views

app_name = "measurements"

urlpatterns = [
    path("r/<slug:slug>/measurements/", views.measurements, name="page"),
    path("r/<slug:slug>/measurements/records/", views.records, name="records"),
    path("r/<slug:slug>/measurements/settings/", views.settings_page, name="settings"),
]
