"""The words of the reports' demo (``reports.demo``): who asked for which report, and the commentary the
supplier writes on each issue. The commentary is built from the issue's own snapshot (and, for a cause,
from the operational records behind it), so every number it quotes is one the report shows and every
"rose" or "fell" is what the numbers did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.measurements import definitions, engine
from accord.reports import render
from accord.reports.models import Benchmarks, Period, Section

TELCO_A, TELCO_B, PHOTON = "northwind-telco-a", "northwind-telco-b", "photon-northwind"


@dataclass(frozen=True)
class Spec:
    slug: str
    title: str
    period: str
    sections: tuple[str, ...]
    editor: str  # the supplier's person who defines, comments and publishes
    recipients: tuple[str, ...]  # the customer's members it goes to
    published: int  # issues published (a year of them)
    after_days: int  # generated this many days after the period ends
    review_days: int  # days the editor takes to write the commentary and publish
    draft: bool = False  # the latest period waits as a draft for the editor's commentary
    categories: tuple[str, ...] = ()  # () = ALL and each category with data
    benchmarks: str = Benchmarks.POSITION
    corrected: bool = False  # one issue corrected by a second revision
    extra: dict[str, Any] = field(default_factory=dict)


SPECS = (
    # Telco A asked for everything, every quarter, with the benchmarks' position (Northwind's licence
    # keeps the values from customers); its quality people read it
    Spec(
        TELCO_A,
        "Quarterly quality report",
        Period.QUARTERLY,
        tuple(s.value for s in Section),
        editor="ada",
        recipients=("carol", "tom"),
        published=4,
        after_days=5,
        review_days=8,
        draft=True,
        corrected=True,
    ),
    # Telco B's operations follow returns, deliveries and support month by month
    Spec(
        TELCO_B,
        "Monthly returns, delivery and support",
        Period.MONTHLY,
        (Section.RETURNS, Section.DELIVERY, Section.SUPPORT),
        editor="sam",
        recipients=("mallory", "ben"),
        published=12,
        after_days=3,
        review_days=2,
        benchmarks=Benchmarks.NONE,
    ),
    # the symmetric relationship: Photon reports to Northwind, whose quality people receive it
    Spec(
        PHOTON,
        "Quarterly supplier quality report: optical components",
        Period.QUARTERLY,
        (Section.RETURNS, Section.DELIVERY),
        editor="ines",
        recipients=("ada", "lena"),
        published=4,
        after_days=7,
        review_days=4,
        benchmarks=Benchmarks.NONE,
    ),
)

BAD_PRODUCT = "NW-OTX-TP4"
BAD_NAME = "OTX 400G transponder cards (NW-OTX-TP4)"
BAD_AT_LEAST = 3  # returns with the defect's alarm in a period that make it the period's story
FIRST_CAUSE = (
    "Our first analysis points to the cards' fan control firmware; a firmware update is being prepared."
)
FOUND_CAUSE = (
    "The failure analysis found the cause: a batch of DSP heat-sink pads from one sub-supplier that "
    "lost contact under load (not the firmware first suspected). Cards from that batch are replaced "
    "under warranty, and incoming inspection now checks the pads."
)
CORRECTION = (
    "The returns commentary named the card firmware as the cause of the transponder card returns; the "
    "failure analysis found a defective heat-sink component instead. The numbers are unchanged."
)


# --- reading the snapshot -------------------------------------------------------------------------------


def block(data: dict[str, Any], section: str, category: str = engine.ALL) -> dict[str, Any] | None:
    blocks = data["sections"].get(section, {}).get("categories", [])
    found = [b for b in blocks if b["category"] == category] or blocks[:1]
    return found[0] if found else None


def value(b: dict[str, Any] | None, code: str, key: str = "period") -> float | None:
    if b is None:
        return None
    row = b[key].get(code)
    return None if row is None else row[5]


def shown(code: str, v: float | None) -> str:
    """As the report prints it, with its unit."""
    unit = definitions.measure(code).unit
    text = render.number(v, code)
    return f"{text} %" if unit.startswith("%") else f"{text} {unit}" if unit != "count" else text


def moved(code: str, now: float | None, before: float | None) -> str:
    """ "rose from A to B", "fell from A to B" or "held at B", by the numbers as printed."""
    if now is None:
        return ""
    if before is None or render.number(now, code) == render.number(before, code):
        return f"held at {shown(code, now)}"
    word = "rose" if now > before else "fell"
    return f"{word} from {shown(code, before)} to {shown(code, now)}"


def better(code: str, now: float | None, before: float | None) -> bool | None:
    if now is None or before is None or render.number(now, code) == render.number(before, code):
        return None
    return (now < before) if definitions.measure(code).direction == "lower" else (now > before)


# --- the commentary ------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the operational records say about a period, beyond the snapshot's numbers."""

    word: str  # "quarter" or "month"
    bad: int  # returns of the defective transponder cards with the defect's alarm in the period
    bad_before: int  # the same in the previous period
    holiday_late: int  # order lines asked for in the year-end holidays and delivered late
    holiday_late_before: int  # the same in the previous period
    cause_known: bool  # the failure analysis has found the cause by the time of this issue


def returns_text(data: dict[str, Any], facts: Facts) -> str:
    b = block(data, Section.RETURNS)
    code = max(
        ("FR.ERI", "FR.YRR"),
        key=lambda c: abs((value(b, c) or 0) - (value(b, c, "previous") or 0)),
    )
    now, before = value(b, code), value(b, code, "previous")
    if now is None:
        return ""
    name = definitions.measure(code).name.lower()
    change = moved(code, now, before)
    if facts.bad >= BAD_AT_LEAST:
        cause = FOUND_CAUSE if facts.cause_known else FIRST_CAUSE
        lead = (
            f"The {name} ({code}) {change}"
            if better(code, now, before) is False
            else (f"The {name} ({code}) {change}, but the {facts.word} had a defect")
        )
        return (
            f"{lead}: {facts.bad} {BAD_NAME} came back resetting with a DSP over-temperature alarm. {cause}"
        )
    if facts.bad_before >= BAD_AT_LEAST and better(code, now, before):
        return (
            f"The {name} ({code}) {change}: the transponder cards with the new heat-sink pads no longer "
            "come back with the over-temperature alarm."
        )
    if better(code, now, before) is False:
        return f"The {name} ({code}) {change}."
    return f"Return rates stayed low: the {name} ({code}) {change}."


def delivery_text(data: dict[str, Any], facts: Facts) -> str:
    b = block(data, Section.DELIVERY)
    now, before = value(b, "OTD.OTI"), value(b, "OTD.OTI", "previous")
    if now is None:
        return ""
    change = moved("OTD.OTI", now, before)
    promised = value(b, "OTD.OTIP")
    tail = f" (to the promised date: {shown('OTD.OTIP', promised)})" if promised is not None else ""
    if facts.holiday_late and better("OTD.OTI", now, before) is False:
        return (
            f"On-time delivery to the requested date {change}{tail}: {facts.holiday_late} order lines "
            "requested between 18 December and 10 January arrived late, when the carriers and our "
            "warehouse ran on holiday staffing. We now ask for the year-end orders by the end of November."
        )
    if facts.holiday_late_before and better("OTD.OTI", now, before):
        return f"On-time delivery to the requested date {change}{tail}, back up after the holidays."
    return f"On-time delivery to the requested date {change}{tail}."


def repair_text(data: dict[str, Any], facts: Facts) -> str:
    b = block(data, Section.REPAIR)
    within, median = value(b, "REPAIR.WITHIN_SLA"), value(b, "REPAIR.TAT_MEDIAN")
    if within is None or median is None:
        return ""
    return (
        f"{shown('REPAIR.WITHIN_SLA', within)} of the repairs came back within the agreed 14 days; the "
        f"median turnaround was {shown('REPAIR.TAT_MEDIAN', median)}. The slow ones waited for parts at "
        "the Austin depot."
    )


def problems_text(data: dict[str, Any], facts: Facts) -> str:
    b = block(data, Section.PROBLEMS)
    frt, frt_before = value(b, "FRT.3"), value(b, "FRT.3", "previous")
    if frt is None:
        return ""
    text = f"Fixes of minor problem reports on time (FRT.3) {moved('FRT.3', frt, frt_before)}."
    if frt < 90:
        text += (
            " Minor fixes still fall behind the critical and major ones: we bundle them into the "
            "quarterly maintenance release, which is how the backlog built up, and are moving them to a "
            "monthly patch train."
        )
    return text


def support_text(data: dict[str, Any], facts: Facts) -> str:
    b = block(data, Section.SUPPORT)
    opened = value(b, "SUPPORT.OPENED")
    if opened is None:
        return ""
    text = f"Support opened {shown('SUPPORT.OPENED', opened)} tickets"
    within = value(b, "SUPPORT.FIRST_RESPONSE_WITHIN_SLA")
    median = value(b, "SUPPORT.FIRST_RESPONSE_MEDIAN_H")
    if within is not None:
        code = "SUPPORT.FIRST_RESPONSE_WITHIN_SLA"
        return f"{text}; first responses within target {moved(code, within, value(b, code, 'previous'))}."
    if median is not None:
        before = value(b, "SUPPORT.FIRST_RESPONSE_MEDIAN_H", "previous")
        return (
            f"{text}; the median first response {moved('SUPPORT.FIRST_RESPONSE_MEDIAN_H', median, before)}."
        )
    return f"{text}."


def register_text(data: dict[str, Any], facts: Facts) -> str:
    r = data["sections"].get(Section.REGISTER)
    if not r:
        return ""
    return (
        f"{r['opened']} action items were opened and {r['closed']} closed in the {facts.word}; "
        f"{r['open_at_end']} were open at its end, {r['overdue_at_end']} of them overdue."
    )


def expectations_text(data: dict[str, Any], facts: Facts) -> str:
    e = data["sections"].get(Section.EXPECTATIONS)
    if not e or not e["headline"]["assessed"]:
        return ""
    h = e["headline"]
    return (
        f"{h['met']} of the {h['assessed']} assessed expectations were met; {h['open_gaps']} gaps are "
        "open, each with its action plan in the register."
    )


def meetings_text(data: dict[str, Any], facts: Facts) -> str:
    m = data["sections"].get(Section.MEETINGS)
    if not m or not m["held"]:
        return ""
    n = len(m["held"])
    return f"We met {n} time{'s' if n > 1 else ''} in the {facts.word}; the minutes are in the portal."


WRITERS = {
    Section.RETURNS: returns_text,
    Section.DELIVERY: delivery_text,
    Section.REPAIR: repair_text,
    Section.PROBLEMS: problems_text,
    Section.SUPPORT: support_text,
    Section.REGISTER: register_text,
    Section.EXPECTATIONS: expectations_text,
    Section.MEETINGS: meetings_text,
}


def overall_text(data: dict[str, Any], facts: Facts) -> str:
    period = data["period_label"]
    if facts.bad >= BAD_AT_LEAST:
        return (
            f"{period} was dominated by the transponder card returns ({facts.bad} cards with the same "
            "alarm); the sections below give the numbers and what we are doing about them."
        )
    if facts.holiday_late:
        return f"{period}: a good {facts.word} but for deliveries over the year-end holidays."
    return f"{period}: a steady {facts.word}; the numbers are below, with our notes where they moved."


def commentary(data: dict[str, Any], facts: Facts) -> dict[str, str]:
    """The supplier's commentary of an issue: an overall summary and a note per section it can support."""
    out = {"overall": overall_text(data, facts)}
    for key in data["order"]:
        text = WRITERS[Section(key)](data, facts)
        if text:
            out[key] = text
    return out
