"""The Measurements pages: charts over the chosen period, the way back from the records, the category
filter and the agreed settings (read only but for admins)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from accord.lib import charts
from accord.lib.months import month_range
from accord.measurements import definitions, services
from accord.measurements.models import MonthlyFact
from accord.measurements.selectors import metrics
from accord.operations.models import Repair, Return, SupportTicket
from accord.parties import services as parties
from accord.parties.models import ProductCategory
from tests.measurements.records import add, repair, returned, ship_monthly

TODAY = date(2026, 6, 15)
PAGE = "/r/northwind-telco-a/measurements/"
PERIOD = [
    "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026",
    "May 2026", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026",
]  # fmt: skip
SETTINGS_FIELDS = [
    "frt_major_days", "frt_minor_days", "otd_days_early", "otd_days_late", "repair_sla_days",
    "support_response_critical_h", "support_response_major_h", "support_response_minor_h",
]  # fmt: skip


@pytest.fixture
def data(world: Any) -> Any:
    """Telco A: 1,000 OTX-100 (3.2.1) shipped each month Jan–May 2026, 3 of April's returned in May;
    OTX-100 repairs in April and May 2026; one R900 router (1.2.7) repaired in February 2025 and nothing
    else of routers since; a support ticket about no product in May 2026. Telco B has data of another
    category, 2.1.1."""
    rel, product = world.nw_ta, world.product
    routers = ProductCategory.objects.create(code="1.2.7", name="Routers")
    router = parties.create_product(
        actor=None, supplier=world.northwind, code="NW-R900", name="R900", category=routers
    )
    ship_monthly(rel, product, range(1, 6))
    add(Return, rel, product, returned("R1", date(2026, 5, 3), date(2026, 4, 5), 3))
    add(
        Repair,
        rel,
        product,
        repair("P1", date(2026, 4, 20), date(2026, 5, 4)),
        repair("P2", date(2026, 5, 1), date(2026, 5, 11)),
        repair("OLD", date(2025, 2, 1), date(2025, 2, 20), product=router),
    )
    SupportTicket.objects.create(  # about no product: counted in ALL only
        relationship=rel, ticket_id="T1", severity=2, opened_at=datetime(2026, 5, 4, 9, tzinfo=UTC)
    )
    services.refresh_all(rel, today=TODAY)
    ProductCategory.objects.create(code="2.1.1", name="Switches")
    MonthlyFact.objects.create(
        relationship=world.nw_tb, category="2.1.1", month="2026-05", key="shipped", value=10
    )
    return world


class Elements(HTMLParser):
    """Every element of one tag in a page: its attributes and its text."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag, self._open = tag, 0
        self.found: list[tuple[dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.found.append((dict(attrs), ""))
            self._open += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag and self._open:
            self._open -= 1

    def handle_data(self, data: str) -> None:
        if self._open:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)


def elements(page: str, tag: str) -> list[tuple[dict[str, str | None], str]]:
    parser = Elements(tag)
    parser.feed(page)
    return parser.found


def svg_of(chart: dict[str, Any]) -> ET.Element:
    return ET.fromstring(chart["svg"])


def texts(svg: ET.Element, *, visible_only: bool = False) -> list[str]:
    return [
        t.text or ""
        for t in svg.iter("{http://www.w3.org/2000/svg}text")
        if not visible_only or t.get("opacity") != "0"
    ]


def points(svg: ET.Element) -> list[ET.Element]:
    return [
        p for p in svg.iter("{http://www.w3.org/2000/svg}path") if p.get("aria-roledescription") == "point"
    ]


def breadcrumb(page: str) -> str:
    start = page.index('<nav aria-label="breadcrumb">')
    return page[start : page.index("</nav>", start)]


def chart(response: Any, title: str) -> dict[str, Any]:
    return next(c for c in response.context["charts"] if c["spec"]["title"]["text"] == title)


# --- charts ------------------------------------------------------------------------------------------


def test_every_chart_spans_the_chosen_period_with_one_label_per_month(data: Any, as_user: Any) -> None:
    response = as_user(data.carol).get(f"{PAGE}?start=2025-11&end=2026-10")
    charts = response.context["charts"]
    assert {c["spec"]["title"]["text"] for c in charts} >= {"FR · % per year", "REPAIR · days"}
    # REPAIR has data in April and May only; its axis still runs over the whole period.
    repair = chart(response, "REPAIR · days")
    monthly = [p for p in repair["spec"]["data"]["values"] if p["line"] == "monthly"]
    assert {p["month"] for p in monthly if p["value"] is not None} == {"2026-04", "2026-05"}
    for measure in {p["measure"] for p in monthly}:  # every month of the period, the rest as nulls
        assert [p["month"] for p in monthly if p["measure"] == measure] == month_range("2025-11", "2026-10")
    first = {"year": 2025, "month": 11, "date": 1, "utc": True}
    last = {"year": 2026, "month": 10, "date": 1, "utc": True}
    for c in charts:
        for layer in c["spec"]["layer"]:
            x = layer["encoding"]["x"]
            assert x["scale"]["domain"] == [first, last], c["spec"]["title"]
            assert (x["type"], x["timeUnit"], x["axis"]["format"]) == ("temporal", "utcyearmonth", "%b %Y")
        # As drawn: a tick per month, each labelled once with month and year, in order; labels that would
        # overlap are hidden, never repeated.
        labels = [t for t in texts(svg_of(c)) if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)]
        assert labels == PERIOD, c["spec"]["title"]
        shown = [t for t in texts(svg_of(c), visible_only=True) if t in PERIOD]
        assert shown[0] == "Nov 2025" and len(shown) >= 6
        assert shown == sorted(set(shown), key=PERIOD.index)


def test_a_single_month_sits_in_the_middle_of_its_chart(data: Any, as_user: Any) -> None:
    response = as_user(data.carol).get(f"{PAGE}?start=2026-05&end=2026-05")
    repair = svg_of(chart(response, "REPAIR · days"))
    assert [t for t in texts(repair) if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)] == ["May 2026"]
    xs = {float(re.findall(r"translate\(([\d.]+),", p.get("transform", ""))[0]) for p in points(repair)}
    assert xs == {230.0}  # half of the chart's 460 pixels


def test_partial_values_are_hollow_points_named_in_the_legend(data: Any, as_user: Any) -> None:
    response = as_user(data.carol).get(f"{PAGE}?start=2025-11&end=2026-10")
    fr = chart(response, "FR · % per year")
    # Shipments start in January 2026: May's ERI counts Nov–Apr, so it is partial until June.
    engine = {
        r.month: r.partial
        for r in metrics(data.nw_ta, start="2025-11", end="2026-10", category="ALL")
        if r.measure == "FR.ERI"
    }
    drawn_eri = {
        p["month"]: p["partial"]
        for p in fr["spec"]["data"]["values"]
        if (p["measure"], p["line"]) == ("FR.ERI", "monthly") and p["value"] is not None
    }
    assert drawn_eri == engine
    assert engine["2026-06"] and not engine["2026-07"]
    svg = svg_of(fr)
    drawn = {p.get("aria-label"): p for p in points(svg)}
    may, july = "May 2026 · FR.ERI monthly: 0.90 (partial window)", "Jul 2026 · FR.ERI monthly: 0.00"
    assert may in drawn and july in drawn
    for label, point in drawn.items():
        hollow = point.get("fill") is None and point.get("stroke") is not None
        assert hollow == label.endswith("(partial window)"), label
        title = point.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text == label  # the browser's tooltip
    assert "partial window" in texts(svg)  # the legend
    # Repair turnaround needs only its own month: its monthly values are never partial; its rolling
    # ones are while their 12 months reach before the first repair (February 2025).
    repair_spec = chart(response, "REPAIR · days")["spec"]["data"]["values"]
    assert not any(p["partial"] for p in repair_spec if p["line"] == "monthly")
    assert {p["month"] for p in repair_spec if p["partial"]} == {"2025-11", "2025-12"}
    repair = points(svg_of(chart(response, "REPAIR · days")))
    assert all(p.get("fill") for p in repair if " monthly: " in (p.get("aria-label") or ""))
    assert 'id="partial-legend"' in response.content.decode()


def test_the_legend_names_every_measure_whole_under_a_chart_no_wider_than_its_plot(
    data: Any, as_user: Any
) -> None:
    response = as_user(data.carol).get(f"{PAGE}?start=2025-11&end=2026-10")
    for c in response.context["charts"]:
        svg, title = svg_of(c), c["spec"]["title"]["text"]
        measures = {p["measure"] for p in c["spec"]["data"]["values"]}
        assert measures <= set(texts(svg)), title
        assert not [t for t in texts(svg) if t.endswith("…")], title
        # the key under the plot, however long its labels, makes the chart no wider than it is without
        keyless = c["spec"] | {"config": c["spec"]["config"] | {"legend": {"disable": True}}}
        assert svg.get("width") == ET.fromstring(charts.svg(keyless)).get("width"), title
    repair = texts(svg_of(chart(response, "REPAIR · days")))
    assert "REPAIR.BACKLOG_OLDEST_DAYS" in repair  # cut to "REPAIR.BACKLOG_OLDEST_D…" by Vega-Lite's default


def test_the_rolling_window_is_chosen_on_the_page(data: Any, as_user: Any) -> None:
    response = as_user(data.carol).get(f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3")
    body = response.content.decode()
    assert "Rolling 3 months" in body and "Rolling values pool counts over 3 months" in body
    rolled = {
        r.measure: r for r in metrics(data.nw_ta, start="2026-05", end="2026-05", category="3.2.1", window=3)
    }
    row = next(r for r in response.context["table"] if r["def"].code == "FR.ERI")
    assert row["rolling"] == rolled["FR.ERI"]
    lines = {p["line"] for p in chart(response, "FR · % per year")["spec"]["data"]["values"]}
    assert lines == {"monthly", "rolling 3"}
    # Every pooled ratio and distribution has its rolling line; a count's rolling value is a window's
    # total (tickets opened) or its last month's (backlogs), so it has none.
    drawn = {
        (p["measure"], p["line"]) for c in response.context["charts"] for p in c["spec"]["data"]["values"]
    }
    monthly = {m for m, line in drawn if line == "monthly"}
    assert {m for m, line in drawn if line == "rolling 3"} == {
        m for m in monthly if definitions.measure(m).kind != "count"
    }
    assert {"REPAIR.TAT_MEDIAN", "FR.ERI", "NPR.1"} <= monthly and "REPAIR.BACKLOG" in monthly
    options = elements(body, "option")
    assert [(a["value"], "selected" in a) for a, _t in options if a["value"] in ("3", "12")] == [
        ("3", True),
        ("12", False),
    ]
    # Without a window it is 12 months; a window the page does not offer is refused.
    assert as_user(data.carol).get(f"{PAGE}?start=2026-01&end=2026-05").context["window"] == 12
    refused = as_user(data.carol).get(f"{PAGE}?start=2026-01&end=2026-05&window=5")
    assert refused.context["window"] == 12 and "Select a valid choice" in refused.content.decode()


# --- the records behind the numbers ------------------------------------------------------------------


def test_rolling_values_link_to_the_records_of_every_month_of_their_window(data: Any, as_user: Any) -> None:
    carol = as_user(data.carol)
    response = carol.get(f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3")
    rows = {r["def"].code: r for r in response.context["table"] if not r["severity"]}
    eri = rows["FR.ERI"]
    assert "first=" not in eri["latest_links"]["denominator"]  # May's own records
    link = eri["rolling_links"]["denominator"]
    assert "month=2026-05" in link and "first=2026-03" in link and "window=3" in link
    assert link in response.content.decode().replace("&amp;", "&")
    # ERI's populations of March, April and May: units shipped in Jan–Feb, Jan–Mar and Jan–Apr
    records = carol.get(link)
    assert records.context["total"] == eri["rolling"].denominator == 9000
    months = [cells[0] for cells in records.context["cells"]]
    assert months == ["2026-03"] * 2 + ["2026-04"] * 3 + ["2026-05"] * 4
    body = records.content.decode()
    assert "FR.ERI · 2026-03 … 2026-05 · 3.2.1 Optical transport" in body
    assert "Total quantity: 9000" in body
    # A backlog's rolling value is its last month's: it links to that month's records
    assert "first=" not in rows["REPAIR.BACKLOG"]["rolling_links"]["numerator"]
    # A median lists what it is computed from, and says so
    median = carol.get(rows["REPAIR.TAT_MEDIAN"]["rolling_links"]["denominator"])
    assert [cells[0] for cells in median.context["cells"]] == ["2026-05", "2026-05"]
    assert "The value is the median of these repairs' turnaround days" in html.unescape(
        median.content.decode()
    )


def normalization_units_shown(page: str) -> list[str]:
    found = re.findall(r'data-testid="normalization-unit">(.*?)</div>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in found]


def test_npr_names_its_normalization_units(data: Any, as_user: Any) -> None:
    ProductCategory.objects.filter(code="3.2.1").update(normalization_unit="shelves shipped")
    ProductCategory.objects.filter(code="1.2.7").update(
        normalization_basis="installed", normalization_unit="routers in service"
    )
    carol = as_user(data.carol)
    body = carol.get(f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05").content.decode()
    units = normalization_units_shown(body)
    assert units == ["NU: shelves shipped"] * 3  # NPR.1, NPR.2, NPR.3
    assert '5000</a> <span class="text-body-secondary">shelves shipped</span>' in body
    note = next(t for a, t in elements(body, "p") if a.get("data-testid") == "normalization-units")
    assert "3.2.1: shelves shipped (units shipped in the 12 months ending with M)" in " ".join(note.split())
    # All categories: each category's unit, on its own basis
    body = carol.get(f"{PAGE}?start=2026-01&end=2026-05").content.decode()
    units = normalization_units_shown(body)
    assert set(units) == {"NU: routers in service (1.2.7) + shelves shipped (3.2.1)"}
    note = next(t for a, t in elements(body, "p") if a.get("data-testid") == "normalization-units")
    assert "1.2.7: routers in service (installed units at end of M)" in " ".join(note.split())


# --- the way back from the records -------------------------------------------------------------------


def test_the_records_lead_back_to_the_same_category_period_and_window(data: Any, as_user: Any) -> None:
    carol = as_user(data.carol)
    body = carol.get(f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3").content.decode()
    links = [a["href"] or "" for a, text in elements(body, "a") if "part=numerator" in (a["href"] or "")]
    eri = next(href for href in links if "measure=FR.ERI&" in href)
    assert "start=2026-01" in eri and "end=2026-05" in eri and "window=3" in eri

    records = carol.get(eri)
    assert "R1" in records.content.decode()
    crumbs = elements(breadcrumb(records.content.decode()), "a")
    back = next(a["href"] for a, text in crumbs if text == "Measurements")
    assert back == f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3"
    again = carol.get(back or "")
    assert [again.context[k] for k in ("category", "start", "end", "window")] == [
        "3.2.1",
        "2026-01",
        "2026-05",
        3,
    ]
    # Paging through the records keeps them too.
    assert "start=2026-01" in records.context["query"] and "window=3" in records.context["query"]


def test_the_breadcrumb_names_the_category(data: Any, as_user: Any) -> None:
    url = f"{PAGE}records/?measure=FR.ERI&month=2026-05&category=3.2.1&part=numerator"
    body = as_user(data.vic).get(url).content.decode()
    assert "FR.ERI · 2026-05 · 3.2.1 Optical transport" in body


# --- the category filter -----------------------------------------------------------------------------


def test_the_categories_are_all_first_then_each_with_data_by_code_and_name(data: Any, as_user: Any) -> None:
    body = as_user(data.carol).get(f"{PAGE}?start=2026-01&end=2026-05&category=1.2.7").content.decode()
    select = body[body.index('<select class="form-select" name="category"') :]
    options = [
        (a["value"], text, "selected" in a)
        for a, text in elements(select[: select.index("</select>")], "option")
    ]
    # Routers were repaired in February 2025 only, outside the period, and are listed all the same;
    # Telco B's category is not, nor the ticket's lack of one (it counts in ALL).
    assert MonthlyFact.objects.filter(relationship=data.nw_ta, category="").exists()
    assert options == [
        ("ALL", "All categories (pooled)", False),
        ("1.2.7", "1.2.7 Routers", True),
        ("3.2.1", "3.2.1 Optical transport", False),
    ]
    default = as_user(data.carol).get(f"{PAGE}?start=2026-01&end=2026-05").context["categories"]
    assert default[0] == ("ALL", "All categories (pooled)")


def test_a_relationship_without_data_offers_only_all(world: Any, as_user: Any) -> None:
    response = as_user(world.carol).get(f"{PAGE}?start=2026-01&end=2026-05")
    assert response.context["categories"] == [("ALL", "All categories (pooled)")]
    assert "No measurements for this period yet." in response.content.decode()


# --- the agreed settings -----------------------------------------------------------------------------


def settings_inputs(body: str) -> dict[str, dict[str, str | None]]:
    return {a["name"] or "": a for a, _t in elements(body, "input") if a.get("name") in SETTINGS_FIELDS}


@pytest.mark.parametrize("person", ["carol", "vic", "sam", "val"])
def test_those_who_may_not_change_the_settings_read_them_disabled(
    data: Any, as_user: Any, person: str
) -> None:
    body = as_user(getattr(data, person)).get(f"{PAGE}settings/").content.decode()
    inputs = settings_inputs(body)
    assert sorted(inputs) == sorted(SETTINGS_FIELDS)
    assert all("disabled" in a for a in inputs.values())
    assert inputs["frt_major_days"]["value"] == "30"
    assert "Save and recompute" not in body
    assert [a.get("action") for a, _t in elements(body, "form") if a.get("method") == "post"] == [
        "/accounts/logout/"
    ]  # only the menu's sign-out: no form to send the settings
    note = next(text for a, text in elements(body, "div") if a.get("role") == "note")
    assert " ".join(note.split()) == "Admins of either side change these. Ask Ada Quinn (Northwind Networks)."
    assert any(a["href"] == PAGE and text == "Back to the measurements" for a, text in elements(body, "a"))


def test_carol_cannot_save_the_settings_even_by_hand(data: Any, as_user: Any) -> None:
    response = as_user(data.carol).post(f"{PAGE}settings/", {"version": 1, "frt_major_days": 5})
    assert response.status_code == 403
    assert services.settings_for(data.nw_ta).frt_major_days == 30


def test_ada_changes_the_settings_and_returns_to_the_period_she_came_from(data: Any, as_user: Any) -> None:
    ada = as_user(data.ada)
    page = ada.get(f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3").content.decode()
    link = next(a["href"] or "" for a, text in elements(page, "a") if text == "Agreed thresholds and targets")
    assert link == f"{PAGE}settings/?category=3.2.1&start=2026-01&end=2026-05&window=3"

    body = ada.get(link).content.decode()
    inputs = settings_inputs(body)
    assert sorted(inputs) == sorted(SETTINGS_FIELDS)
    assert not any("disabled" in a for a in inputs.values())
    assert "Save and recompute" in body and "Admins of either side change these." not in body
    back = f"{PAGE}?category=3.2.1&start=2026-01&end=2026-05&window=3"
    assert [a["href"] for a, text in elements(breadcrumb(body), "a")] == [back]

    values = {"version": 1, "frt_major_days": 30, "frt_minor_days": 180, "otd_days_early": 0}
    response = ada.post(link, {**values, "otd_days_late": 0, "repair_sla_days": 14})
    assert response.status_code == 302 and response["Location"] == back
    assert services.settings_for(data.nw_ta).repair_sla_days == 14


def test_the_oldest_open_repair_links_to_the_records_not_by_its_days(data: Any, as_user: Any) -> None:
    """Its number is days; the records behind it are the open repairs: the link says "records"."""
    Repair.objects.create(
        relationship=data.nw_ta, repair_id="P9", product=data.product, received_date=date(2026, 5, 20)
    )
    services.refresh(data.nw_ta, kind="repairs", months={"2026-05"})
    body = as_user(data.carol).get(PAGE + "?start=2026-01&end=2026-05").content.decode()
    row = body[body.index(">REPAIR.BACKLOG_OLDEST_DAYS<") :].split("</tr>")[0]
    links = re.findall(r'<a href="([^"]+)">(?:<span[^>]*>[^<]*</span>)?([^<]+)</a>', row)
    assert [text for _href, text in links] == ["records", "records"]  # latest and rolling
    records = as_user(data.carol).get(html.unescape(links[0][0])).content.decode()
    assert "<td>P9</td>" in records


def test_records_captions_name_the_tolerance_and_the_severity(data: Any, as_user: Any) -> None:
    services.update_settings(actor=data.ada, relationship=data.nw_ta, version=1, otd_days_late=2)
    base = PAGE + "records/?month=2026-05&category=ALL&part=numerator&measure="
    otd = as_user(data.carol).get(base + "OTD.OTI").content.decode()
    assert "agreed: up to 0 days early, 2 days late; earlier only if accepted" in otd
    for measure, severity in (("NPR.2", "major"), ("FRT.3", "minor"), ("OFR.2", "major")):
        page = as_user(data.carol).get(base + measure).content.decode()
        assert f"({severity}, customer-originated, non-duplicate)" in page, measure


def test_an_unknown_category_is_refused_with_a_message(data: Any, as_user: Any) -> None:
    body = as_user(data.carol).get(PAGE + "?category=9.9.9").content.decode()
    assert "There is no TL 9000 product category 9.9.9." in body
    assert 'value="9.9.9"' not in body  # not offered as a choice; the page shows ALL


def test_records_show_iso_dates_and_times_to_the_second_in_the_viewers_zone(data: Any, as_user: Any) -> None:
    SupportTicket.objects.create(
        relationship=data.nw_ta,
        ticket_id="T-7",
        severity=1,
        product=data.product,
        opened_at=datetime(2026, 5, 6, 7, 0, 0, tzinfo=UTC),
        first_response_at=datetime(2026, 5, 6, 7, 20, 15, tzinfo=UTC),
    )
    services.refresh(data.nw_ta, kind="support-tickets", months={"2026-05"})
    data.carol.time_zone = "Europe/Berlin"
    data.carol.save(update_fields=["time_zone"])
    url = PAGE + "records/?measure=SUPPORT.OPENED&month=2026-05&category=ALL&part=numerator"
    body = as_user(data.carol).get(url).content.decode()
    assert "<td>2026-05-06 09:00:00</td>" in body and "<td>2026-05-06 09:20:15</td>" in body
    shipments = as_user(data.carol).get(PAGE + "records/?measure=FR.ERI&month=2026-05&part=denominator")
    assert "<td>2026-01-05</td>" in shipments.content.decode()
