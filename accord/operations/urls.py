from django.urls import path

from accord.operations import views

app_name = "operations"

urlpatterns = [
    path("r/<slug:slug>/data/", views.data, name="data"),
    path("r/<slug:slug>/data/upload/", views.upload, name="upload"),
    path("r/<slug:slug>/data/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("r/<slug:slug>/data/batches/<int:pk>/errors.csv", views.batch_errors_csv, name="batch_errors"),
    path("r/<slug:slug>/data/batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("r/<slug:slug>/data/<slug:kind>.csv", views.download, name="download"),
]
