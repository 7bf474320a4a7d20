"""Layer 2: facts -> measure values, with hand-computed golden cases."""

from __future__ import annotations

from datetime import date

import pytest

from accord.lib.months import add_months, month_range, months_between
from accord.measurements.counting import (
    Facts,
    ReturnRec,
    ShipmentRec,
    count_returns,
    count_shipments,
    merge_facts,
)
from accord.measurements.definitions import CODES, FRT_DEFAULT_THRESHOLDS, MEASURES
from accord.measurements.engine import ALL, Settings, Value, compute, round_value

M = "2010-01"
S = Settings()


def rows(
    facts: Facts, months: list[str] | str = M, categories: tuple[str, ...] = ("a",), **kw: object
) -> dict:
    """``{(measure, category, month, severity): Value}``."""
    months = [months] if isinstance(months, str) else months
    kw.setdefault("settings", S)
    values = compute(facts, months=months, categories=list(categories), **kw)  # type: ignore[arg-type]
    return {(v.measure, v.category, v.month, v.severity): v for v in values}


def one(
    facts: Facts, measure: str, category: str = "a", month: str = M, severity: str = "", **kw: object
) -> Value:
    return rows(facts, month, **kw)[(measure, category, month, severity)]


def test_definitions_hold_exactly_the_documented_codes() -> None:
    documented = [
        "FR.ERI",
        "FR.YRR",
        "FR.LTR",
        "FR.NTF",
        "OTD.OTI",
        "OTD.OTIP",
        "REPAIR.TAT_MEAN",
        "REPAIR.TAT_MEDIAN",
        "REPAIR.TAT_P90",
        "REPAIR.WITHIN_SLA",
        "REPAIR.BACKLOG",
        "NPR.1",
        "NPR.2",
        "NPR.3",
        "FRT.2",
        "FRT.3",
        "OFR.2",
        "OFR.3",
        "SUPPORT.OPENED",
        "SUPPORT.RESOLVED",
        "SUPPORT.BACKLOG",
        "SUPPORT.FIRST_RESPONSE_MEDIAN_H",
        "SUPPORT.RESOLUTION_MEDIAN_H",
        "SUPPORT.FIRST_RESPONSE_WITHIN_SLA",
    ]
    assert list(CODES) == documented
    assert dict(FRT_DEFAULT_THRESHOLDS) == {2: 30, 3: 180}
    for m in MEASURES.values():
        assert m.direction in ("lower", "higher", "none") and m.family in m.code and m.unit and m.definition


# ---------- FR
FR_FACTS: Facts = {
    ("a", M, "returns", "2009-10"): 153,
    ("a", "2009-10", "shipped", ""): 57288,
    ("a", M, "returns", "2009-01"): 163,
    ("a", "2009-01", "shipped", ""): 99626,
    ("a", M, "returns", "2007-05"): 39,
    ("a", "2007-05", "shipped", ""): 30000,
}


def test_the_quest_forum_fr_worked_example_from_facts() -> None:
    got = rows(FR_FACTS)
    for code, num, den, shown in (
        ("FR.ERI", 153, 57288, 3.20),
        ("FR.YRR", 163, 99626, 1.96),
        ("FR.LTR", 39, 30000, 1.56),
    ):
        v = got[(code, "a", M, "")]
        assert (v.numerator, v.denominator) == (num, den)
        assert v.value == pytest.approx(1200 * num / den)
        assert round_value(v.value, code) == shown
    assert round_value(got[("FR.ERI", ALL, M, "")].value, "FR.ERI") == 3.20


def fr_records() -> tuple[list[ShipmentRec], list[ReturnRec]]:
    """Records that give the worked example's counts for January 2010."""
    d = date
    ships = [ShipmentRec("a", d(2009, mo, 15), 9548) for mo in range(7, 13)]  # M-1..M-6: 57,288
    ships += [ShipmentRec("a", d(2010, 1, 10), 4000)]  # M itself: not in ERI's population
    ships += [ShipmentRec("a", d(2008, 7, 1), 49813), ShipmentRec("a", d(2009, 6, 30), 49813)]  # M-18, M-7
    ships += [ShipmentRec("a", d(2008, 6, 30), 20000), ShipmentRec("a", d(2005, 3, 3), 10000)]  # before M-18
    rets = [
        ReturnRec("a", d(2010, 1, 20), d(2010, 1, 10), 3),  # shipped in M
        ReturnRec("a", d(2010, 1, 20), d(2009, 7, 15), 100),  # M-6
        ReturnRec("a", d(2010, 1, 21), d(2009, 12, 15), 50, ntf=True),
        ReturnRec("a", d(2010, 1, 5), d(2009, 6, 30), 160),  # M-7
        ReturnRec("a", d(2010, 1, 5), d(2008, 7, 1), 3),  # M-18
        ReturnRec("a", d(2010, 1, 6), d(2008, 6, 30), 30),  # M-19
        ReturnRec("a", d(2010, 1, 6), d(2005, 3, 3), 9),
        ReturnRec("a", d(2010, 1, 7), d(2009, 9, 1), 500, excluded=True),  # retrofit
        ReturnRec("a", d(2010, 2, 1), d(2009, 9, 15), 70),  # received in February
    ]
    return ships, rets


def test_the_worked_example_from_records() -> None:
    ships, rets = fr_records()
    months = month_range("2005-01", "2010-02")
    facts = merge_facts(count_shipments(ships, months), count_returns(rets, months))
    got = rows(facts)
    assert [(got[(c, "a", M, "")].numerator, got[(c, "a", M, "")].denominator) for c in CODES[:3]] == [
        (153, 57288),
        (163, 99626),
        (39, 30000),
    ]
    assert [round_value(got[(c, "a", M, "")].value, c) for c in CODES[:3]] == [3.20, 1.96, 1.56]
    ntf = got[("FR.NTF", "a", M, "")]
    assert (ntf.numerator, ntf.denominator) == (50, 355)


def test_each_ship_month_window_boundary() -> None:
    facts: Facts = {
        ("a", M, "returns", shipped): n
        for shipped, n in ((M, 1), (add_months(M, -6), 2), (add_months(M, -7), 4), (add_months(M, -18), 8))
    }
    facts[("a", M, "returns", add_months(M, -19))] = 16
    facts[("a", M, "returns", add_months(M, 1))] = 32  # bad data: shipped after it came back
    got = rows(facts)
    assert got[("FR.ERI", "a", M, "")].numerator == 3
    assert got[("FR.YRR", "a", M, "")].numerator == 12
    assert got[("FR.LTR", "a", M, "")].numerator == 16
    assert got[("FR.NTF", "a", M, "")].denominator == 63


def test_a_zero_denominator_gives_no_value_not_zero() -> None:
    v = one({("a", M, "returns", "2009-12"): 2}, "FR.ERI")
    assert (v.numerator, v.denominator, v.value) == (2, 0, None)
    v = one(
        {("a", M, "otd_lines", "crd"): 0.0, ("a", M, "ofr_fixed", "2"): 0, ("a", M, "npr", "1"): 1}, "NPR.1"
    )
    assert v.value is None
    assert rows({}) == {}


# ---------- OTD, ALL, windows
def test_all_pools_counts_not_the_mean_of_category_values() -> None:
    facts: Facts = {
        ("a", M, "otd_lines", "crd"): 1,
        ("a", M, "otd_on_time", "crd"): 1,
        ("b", M, "otd_lines", "crd"): 3,
        ("b", M, "otd_on_time", "crd"): 1,
        ("c", M, "otd_lines", "crd"): 100,  # not a requested category
    }
    got = rows(facts, categories=("a", "b"))
    assert got[("OTD.OTI", "a", M, "")].value == 100
    assert got[("OTD.OTI", "b", M, "")].value == pytest.approx(100 / 3)
    pooled = got[("OTD.OTI", ALL, M, "")]
    assert (pooled.numerator, pooled.denominator, pooled.value) == (2, 4, 50)
    assert ("OTD.OTIP", "a", M, "") not in got


def test_rolling_windows_pool_numerators_and_denominators() -> None:
    facts: Facts = {}
    for i, (on_time, lines) in enumerate([(1, 1), (0, 9), (5, 10)] + [(1, 2)] * 9):
        m = add_months(M, -i)
        facts[("a", m, "otd_on_time", "crd")] = on_time
        facts[("a", m, "otd_lines", "crd")] = lines
    three = one(facts, "OTD.OTI", window=3)
    assert (three.numerator, three.denominator, three.window) == (6, 20, 3)
    assert three.value == pytest.approx(30.0)  # not the mean of 100, 0 and 50
    twelve = one(facts, "OTD.OTI", window=12)
    assert (twelve.numerator, twelve.denominator, twelve.value) == (15, 38, pytest.approx(1500 / 38))


def test_fr_windows_pool_each_months_own_windows() -> None:
    facts: Facts = {
        ("a", "2009-12", "returns", "2009-11"): 1,
        ("a", M, "returns", "2009-12"): 2,
        ("a", "2009-11", "shipped", ""): 100,
        ("a", "2009-12", "shipped", ""): 50,
    }
    v = one(facts, "FR.ERI", window=3)
    # December: 1 return / 100 (Nov); January: 2 returns / 150 (Nov + Dec); November: population 0
    assert (v.numerator, v.denominator) == (3, 250)


# ---------- repairs
def test_repair_turnaround_mean_median_p90_and_sla() -> None:
    tats = [1, 2, 2, 3, 5, 8, 9, 10, 12, 30]
    facts: Facts = {}
    for t in tats:
        key = ("a", M, "repair_tat", str(t))
        facts[key] = facts.get(key, 0) + 1
    got = rows(facts)
    mean = got[("REPAIR.TAT_MEAN", "a", M, "")]
    assert (mean.numerator, mean.denominator, mean.value) == (82, 10, 8.2)
    assert got[("REPAIR.TAT_MEDIAN", "a", M, "")].value == 6.5  # (5 + 8) / 2
    assert got[("REPAIR.TAT_P90", "a", M, "")].value == 12  # nearest rank: 9th of 10
    assert ("REPAIR.WITHIN_SLA", "a", M, "") not in got
    sla = one(facts, "REPAIR.WITHIN_SLA", settings=Settings(repair_sla_days=5))
    assert (sla.numerator, sla.denominator, sla.value) == (5, 10, 50)


def test_repair_backlog_is_a_count_and_its_window_value_is_the_last_month() -> None:
    facts: Facts = {
        ("a", "2009-12", "repair_backlog", ""): 7,
        ("a", "2009-12", "repair_backlog_oldest", ""): 40,
        ("a", M, "repair_backlog", ""): 2,
        ("a", M, "repair_backlog_oldest", ""): 12,
        ("b", M, "repair_backlog", ""): 3,
        ("b", M, "repair_backlog_oldest", ""): 30,
    }
    got = rows(facts, categories=("a", "b"), window=3)
    v = got[("REPAIR.BACKLOG", "a", M, "")]
    assert (v.numerator, v.denominator, v.value) == (2, None, 2)
    assert got[("REPAIR.BACKLOG_OLDEST_DAYS", "a", M, "")].value == 12
    assert got[("REPAIR.BACKLOG", ALL, M, "")].value == 5  # sum over categories
    assert got[("REPAIR.BACKLOG_OLDEST_DAYS", ALL, M, "")].value == 30  # max over categories
    assert ("REPAIR.TAT_MEAN", "a", M, "") not in got


# ---------- NPR
def test_npr_normalizes_by_shipped_12m_or_installed_and_all_pools_both() -> None:
    facts: Facts = {("a", add_months(M, -i), "shipped", ""): 100 for i in range(13)}  # M-12 is outside
    facts |= {
        ("a", M, "npr", "2"): 3,
        ("b", M, "npr", "2"): 1,
        ("b", M, "installed", ""): 400,
        ("b", M, "shipped", ""): 5,
    }
    settings = Settings(nu_basis={"b": "installed"})
    got = rows(facts, categories=("a", "b"), settings=settings)
    a, b, pooled = (got[("NPR.2", c, M, "")] for c in ("a", "b", ALL))
    assert (a.numerator, a.denominator, a.value) == (3, 1200, 12 * 3 / 1200)
    assert (b.numerator, b.denominator, b.value) == (1, 400, 12 * 1 / 400)
    assert (pooled.numerator, pooled.denominator) == (4, 1600)
    assert pooled.value == pytest.approx(12 * 4 / 1600)
    assert got[("NPR.1", "a", M, "")].value == 0
    with pytest.raises(ValueError):
        rows(facts, settings=Settings(nu_basis={"a": "sold"}))


# ---------- FRT, OFR
def test_frt_uses_the_thresholds_and_has_no_critical_measure() -> None:
    facts: Facts = {
        ("a", M, "fix_days", "2:30"): 3,
        ("a", M, "fix_days", "2:31"): 1,
        ("a", M, "fix_days", "3:200"): 1,
        ("a", M, "fix_days", "1:1"): 5,
    }
    got = rows(facts)
    frt2 = got[("FRT.2", "a", M, "")]
    assert (frt2.numerator, frt2.denominator, frt2.value) == (3, 4, 75)
    assert got[("FRT.3", "a", M, "")].value == 0
    assert not any(k[0].endswith(".1") and k[0].startswith("FRT") for k in got)
    strict = one(facts, "FRT.2", settings=Settings(frt_thresholds={2: 10, 3: 365}))
    assert strict.value == 0
    assert one(facts, "FRT.3", settings=Settings(frt_thresholds={2: 10, 3: 365})).value == 100


def test_ofr_is_fixed_over_overdue() -> None:
    facts: Facts = {
        ("a", M, "ofr_overdue", "3"): 4,
        ("a", M, "ofr_fixed", "3"): 1,
        ("a", M, "ofr_overdue", "2"): 2,
    }
    got = rows(facts)
    assert got[("OFR.3", "a", M, "")].value == 25
    assert got[("OFR.2", "a", M, "")].value == 0


# ---------- SUPPORT
SUPPORT_FACTS: Facts = {
    ("a", M, "support_opened", "1"): 2,
    ("a", M, "support_opened", "2"): 3,
    ("a", M, "support_backlog", "2"): 4,
    ("a", M, "support_resolved", "1"): 1,
    ("a", M, "support_first_response", "1:0"): 1,
    ("a", M, "support_first_response", "1:3"): 1,
    ("a", M, "support_first_response", "2:5"): 3,
    ("a", M, "support_first_within", "1"): 1,  # counted with a 1 h target for critical tickets
    ("a", M, "support_resolution", "1:10"): 1,
}


def test_support_rows_per_severity_and_pooled() -> None:
    got = rows(SUPPORT_FACTS)
    assert got[("SUPPORT.OPENED", "a", M, "1")].value == 2
    assert got[("SUPPORT.OPENED", "a", M, "")].value == 5
    assert got[("SUPPORT.RESOLVED", "a", M, "2")].value == 0
    assert got[("SUPPORT.BACKLOG", "a", M, "")].value == 4
    assert got[("SUPPORT.FIRST_RESPONSE_MEDIAN_H", "a", M, "1")].value == 1.5
    assert got[("SUPPORT.FIRST_RESPONSE_MEDIAN_H", "a", M, "")].value == 5
    assert got[("SUPPORT.RESOLUTION_MEDIAN_H", "a", M, "")].value == 10
    assert ("SUPPORT.RESOLUTION_MEDIAN_H", "a", M, "2") not in got
    assert not any(k[0] == "SUPPORT.FIRST_RESPONSE_WITHIN_SLA" for k in got)
    assert all(v.severity == "" for k, v in got.items() if not k[0].startswith("SUPPORT"))


def test_first_response_within_target_only_for_severities_with_a_target() -> None:
    got = rows(SUPPORT_FACTS, settings=Settings(support_response_targets_h={1: 1}))
    sev1 = got[("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "a", M, "1")]
    assert (sev1.numerator, sev1.denominator, sev1.value) == (1, 2, 50)
    pooled = got[("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "a", M, "")]
    assert (pooled.numerator, pooled.denominator) == (1, 2)
    assert ("SUPPORT.FIRST_RESPONSE_WITHIN_SLA", "a", M, "2") not in got
    # within = strictly less than the target in whole hours: 3 hours is not within a 3-hour target
    assert one(SUPPORT_FACTS, "SUPPORT.FIRST_RESPONSE_WITHIN_SLA", severity="1",
               settings=Settings(support_response_targets_h={1: 3})).numerator == 1  # fmt: skip


def test_support_windows_sum_flows_and_keep_the_last_backlog() -> None:
    facts = dict(SUPPORT_FACTS)
    facts[("a", "2009-12", "support_opened", "2")] = 10
    facts[("a", "2009-12", "support_backlog", "2")] = 9
    got = rows(facts, window=3)
    assert got[("SUPPORT.OPENED", "a", M, "2")].value == 13
    assert got[("SUPPORT.BACKLOG", "a", M, "2")].value == 4


# ---------- API details
def test_measures_filter_order_and_errors() -> None:
    values = compute(
        FR_FACTS, months=[M], categories=["a"], settings=S, measures=["FR.LTR", "FR.ERI", "REPAIR.BACKLOG"]
    )
    assert [(v.measure, v.category) for v in values] == [
        ("FR.ERI", "a"),
        ("FR.LTR", "a"),
        ("FR.ERI", ALL),
        ("FR.LTR", ALL),
    ]
    with pytest.raises(ValueError):
        compute(FR_FACTS, months=[M], categories=["a"], settings=S, measures=["FR.XYZ"])
    with pytest.raises(ValueError):
        compute(FR_FACTS, months=[M], categories=["a"], settings=S, window=0)
    assert compute(FR_FACTS, months=[M], categories=[], settings=S) == []


def test_round_value_is_for_display_only() -> None:
    assert round_value(3.2048596, "FR.ERI") == 3.2
    assert round_value(33.333333, "OTD.OTI") == 33.3
    assert round_value(None, "FR.ERI") is None
    assert round_value(0.012345, "NPR.1") == 0.0123


# ---------- partial windows
S0 = "2010-01"  # the data set's first month


def started(months: int = 30) -> Facts:
    """Every month from S0 (category "a"): 100 units shipped, a return of last month's units, a critical
    problem report and 10 order lines. In S0 + 2 a return of a unit shipped in 2009-06 and in S0 + 3 one
    shipped in 2005-01 (before the data)."""
    facts: Facts = {}
    for i in range(months):
        m = add_months(S0, i)
        facts[("a", m, "shipped", "")] = 100
        facts[("a", m, "npr", "1")] = 1
        facts[("a", m, "otd_lines", "crd")] = 10
        facts[("a", m, "otd_on_time", "crd")] = 9
        if i:
            facts[("a", m, "returns", add_months(m, -1))] = 1
    facts[("a", add_months(S0, 2), "returns", "2009-06")] = 1
    facts[("a", add_months(S0, 3), "returns", "2005-01")] = 1
    return facts


def partial_months(facts: Facts, measure: str, window: int = 1, **kw: object) -> dict[int, bool]:
    """``{month as an offset from S0: partial}`` of category "a"'s ``measure`` rows (ALL agrees)."""
    got = rows(facts, month_range(S0, add_months(S0, 29)), window=window, measures=[measure], **kw)
    flags = {months_between(S0, k[2]): v.partial for k, v in got.items() if k[1] == "a"}
    assert flags == {months_between(S0, k[2]): v.partial for k, v in got.items() if k[1] == ALL}
    return flags


def partial(flags: dict[int, bool]) -> list[int]:
    return sorted(i for i, p in flags.items() if p)


def test_fr_and_npr_are_partial_until_their_shipment_windows_are_in_the_data() -> None:
    facts = started()
    # ERI counts the shipments of M-6 … M-1: full from S0 + 6 (S0 itself has no population, no row)
    eri = partial_months(facts, "FR.ERI")
    assert partial(eri) == [1, 2, 3, 4, 5] and eri[6] is False and 0 not in eri
    # YRR M-18 … M-7: full from S0 + 18; its first row (S0 + 2) counts a unit shipped before the data
    yrr = partial_months(facts, "FR.YRR")
    assert partial(yrr) == [2, *range(7, 18)] and yrr[18] is False
    # LTR every shipment before M-18: none before S0 + 19; S0 + 3 counts a return with no population
    ltr = partial_months(facts, "FR.LTR")
    assert partial(ltr) == [3] and ltr[3] is True and ltr[19] is False
    assert one(facts, "FR.LTR", month=add_months(S0, 3)).value is None
    # NPR on shipped_12m: shipments M-11 … M, so S0 … S0 + 10 are partial and S0 + 11 is not
    npr = partial_months(facts, "NPR.1")
    assert partial(npr) == list(range(11)) and npr[11] is False
    # on the installed base (here from S0 + 2): only the months before it
    installed = facts | {("a", add_months(S0, i), "installed", ""): 500 for i in range(2, 30)}
    nu = Settings(nu_basis={"a": "installed"})
    assert partial(partial_months(installed, "NPR.1", settings=nu)) == [0, 1]
    # a monthly value of a measure of its own kind never is
    assert not any(partial_months(facts, "OTD.OTI").values())
    assert not any(partial_months(facts, "FR.NTF").values())


def test_rolling_values_are_partial_until_their_window_is_in_the_data() -> None:
    facts = started()
    assert partial(partial_months(facts, "OTD.OTI", window=3)) == [0, 1]
    assert partial(partial_months(facts, "OTD.OTI", window=12)) == list(range(11))
    assert partial(partial_months(facts, "FR.ERI", window=3)) == list(range(1, 8))
    assert partial(partial_months(facts, "NPR.1", window=12)) == list(range(22))
    # the first return arrives in S0 + 1: FR.NTF's rolling window counts from there
    assert partial(partial_months(facts, "FR.NTF", window=3)) == [1, 2]
    backlog: Facts = {("a", add_months(S0, i), "repair_backlog", ""): 2 for i in range(30)}
    assert partial(partial_months(backlog, "REPAIR.BACKLOG", window=12)) == []  # point in time


def test_partial_uses_the_given_data_start_and_flags_a_missing_kind() -> None:
    facts = started()
    early = {"shipped": "2008-01", "otd_lines": "2009-12"}
    assert partial(partial_months(facts, "FR.YRR", data_start=early)) == []
    assert partial(partial_months(facts, "OTD.OTI", window=3, data_start=early)) == [0]
    # returns without any shipment data: FR has no population and is partial throughout
    only_returns = {k: v for k, v in facts.items() if k[2] == "returns"}
    assert partial(partial_months(only_returns, "FR.ERI")) == list(range(1, 30))


def test_all_is_partial_only_when_a_contributing_category_is() -> None:
    facts = started()
    facts |= {("b", add_months(S0, i), "installed", ""): 50 for i in range(30)}
    facts |= {("b", add_months(S0, i), "npr", "1"): 1 for i in range(30)}
    nu = Settings(nu_basis={"b": "installed"})
    later = add_months(S0, 11)
    got = rows(facts, [S0, later], categories=("a", "b"), measures=["NPR.1"], settings=nu)
    assert [got[("NPR.1", c, S0, "")].partial for c in ("a", "b", ALL)] == [True, False, True]
    assert [got[("NPR.1", c, later, "")].partial for c in ("a", "b", ALL)] == [False, False, False]
    # "c" (on shipped_12m, the kind that starts in S0) has no data: it does not make ALL partial
    b_and_c = rows(facts, S0, categories=("b", "c"), measures=["NPR.1"], settings=nu)
    assert not b_and_c[("NPR.1", ALL, S0, "")].partial and ("NPR.1", "c", S0, "") not in b_and_c
