"""The expectations' pages and the scorecard."""

from django.urls import path

from accord.expectations import views

app_name = "expectations"

EXPECTATION = "r/<slug:slug>/expectations/<int:number>/"

urlpatterns = [
    path("r/<slug:slug>/expectations/", views.expectation_list, name="list"),
    path("r/<slug:slug>/expectations/new/", views.expectation_propose, name="propose"),
    path(EXPECTATION, views.expectation_detail, name="detail"),
    path(EXPECTATION + "change/", views.expectation_change, name="change"),
    path(EXPECTATION + "agree/", views.expectation_agree, name="agree"),
    path(EXPECTATION + "withdraw/", views.expectation_withdraw, name="withdraw"),
    path(EXPECTATION + "retire/", views.expectation_retire, name="retire"),
    path(EXPECTATION + "rate/", views.expectation_rate, name="rate"),
    path(EXPECTATION + "ratings/<str:month>/confirm/", views.rating_confirm, name="confirm"),
    path(EXPECTATION + "gap/plan/", views.gap_plan, name="plan"),
    path(EXPECTATION + "gap/track/", views.gap_track, name="track"),
    path("r/<slug:slug>/scorecard/", views.scorecard, name="scorecard"),
    path("r/<slug:slug>/scorecard.pdf", views.scorecard_pdf, name="scorecard_pdf"),
    path("r/<slug:slug>/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
]
