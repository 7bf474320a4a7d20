"""Properties of the two layers on random small record sets.

(a) values computed from facts (pooled over categories and rolling windows) equal a brute-force
    recomputation straight from the raw records;
(b) counting month by month and merging equals counting all months at once (incremental recompute
    is exact), and a record's facts only fall in the months ``months_touched_by`` names;
(c) ``ALL`` equals counting with every record's category set to one category.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.lib.months import add_months, month_end, month_of, month_range, next_month_start_utc
from accord.measurements import counting as c
from accord.measurements.engine import ALL, Settings, compute

BASE = date(2008, 1, 1)
DAYS = 3 * 365
CATS = ["a", "b", "c"]
ALL_MONTHS = month_range("2005-01", "2011-06")
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cats = st.sampled_from(CATS)
days = st.integers(0, DAYS).map(lambda n: BASE + timedelta(days=n))
recent = st.integers(0, 440).map(lambda n: date(2009, 10, 1) + timedelta(days=n))  # denser months
sev = st.integers(1, 3)


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def returns(draw: st.DrawFn) -> c.ReturnRec:
    received = draw(days)
    shipped = received - timedelta(days=draw(st.integers(0, 900)))
    return c.ReturnRec(
        draw(cats), received, shipped, draw(st.integers(1, 5)), draw(st.booleans()), draw(st.booleans())
    )


@st.composite
def order_lines(draw: st.DrawFn) -> c.OrderLineRec:
    due = draw(recent)
    near = st.integers(-15, 15).map(lambda n: due + timedelta(days=n))
    return c.OrderLineRec(
        draw(cats), draw(st.integers(1, 4)), due, draw(_opt(near)), draw(_opt(near)),
        draw(_opt(st.integers(0, 5))), draw(st.booleans()),
    )  # fmt: skip


@st.composite
def repairs(draw: st.DrawFn) -> c.RepairRec:
    received = draw(recent)
    return c.RepairRec(
        draw(cats), received, draw(_opt(st.integers(0, 120).map(lambda n: received + timedelta(n))))
    )


@st.composite
def reports(draw: st.DrawFn) -> c.ProblemReportRec:
    received = draw(recent)
    fix = draw(_opt(st.integers(0, 300).map(lambda n: received + timedelta(n))))
    return c.ProblemReportRec(draw(cats), draw(sev), received, fix, draw(st.booleans()), draw(st.booleans()))


@st.composite
def tickets(draw: st.DrawFn) -> c.TicketRec:
    opened = datetime(2009, 10, 1, tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, 440 * 86400)))
    # any second within 72 hours, or exactly a quarter hour (a target's boundary)
    soon = (st.integers(0, 72 * 3600) | st.integers(0, 96).map(lambda q: q * 900)).map(
        lambda s: opened + timedelta(seconds=s)
    )
    later = st.integers(0, 2000 * 3600).map(lambda s: opened + timedelta(seconds=s))
    return c.TicketRec(draw(cats), draw(sev), opened, draw(_opt(soon)), draw(_opt(later)))


@dataclass
class World:
    ships: list[c.ShipmentRec]
    rets: list[c.ReturnRec]
    installed: list[c.InstalledRec]
    lines: list[c.OrderLineRec]
    reps: list[c.RepairRec]
    prs: list[c.ProblemReportRec]
    tix: list[c.TicketRec]
    today: date
    settings: Settings

    def facts(self, months: list[str] = ALL_MONTHS) -> c.Facts:
        s = self.settings
        return c.merge_facts(
            c.count_shipments(self.ships, months),
            c.count_returns(self.rets, months),
            c.count_installed(self.installed, months),
            c.count_order_lines(
                self.lines, months, days_early=s.otd_days_early, days_late=s.otd_days_late, today=self.today
            ),
            c.count_repairs(self.reps, months),
            c.count_problem_reports(self.prs, months, thresholds=s.frt_thresholds, today=self.today),
            c.count_tickets(self.tix, months, targets_h=s.support_response_targets_h),
        )

    def relabel(self, category: str) -> World:
        def one(recs: list[Any]) -> list[Any]:
            return [replace(r, category=category) for r in recs]

        return World(
            one(self.ships), one(self.rets), one(self.installed), one(self.lines), one(self.reps),
            one(self.prs), one(self.tix), self.today, self.settings,
        )  # fmt: skip


def small(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, max_size=20)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    settings_ = Settings(
        frt_thresholds={2: draw(st.integers(0, 60)), 3: draw(st.integers(0, 200))},
        otd_days_early=draw(st.integers(0, 3)),
        otd_days_late=draw(st.integers(0, 3)),
        repair_sla_days=draw(_opt(st.integers(0, 60))),
        support_response_targets_h=draw(
            st.dictionaries(sev, st.integers(0, 24) | st.sampled_from([0.25, 0.5, 1.5]))
        ),
        nu_basis={cat: draw(st.sampled_from(["shipped_12m", "installed"])) for cat in CATS},
    )
    return World(
        draw(small(st.builds(c.ShipmentRec, cats, days, st.integers(1, 50)))),
        draw(small(returns())),
        draw(small(st.builds(c.InstalledRec, cats, days, st.integers(1, 50)))),
        draw(small(order_lines())),
        draw(small(repairs())),
        draw(small(reports())),
        draw(small(tickets())),
        draw(st.integers(0, 500).map(lambda n: date(2010, 6, 1) + timedelta(n))),
        settings_,
    )


# ---------- (a) brute force from raw records
def _hours(start: datetime, end: datetime) -> int:
    return math.floor((end - start).total_seconds() / 3600)


def brute(w: World, group: set[str], month: str, window: int) -> dict[tuple[str, str], Any]:
    """Expected ``(measure, severity)`` -> (num, den) for ratios, observations for distributions, or a
    count, computed straight from the records."""
    s = w.settings
    win = [add_months(month, -k) for k in range(window)]
    out: dict[tuple[str, str], Any] = {}

    def ratio(code: str, num: float, den: float, sev: str = "") -> None:
        n0, d0 = out.get((code, sev), (0, 0))
        out[(code, sev)] = (n0 + num, d0 + den)

    ships = [r for r in w.ships if r.category in group]
    for m in win:
        m1, m6, m7, m18 = (add_months(m, -k) for k in (1, 6, 7, 18))
        rets = [
            r for r in w.rets if r.category in group and not r.excluded and month_of(r.received_date) == m
        ]
        ratio("FR.ERI", sum(r.quantity for r in rets if m6 <= month_of(r.ship_date) <= m),
              sum(x.quantity for x in ships if m6 <= month_of(x.ship_date) <= m1))  # fmt: skip
        ratio("FR.YRR", sum(r.quantity for r in rets if m18 <= month_of(r.ship_date) <= m7),
              sum(x.quantity for x in ships if m18 <= month_of(x.ship_date) <= m7))  # fmt: skip
        ratio("FR.LTR", sum(r.quantity for r in rets if month_of(r.ship_date) < m18),
              sum(x.quantity for x in ships if month_of(x.ship_date) < m18))  # fmt: skip
        ratio("FR.NTF", sum(r.quantity for r in rets if r.ntf), sum(r.quantity for r in rets))
        for code, attr in (("OTD.OTI", "requested_date"), ("OTD.OTIP", "promised_date")):
            lines = on_time = 0
            for line in w.lines:
                due = getattr(line, attr)
                if line.category not in group or due is None or month_of(due) != m:
                    continue
                got = line.quantity if line.delivered_quantity is None else line.delivered_quantity
                if line.delivered_date is not None and got >= line.quantity:
                    diff = (line.delivered_date - due).days
                    lines += 1
                    on_time += -s.otd_days_early <= diff <= s.otd_days_late or (
                        diff < -s.otd_days_early and line.early_accepted
                    )
                elif (w.today - due).days > s.otd_days_late:
                    lines += 1
            ratio(code, on_time, lines)
        for n in (1, 2, 3):
            units = 0
            for cat in group:
                if s.nu_basis[cat] == "installed":
                    units += sum(
                        i.quantity
                        for i in w.installed
                        if i.category == cat and i.in_service_date <= month_end(m)
                    )
                else:
                    units += sum(
                        x.quantity
                        for x in ships
                        if x.category == cat and add_months(m, -11) <= month_of(x.ship_date) <= m
                    )
            npr = [p for p in w.prs if p.category in group and p.customer_originated and not p.duplicate]
            ratio(
                f"NPR.{n}", sum(1 for p in npr if p.severity == n and month_of(p.received_date) == m), units
            )
        for n in (2, 3):
            t = s.frt_thresholds[n]
            reps = [p for p in w.prs if p.category in group and p.customer_originated and not p.duplicate]
            fixed = [
                (p.fix_date - p.received_date).days
                for p in reps
                if p.severity == n and p.fix_date and month_of(p.fix_date) == m
            ]
            ratio(f"FRT.{n}", sum(1 for d in fixed if d <= t), len(fixed))
            overdue = fixed_overdue = 0
            for p in (p for p in reps if p.severity == n):
                last = p.fix_date or w.today
                month_days = [month_end(m) - timedelta(k) for k in range(month_end(m).day)]
                if any(p.received_date + timedelta(t + 1) <= d <= last for d in month_days):
                    overdue += 1
                    fixed_overdue += bool(p.fix_date and month_of(p.fix_date) == m)
            ratio(f"OFR.{n}", fixed_overdue, overdue)
    tats = [
        (r.shipped_date - r.received_date).days
        for r in w.reps
        if r.category in group and r.shipped_date and month_of(r.shipped_date) in win
    ]
    for code in ("REPAIR.TAT_MEAN", "REPAIR.TAT_MEDIAN", "REPAIR.TAT_P90"):
        out[(code, "")] = tats
    if s.repair_sla_days is not None:
        out[("REPAIR.WITHIN_SLA", "")] = (sum(1 for t in tats if t <= s.repair_sla_days), len(tats))
    end = month_end(month)
    open_ = [
        r
        for r in w.reps
        if r.category in group and r.received_date <= end and not (r.shipped_date and r.shipped_date <= end)
    ]
    out[("REPAIR.BACKLOG", "")] = len(open_)
    if open_:
        out[("REPAIR.BACKLOG_OLDEST_DAYS", "")] = max((end - r.received_date).days for r in open_)
    stop = next_month_start_utc(month)
    targets = s.support_response_targets_h
    for sv in ("", "1", "2", "3"):
        tix = [t for t in w.tix if t.category in group and (sv == "" or str(t.severity) == sv)]
        out[("SUPPORT.OPENED", sv)] = sum(1 for t in tix if month_of(t.opened_at) in win)
        out[("SUPPORT.RESOLVED", sv)] = sum(
            1 for t in tix if t.resolved_at and month_of(t.resolved_at) in win
        )
        out[("SUPPORT.BACKLOG", sv)] = sum(
            1 for t in tix if t.opened_at < stop and not (t.resolved_at and t.resolved_at < stop)
        )
        answered = [t for t in tix if t.first_response_at and month_of(t.opened_at) in win]
        out[("SUPPORT.FIRST_RESPONSE_MEDIAN_H", sv)] = [
            _hours(t.opened_at, t.first_response_at) for t in answered
        ]
        out[("SUPPORT.RESOLUTION_MEDIAN_H", sv)] = [
            _hours(t.opened_at, t.resolved_at)
            for t in tix
            if t.resolved_at and month_of(t.resolved_at) in win
        ]
        if targets and (sv == "" or int(sv) in targets):
            timed = [t for t in answered if t.severity in targets]
            out[("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", sv)] = (
                sum(
                    1
                    for t in timed
                    if t.first_response_at - t.opened_at <= timedelta(hours=targets[t.severity])
                ),
                len(timed),
            )
    return out  # fmt: skip


FACTOR = {"FR.ERI": 1200, "FR.YRR": 1200, "FR.LTR": 1200, "NPR.1": 12, "NPR.2": 12, "NPR.3": 12}


def check(expected: dict[tuple[str, str], Any], got: dict[tuple[str, str], Any]) -> None:
    for (code, sv), exp in expected.items():
        row = got.get((code, sv))
        if isinstance(exp, tuple):
            num, den = exp
            if num == 0 and den == 0:
                assert row is None, (code, sv)
                continue
            assert row is not None, (code, sv, exp)
            assert (row.numerator, row.denominator) == (pytest.approx(num), pytest.approx(den)), (code, sv)
            assert row.value == (pytest.approx(FACTOR.get(code, 100) * num / den) if den else None), (
                code,
                sv,
            )
        elif isinstance(exp, list):
            if not exp:
                assert row is None, (code, sv)
                continue
            assert row is not None, (code, sv)
            ordered = sorted(exp)
            want = {
                "MEAN": statistics.mean(exp),
                "P90": ordered[math.ceil(0.9 * len(exp)) - 1],
            }.get(code.rsplit("_", 1)[-1], statistics.median(exp))
            assert row.value == pytest.approx(want), (code, sv, exp)
            assert row.denominator == len(exp)
        else:
            if row is not None:
                assert row.value == exp, (code, sv)
            else:
                assert exp == 0, (code, sv, exp)  # a count row may be absent only when it is 0
    extra = {k for k in got if k not in expected}
    assert not extra, extra


@PROPS
@given(worlds(), st.sampled_from([1, 3, 12]), st.sampled_from(["2009-02", "2010-01", "2010-06", "2010-11"]))
def test_values_from_facts_equal_brute_force_from_records(w: World, window: int, month: str) -> None:
    values = compute(w.facts(), months=[month], categories=CATS, settings=w.settings, window=window)
    for label, group in [*((cat, {cat}) for cat in CATS), (ALL, set(CATS))]:
        got = {(v.measure, v.severity): v for v in values if v.category == label and v.month == month}
        assert all(v.window == window for v in got.values())
        check(brute(w, group, month, window), got)


# ---------- (b) incremental counting is exact
@PROPS
@given(worlds(), st.sets(st.sampled_from(month_range("2008-01", "2011-06")), min_size=1, max_size=8))
def test_counting_month_by_month_equals_counting_all_months(w: World, months: set[str]) -> None:
    at_once = w.facts(sorted(months))
    one_by_one = c.merge_facts(*(w.facts([m]) for m in months))
    assert one_by_one == at_once
    assert {k[1] for k in at_once} <= months


@PROPS
@given(worlds())
def test_a_records_facts_fall_only_in_the_months_it_touches(w: World) -> None:
    months = month_range("2005-01", month_of(w.today))
    kw = {"today": w.today, "thresholds": w.settings.frt_thresholds}
    single = World([], [], [], [], [], [], [], w.today, w.settings)
    for kind, field, recs in (
        ("shipments", "ships", w.ships), ("returns", "rets", w.rets),
        ("installed-base", "installed", w.installed), ("order-lines", "lines", w.lines),
        ("repairs", "reps", w.reps), ("problem-reports", "prs", w.prs), ("support-tickets", "tix", w.tix),
    ):  # fmt: skip
        for rec in recs:
            facts = replace(single, **{field: [rec]}).facts(months)
            assert {k[1] for k in facts} <= c.months_touched_by(kind, rec, **kw), (kind, rec)


# ---------- (c) ALL is one pooled category
@PROPS
@given(worlds(), st.sampled_from([1, 3, 12]))
def test_all_equals_counting_everything_as_one_category(w: World, window: int) -> None:
    w = replace(w, settings=replace(w.settings, nu_basis={}))
    months = ["2009-06", "2010-03", "2010-09"]
    pooled = compute(w.facts(), months=months, categories=CATS, settings=w.settings, window=window)
    merged = compute(
        w.relabel("one").facts(), months=months, categories=["one"], settings=w.settings, window=window
    )
    got = {(v.measure, v.month, v.severity): v for v in pooled if v.category == ALL}
    want = {(v.measure, v.month, v.severity): v for v in merged if v.category == "one"}
    assert got.keys() == want.keys()
    for key, v in want.items():
        g = got[key]
        assert (g.numerator, g.denominator) == (pytest.approx(v.numerator), pytest.approx(v.denominator)), key
        assert g.value == (None if v.value is None else pytest.approx(v.value)), key
