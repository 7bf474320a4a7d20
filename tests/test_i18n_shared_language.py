"""A relationship's language: what both sides share by default is written in it (the agenda and survey
templates it starts from, the report definitions made for it, e-mails to people without an account and
the answer page they open), while each person with an account keeps their own."""

from __future__ import annotations

import io
import re
from typing import Any, get_args

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from accord.accounts.locale import Language
from accord.feedback import services as feedback
from accord.feedback.areas import DEFAULT_AREAS
from accord.feedback.services import Invitee
from accord.meetings import agendas
from accord.meetings import services as meetings
from accord.meetings.models import Kind
from accord.parties import services as parties
from accord.reports import rendering, snapshot
from accord.reports.models import Edition
from tests.feedback.helpers import GRACE, token
from tests.feedback.helpers import access as feedback_access
from tests.feedback.helpers import survey as make_survey
from tests.reports.data import definition, issue, operational_year
from tests.test_pdf_languages import cjk_font_installed


def ja(text: Any) -> str:
    with translation.override("ja"):
        return translation.gettext(str(text))


def es(text: Any) -> str:
    with translation.override("es"):
        return translation.gettext(str(text))


def test_the_api_s_language_codes_are_accord_s_languages() -> None:
    assert list(get_args(Language)) == [code for code, _name in settings.LANGUAGES]


def test_a_relationship_starts_from_templates_in_its_language_whoever_asks_first(world: Any) -> None:
    rel = world.nw_ta
    rel.language = "ja"
    rel.save(update_fields=["language"])
    with translation.override("en"):  # the first to open them reads English: the templates are not theirs
        agenda = meetings.template_for(rel, Kind.QUALITY_REVIEW)
        areas = feedback.current_template(rel)
    expected = [ja(d.title) for d in agendas.DEFAULTS[Kind.QUALITY_REVIEW]]
    assert [i.title for i in agenda.items.order_by("position")] == expected
    assert expected[0] != str(agendas.DEFAULTS[Kind.QUALITY_REVIEW][0].title)  # really translated
    got = list(areas.areas.order_by("position").values_list("title", "question"))
    assert got == [(ja(title), ja(question)) for _key, title, question in DEFAULT_AREAS]
    # another relationship, in English, is untouched by the first one's language
    english = feedback.current_template(world.nw_tb)
    assert english.areas.order_by("position").first().title == str(DEFAULT_AREAS[0][1])


def test_someone_without_an_account_is_invited_and_answers_in_the_language_chosen_for_them(
    world: Any, client: Any
) -> None:
    world.nw_ta.language = "es"
    world.nw_ta.save(update_fields=["language"])
    mail.outbox.clear()
    made = make_survey(world)  # Grace (no account) by e-mail, Carol (a member, no language chosen)
    sent = {m.to[0]: m for m in mail.outbox}
    supplier = world.northwind.name
    assert sent[GRACE].subject.endswith(es("%(supplier)s asks for your feedback") % {"supplier": supplier})
    assert es("Product delivery") in sent[GRACE].body
    assert sent["carol@telco-a.example"].subject.endswith(f"{supplier} asks for your feedback")
    # her link opens the answer page in Spanish, whatever her browser asks for
    page = client.get(f"/f/{token(made)}/", HTTP_ACCEPT_LANGUAGE="ja")
    body = page.content.decode()
    assert page.status_code == 200 and '<html lang="es"' in body
    assert es("Product delivery") in body and es("Submit my feedback") in body
    # the inviter may choose another language for one invitee; an unknown one is the relationship's
    feedback.invite(
        access=feedback_access(world),
        survey=made,
        invitees=[
            Invitee(function="operation", email="kenji@telco-a.example", language="ja"),
            Invitee(function="operation", email="olga@telco-a.example", language="xx"),
        ],
    )
    languages = dict(made.invitations.values_list("email", "language"))
    assert (languages["kenji@telco-a.example"], languages["olga@telco-a.example"]) == ("ja", "es")


def test_a_new_customer_s_first_admin_is_invited_in_the_relationship_s_language(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _party, rel, invitation = parties.create_counterpart(
            actor=world.ada,
            home=world.northwind,
            name="Telco K",
            seat="customer",
            admin_email="admin@telco-k.example",
            language="ko",
        )
    assert (rel.language, invitation.language) == ("ko", "ko")
    (message,) = mail.outbox
    with translation.override("ko"):
        expected = translation.gettext("%(inviter)s invites you to %(target)s on Accord") % {
            "inviter": world.ada.get_full_name(),
            "target": "Telco K",
        }
    assert (
        message.subject == expected
        and expected != f"{world.ada.get_full_name()} invites you to Telco K on Accord"
    )


@pytest.fixture
def year(world: Any) -> Any:
    return operational_year(world)


def test_a_report_is_written_in_its_definition_s_language_for_every_reader(year: Any) -> None:
    with translation.override("en"):  # Ada defines it in English; the customer reads Japanese
        d = definition(year, sections=["returns", "register"], language="ja")
        made = issue(year, d)
    assert made.data["language"] == "ja"
    assert made.data["period_label"] == ja("Q%(quarter)s %(year)s") % {"quarter": "3", "year": "2026"}
    names = {x["code"]: x["name"] for x in made.data["definitions"]}
    assert names["FR.YRR"] == ja("One-year return rate") != "One-year return rate"
    files = {(f.edition, f.format): rendering.read_file(f) for f in made.files.all()}
    html = files[(Edition.CUSTOMER, "html")].decode()
    assert '<html lang="ja">' in html and ja("One-year return rate") in html
    assert ja("At or better than the best in class") in html  # the benchmark's position
    sheets = load_workbook(io.BytesIO(files[(Edition.CUSTOMER, "xlsx")]), read_only=True)
    assert ja("Definitions") in sheets.sheetnames
    cover = [tuple(r) for r in sheets[ja("Report")].iter_rows(values_only=True)]
    assert (ja("Period"), made.data["period_label"]) in cover
    if cjk_font_installed():
        pdf = PdfReader(io.BytesIO(files[(Edition.CUSTOMER, "pdf")]))
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf.pages))
        assert re.sub(r"\s+", "", ja("One-year return rate")) in text
    # a definition without a language takes the relationship's; an unknown one is refused
    year.nw_ta.language = "es"
    year.nw_ta.save(update_fields=["language"])
    assert definition(year, title="Mensual", sections=["register"]).language == "es"
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        definition(year, title="X", sections=["register"], language="fr")
    assert refused.value.message_dict == {"language": ["Choose one of Accord's languages."]}


def test_an_issue_taken_before_languages_renders_in_english(year: Any) -> None:
    d = definition(year, sections=["register"])
    data = snapshot.take(d, "2026-Q3")
    data.pop("language")
    with translation.override("ja"):
        html = rendering.render.html(data, {}, Edition.CUSTOMER, meta={"ref": "RD-1", "revision": 1})
    assert '<html lang="en">' in html


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "7 Dec 2026", "7 Dec 2026 14:30"),
        ("es", "7 de diciembre de 2026", "7 de diciembre de 2026 a las 14:30"),
        ("ja", "2026年12月7日", "2026年12月7日14:30"),
    ],
)
def test_dates_written_out_follow_the_reader_s_language(language: str, day: str, moment: str) -> None:
    from datetime import date, datetime

    from django.template import Context, Template

    page = Template(
        '{{ d|date:"DATE_FORMAT" }}|{{ t|date:"DATETIME_FORMAT" }}|{{ t|date:_("D j M Y, H:i") }}'
    )
    with translation.override(language):
        shown = page.render(Context({"d": date(2026, 12, 7), "t": datetime(2026, 12, 7, 14, 30)}))
        weekday = translation.gettext("D j M Y, H:i")
    assert shown.split("|")[:2] == [day, moment]
    assert (weekday == "D j M Y, H:i") == (language == "en")  # Spanish: "jue 17 dic"; Japanese its own order


def test_pages_name_the_reader_s_side_and_role_in_their_language(world: Any, as_user: Any) -> None:
    world.carol.language = "ja"
    world.carol.save(update_fields=["language"])
    body = as_user(world.carol).get(f"/r/{world.nw_ta.slug}/").content.decode()
    with translation.override("ja"):
        expected = translation.gettext("Customer side · %(role)s") % {"role": translation.gettext("Editor")}
    assert expected in body and "editor" not in body.lower().split("<body", 1)[1]


def test_charts_name_months_and_write_decimals_in_the_reader_s_language() -> None:
    from accord.lib import charts

    spec = {
        "data": {"values": [{"x": "2026-02-01", "y": 0.5}, {"x": "2026-05-01", "y": 2.5}]},
        "mark": "line",
        "encoding": {
            "x": {"field": "x", "type": "temporal", "axis": {"format": "%b %Y"}},
            "y": {"field": "y", "type": "quantitative"},
        },
    }
    drawn = {}
    for language in ("en", "ja", "es"):
        with translation.override(language):
            drawn[language] = charts.svg(spec)
    assert ">Feb 2026<" in drawn["en"] and ">0.5<" in drawn["en"]
    assert ">2月 2026<" in drawn["ja"]
    assert ">feb 2026<" in drawn["es"] and ">0,5<" in drawn["es"]
