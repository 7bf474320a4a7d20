"""The reports' pages: the relationship's report definitions, each definition's issues, an issue's page
(commentary, publishing, corrections) and its files."""

from django.urls import path, register_converter

from accord.reports import views, views_issue


class PeriodConverter:
    regex = r"\d{4}-(?:Q[1-4]|\d{2})"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "period")

app_name = "reports"

REPORTS = "r/<slug:slug>/reports/"
DEFINITION = REPORTS + "<int:number>/"
ISSUE = DEFINITION + "<period:period>/"

urlpatterns = [
    path(REPORTS, views.definition_list, name="list"),
    path(REPORTS + "new/", views.definition_new, name="new"),
    path(DEFINITION, views.definition_detail, name="definition"),
    path(DEFINITION + "edit/", views.definition_edit, name="edit"),
    path(DEFINITION + "generate/", views.generate, name="generate"),
    path(ISSUE, views_issue.issue_page, name="issue"),
    path(ISSUE + "commentary/", views_issue.commentary, name="commentary"),
    path(ISSUE + "refresh/", views_issue.refresh, name="refresh"),
    path(ISSUE + "retry/", views_issue.retry, name="retry"),
    path(ISSUE + "publish/", views_issue.publish, name="publish"),
    path(ISSUE + "revise/", views_issue.revise, name="revise"),
    path(ISSUE + "r<int:revision>/<str:edition>.<str:fmt>", views_issue.download, name="file"),
]
