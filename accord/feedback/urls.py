"""The feedback's pages: surveys, their areas, invitations, answering (signed in, or by the invitation
link, the one page open without an account), results, the visit record and triage."""

from django.urls import path

from accord.feedback import views, views_answer, views_results, views_triage

app_name = "feedback"

FEEDBACK = "r/<slug:slug>/feedback/"
SURVEY = FEEDBACK + "<int:number>/"

urlpatterns = [
    path(FEEDBACK, views.survey_list, name="list"),
    path(FEEDBACK + "new/", views.survey_new, name="new"),
    path(FEEDBACK + "areas/", views.areas, name="areas"),
    path(SURVEY, views.survey_detail, name="survey"),
    path(SURVEY + "edit/", views.survey_edit, name="edit"),
    path(SURVEY + "open/", views.survey_open, name="open"),
    path(SURVEY + "close/", views.survey_close, name="close"),
    path(SURVEY + "invite/", views.invite, name="invite"),
    path(SURVEY + "invitations/<int:invitation_id>/send-again/", views.send_again, name="send_again"),
    path(SURVEY + "results/", views_results.results, name="results"),
    path(SURVEY + "visit.pdf", views_results.visit_pdf, name="pdf"),
    path(SURVEY + "results.xlsx", views_results.results_xlsx, name="xlsx"),
    path(SURVEY + "responses/<int:response>/", views_results.response, name="response"),
    path(SURVEY + "answers/<int:answer_id>/flag/", views_triage.flag, name="flag"),
    path(SURVEY + "triage/", views_triage.triage_page, name="triage"),
    path(SURVEY + "proposals/<int:proposal_id>/", views_triage.decide, name="decide"),
    path(SURVEY + "answer/", views_answer.answer, name="answer"),
    path("f/<str:token>/", views_answer.door, name="door"),
]
