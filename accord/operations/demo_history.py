"""Demo operational history: 36 months of shipments, returns, repairs, order lines, problem reports
and support tickets per customer relationship, telling the stories the measurements should show
(growing volumes, a bad quarter of returns, late deliveries around the holidays, a backlog of overdue
minor reports), with the monthly measurement facts computed from them."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from accord.lib import written
from accord.lib.demo import DemoContext, step
from accord.lib.months import add_months, month_end, month_of, month_range, month_start
from accord.operations.demo_imports import monthly_imports
from accord.operations.models import (
    InstalledBase,
    OrderLine,
    ProblemReport,
    Repair,
    Return,
    Shipment,
    SupportTicket,
)

# ------------------------------------------------------------------------------------------------------
# Operational data: 36 months of shipments, order lines, returns, repairs, problem reports and support
# tickets per relationship, ending last month. The story the measurements should tell:
#
# - volumes grow steadily; return rates are low single digits % per year, except a bad quarter of
#   NW-OTX-TP4 transponder card returns 9–11 months before last month (a component defect);
# - deliveries are mostly on time, but late around the year-end holidays (CRD 18 December – 10 January);
# - most repairs come back in 10–20 days, a few take months;
# - Northwind's minor problem-report fixes fell behind over the last 18 months: an overdue backlog builds
#   up, so FRT.3 drops and OFR.3 is low in recent months;
# - support answers critical tickets within the hour, most others within their targets.
# Everything is written with bulk inserts, then the monthly facts are computed by the real refresh.
# ------------------------------------------------------------------------------------------------------
MONTHS = 36
HOLIDAY = ((12, 18), (1, 10))  # requested dates from 18 December to 10 January are often late
BAD_QUARTER = (11, 10, 9)  # months before the last month whose NW-OTX-TP4 returns are bad
BACKLOG_FROM = 18  # from this many months before the last month, minor reports are fixed slowly


@dataclass(frozen=True)
class ProductPlan:
    code: str
    units: tuple[int, int]  # units shipped a month at the start and at the end of the 36 months
    lot: tuple[int, int]  # units per order line
    serial: str = ""  # serial prefix: every unit is shipped under its own serial number
    quality: float = 1.0  # return-rate multiplier
    problems: float = 1.0  # weight when a problem report or ticket picks a product


@dataclass(frozen=True)
class Plan:
    slug: str
    sites: tuple[str, ...]
    products: tuple[ProductPlan, ...]
    reports: tuple[float, float, float]  # problem reports a month (severity 1, 2, 3) at the start
    tickets: float  # support tickets a month at the start
    late: float  # share of order lines delivered late outside the holidays
    bad_product: str = ""
    minor_backlog: bool = False
    excluded: float = 0.5  # returns a month that are not suspected failures


PLANS = (
    Plan(
        "northwind-telco-a",
        ("ta-munich", "ta-hamburg", "ta-berlin"),
        (
            ProductPlan("NW-OTX-TP4", (120, 320), (8, 40), serial="TP4", problems=1.5),
            ProductPlan("NW-R900-LC", (30, 70), (4, 16), serial="R9L", quality=0.8),
            ProductPlan("NW-R900", (2, 5), (1, 2), quality=1.2, problems=4),
            ProductPlan("NW-R550", (10, 30), (2, 6), problems=3),
            ProductPlan("NW-OTX-100", (6, 14), (1, 4), problems=3),
            ProductPlan("NW-OTX-200", (3, 8), (1, 3), problems=3),
            ProductPlan("NW-OTX-AMP", (8, 20), (2, 6)),
            ProductPlan("NW-PSU-2K", (20, 50), (4, 12), quality=1.4, problems=0.3),
            ProductPlan("NW-MW-E", (6, 20), (2, 6), problems=2),
            ProductPlan("NW-MW-IDU", (6, 20), (2, 6)),
        ),
        reports=(0.35, 1.6, 5.0),
        tickets=32,
        late=0.035,
        bad_product="NW-OTX-TP4",
        minor_backlog=True,
    ),
    Plan(
        "northwind-telco-b",
        ("tb-lyon", "tb-marseille"),
        (
            ProductPlan("NW-OTX-TP4", (40, 100), (6, 24), serial="TP4", problems=1.5),
            ProductPlan("NW-S48", (60, 140), (10, 30), quality=0.7, problems=0.5),
            ProductPlan("NW-R550", (15, 35), (2, 8), problems=3),
            ProductPlan("NW-OTX-200", (2, 6), (1, 2), problems=3),
            ProductPlan("NW-OTX-AMP", (6, 15), (2, 5)),
            ProductPlan("NW-PSU-2K", (10, 25), (2, 8), quality=1.4, problems=0.3),
        ),
        reports=(0.2, 1.0, 3.0),
        tickets=20,
        late=0.045,
        bad_product="NW-OTX-TP4",
        minor_backlog=True,
        excluded=0.3,
    ),
    Plan(
        "photon-northwind",
        ("nw-stuttgart", "nw-austin"),
        (
            ProductPlan("PH-QSFP-400", (40, 120), (10, 40), serial="PQ4", quality=1.2),
            ProductPlan("PH-CFP2-DCO", (20, 50), (5, 20), serial="PCD"),
            ProductPlan("PH-EDFA-M", (5, 15), (1, 5), problems=2),
        ),
        reports=(0.1, 0.6, 1.5),
        tickets=10,
        late=0.07,
        excluded=0.2,
    ),
)

# annual return rates in % by age of the unit: early (0–6 months), one year (7–18), long term
RETURN_RATES = (3.0, 1.8, 1.2)
BAD_FACTOR = 4.5
FAILURES = (
    "No light on client port", "Fails power-on self-test", "Laser bias current alarm", "Intermittent reboots",
    "CRC errors on line side", "Fan tray failure", "Card not recognized by shelf controller",
    "Output power drift",
)  # fmt: skip
BAD_FAILURE = "Card resets with DSP over-temperature alarm"
EXCLUSIONS = ("stock rotation", "retrofit to hardware revision C", "mis-shipment: wrong part ordered")
FINDINGS = (
    "Optical module replaced", "Power stage capacitor replaced", "Firmware reloaded, connector cleaned",
    "Fan replaced", "Main board replaced", "Solder joint on DSP reworked",
)  # fmt: skip
REPORT_TITLES = {
    1: ("Traffic loss after software upgrade", "Shelf controller restarts under load",
        "Protection switch fails"),
    2: ("Alarm not cleared after recovery", "Performance counters reset at midnight",
        "Provisioning rejects valid configuration", "Wrong part delivered",
        "Upgrade procedure missing a step"),
    3: ("Typo in the CLI help", "Inventory report misses serial numbers",
        "Documentation shows the old port numbering", "Invoice lists a wrong order number",
        "Web UI table sorts dates as text", "Log message with a misleading severity",
        "Label on the shipping box is hard to read"),
}  # fmt: skip
# Support tickets a month, at least, about the products of each TL 9000 category, by severity.
TICKETS_AT_LEAST = {2: 1, 3: 2}
TICKET_CATEGORIES = ("configuration", "hardware fault", "software", "documentation", "licensing", "training")


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _grow(span: tuple[float, float], i: int) -> float:
    return span[0] + (span[1] - span[0]) * i / (MONTHS - 1)


def _in_holidays(day: date) -> bool:
    (dec_month, dec_day), (jan_month, jan_day) = HOLIDAY
    return (day.month == dec_month and day.day >= dec_day) or (day.month == jan_month and day.day <= jan_day)


def _weekday(rng: random.Random, month: str) -> date:
    first, last = month_start(month), month_end(month)
    while True:
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        if day.weekday() < 5:
            return day


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(6, 19), rng.randint(0, 59)), tzinfo=UTC)


class _Builder:
    """One relationship's operational data, built in memory and then bulk inserted."""

    def __init__(self, ctx: DemoContext, plan: Plan) -> None:
        self.ctx, self.plan, self.rng = ctx, plan, ctx.rng
        self.rel = ctx.relationships[plan.slug]
        self.prefix = self.rel.item_prefix
        self.last = add_months(month_of(ctx.today), -1)
        self.months = month_range(add_months(self.last, -(MONTHS - 1)), self.last)
        self.first_day, self.end_day = month_start(self.months[0]), month_end(self.last)
        self.index = {m: i for i, m in enumerate(self.months)}
        self.products = {p.code: ctx.products[p.code] for p in plan.products}
        self.sites = [ctx.sites[s] for s in plan.sites]
        # (product code, ship month) -> units shipped, and the (serial, ship date) of each shipment
        self.cohorts: dict[tuple[str, str], int] = {}
        self.shipped: dict[tuple[str, str], list[tuple[str, date]]] = {}

    def build(self) -> dict[str, list[Any]]:
        """Insert the history; last month's shipments and returns are held back and returned, for the
        demo to import as monthly files through the real pipeline."""
        lines, shipments = self.deliveries()
        returns, repairs = self.returns()
        since = month_start(self.last)
        held: dict[str, list[Any]] = {
            "shipments": [s for s in shipments if s.ship_date >= since],
            "returns": [r for r in returns if r.received_date >= since],
        }
        batch = 2000
        OrderLine.objects.bulk_create(lines, batch_size=batch)
        Shipment.objects.bulk_create([s for s in shipments if s.ship_date < since], batch_size=batch)
        Return.objects.bulk_create([r for r in returns if r.received_date < since], batch_size=batch)
        Repair.objects.bulk_create(repairs, batch_size=batch)
        ProblemReport.objects.bulk_create(self.problem_reports(), batch_size=batch)
        SupportTicket.objects.bulk_create(self.tickets(), batch_size=batch)
        InstalledBase.objects.bulk_create(self.installed(), batch_size=batch)
        return held

    # -- order lines and the shipments that deliver them ----------------------------------------------
    def deliveries(self) -> tuple[list[OrderLine], list[Shipment]]:
        rng, plan = self.rng, self.plan
        lines: list[OrderLine] = []
        shipments: list[Shipment] = []
        serial_seq: dict[str, int] = {}
        order_no = 0
        for i, month in enumerate(self.months):
            wanted: list[tuple[ProductPlan, int]] = []
            for pp in plan.products:
                units = round(_grow(pp.units, i) * rng.uniform(0.85, 1.15))
                while units > 0:
                    qty = min(units, rng.randint(*pp.lot))
                    units -= qty
                    wanted.append((pp, qty))
            rng.shuffle(wanted)
            while wanted:
                order_no += 1
                order_id = f"{self.prefix}-PO-{month[:4]}-{order_no:05d}"
                site = rng.choice(self.sites)
                for n in range(1, min(len(wanted), rng.randint(1, 4)) + 1):
                    pp, qty = wanted.pop()
                    line = self.order_line(order_id, f"{n * 10}", pp, qty, month)
                    lines.append(line)
                    if line.delivered_date is None:
                        continue
                    delivered = line.delivered_quantity or qty
                    ship_date = max(self.first_day, line.delivered_date - timedelta(days=rng.randint(0, 2)))
                    key = (pp.code, month_of(ship_date))
                    self.cohorts[key] = self.cohorts.get(key, 0) + delivered
                    units_of = self.shipped.setdefault(key, [])
                    if pp.serial:
                        for _ in range(delivered):
                            serial_seq[pp.serial] = serial_seq.get(pp.serial, 0) + 1
                            serial = f"{pp.serial}{ship_date:%y}{serial_seq[pp.serial]:06d}"
                            shipments.append(
                                self.shipment(len(shipments), pp, ship_date, 1, serial, line, site)
                            )
                            units_of.append((serial, ship_date))
                    else:
                        shipments.append(
                            self.shipment(len(shipments), pp, ship_date, delivered, "", line, site)
                        )
                        units_of.append(("", ship_date))
        return lines, shipments

    def order_line(self, order_id: str, number: str, pp: ProductPlan, qty: int, month: str) -> OrderLine:
        rng = self.rng
        requested = _weekday(rng, month)
        promised = requested
        if rng.random() < 0.05:  # the supplier could not meet the requested date and promised a later one
            promised = requested + timedelta(days=rng.randint(3, 12))
        late = 0.5 if _in_holidays(requested) else self.plan.late
        early_accepted = False
        roll = rng.random()
        if roll < late:
            delivered: date | None = promised + timedelta(days=rng.randint(3, 16))
        elif roll < late + 0.03:  # a day or two late: within a late tolerance, if one is agreed
            delivered = promised + timedelta(days=rng.randint(1, 2))
        elif roll < late + 0.05:
            delivered = promised - timedelta(days=rng.randint(1, 5))
            early_accepted = rng.random() < 0.5
        else:
            delivered = promised
        delivered_qty: int | None = qty
        if qty > 1 and rng.random() < 0.015:  # a partial delivery: the rest never shipped
            delivered_qty = qty - rng.randint(1, qty // 2 or 1)
        if delivered is not None and delivered > self.end_day:
            delivered, delivered_qty = None, None  # still open at the end of last month
        return OrderLine(
            relationship=self.rel,
            order_id=order_id,
            line=number,
            product=self.products[pp.code],
            quantity=qty,
            requested_date=requested,
            promised_date=promised,
            delivered_date=delivered,
            delivered_quantity=delivered_qty,
            early_accepted=early_accepted,
        )

    def shipment(
        self, n: int, pp: ProductPlan, ship_date: date, qty: int, serial: str, line: OrderLine, site: Any
    ) -> Shipment:
        return Shipment(
            relationship=self.rel,
            shipment_id=f"{self.prefix}-SH-{n + 1:06d}",
            product=self.products[pp.code],
            ship_date=ship_date,
            quantity=qty,
            serial=serial,
            site=site,
            order_id=line.order_id,
        )

    # -- returns and their repairs --------------------------------------------------------------------
    def returns(self) -> tuple[list[Return], list[Repair]]:
        rng, plan = self.rng, self.plan
        bad_months = {add_months(self.last, -k) for k in BAD_QUARTER}
        found: list[tuple[date, ProductPlan, str, date, str, str]] = []  # received, product, serial, …
        for pp in plan.products:
            for s in self.months:
                units = self.cohorts.get((pp.code, s), 0)
                pool = list(self.shipped.get((pp.code, s), []))
                if not units:
                    continue
                for r in self.months[self.index[s] :]:
                    age = self.index[r] - self.index[s]
                    rate = RETURN_RATES[0 if age <= 6 else 1 if age <= 18 else 2] * pp.quality
                    bad = pp.code == plan.bad_product and r in bad_months and age <= 8
                    if bad:
                        rate *= BAD_FACTOR
                    lam = units * rate / 100 / 12 * (0.5 if age == 0 else 1)
                    for _ in range(_poisson(rng, lam)):
                        unit = self._take(pool)
                        if unit is None:
                            break
                        received = self._received(r, unit[1])
                        if received is None:
                            continue
                        reason = BAD_FAILURE if bad and rng.random() < 0.8 else rng.choice(FAILURES)
                        found.append((received, pp, unit[0], unit[1], reason, ""))
        for r in self.months[1:]:  # returns that are not suspected failures: visible, not counted
            for _ in range(_poisson(rng, plan.excluded)):
                pp = rng.choice(plan.products)
                s = self.months[rng.randint(0, self.index[r] - 1)]
                unit = self._take(list(self.shipped.get((pp.code, s), [])))
                received = self._received(r, unit[1]) if unit else None
                if unit and received:
                    found.append((received, pp, unit[0], unit[1], "", rng.choice(EXCLUSIONS)))
        found.sort(key=lambda f: (f[0], f[1].code, f[2]))
        returns: list[Return] = []
        repairs: list[Repair] = []
        for n, (received, pp, serial, ship_date, reason, excluded) in enumerate(found, start=1):
            ntf = not excluded and rng.random() < (0.25 if plan.slug.startswith("photon") else 0.18)
            return_id = f"{self.prefix}-RMA-{n:06d}"
            returns.append(
                Return(
                    relationship=self.rel,
                    return_id=return_id,
                    product=self.products[pp.code],
                    received_date=received,
                    ship_date=ship_date,
                    serial=serial,
                    quantity=1,
                    reason="Returned unused" if excluded else reason,
                    no_trouble_found=ntf,
                    excluded_reason=excluded,
                )
            )
            if not excluded:
                repair = self.repair(len(repairs) + 1, pp, received, return_id, ntf, reason == BAD_FAILURE)
                if repair is not None:
                    repairs.append(repair)
        return returns, repairs

    def _take(self, pool: list[tuple[str, date]]) -> tuple[str, date] | None:
        """A random shipped unit of the cohort (each serial is returned at most once by this draw)."""
        if not pool:
            return None
        k = self.rng.randrange(len(pool))
        pool[k], pool[-1] = pool[-1], pool[k]
        return pool.pop()

    def _received(self, month: str, ship_date: date) -> date | None:
        received = month_start(month) + timedelta(days=self.rng.randint(0, month_end(month).day - 1))
        if received <= ship_date + timedelta(days=3):
            received = ship_date + timedelta(days=self.rng.randint(4, 20))
        return received if received <= self.end_day else None

    def repair(
        self, n: int, pp: ProductPlan, returned: date, return_id: str, ntf: bool, bad: bool
    ) -> Repair | None:
        rng = self.rng
        received = returned + timedelta(days=rng.randint(1, 4))
        if received > self.end_day:
            return None  # still on its way to the depot
        roll = rng.random()
        if roll < 0.82:
            days = round(rng.triangular(5, 19, 10))
        elif roll < 0.96:
            days = rng.randint(21, 35)
        else:
            days = rng.randint(40, 95)  # waiting for parts
        if bad:
            days += rng.randint(0, 6)
        shipped: date | None = received + timedelta(days=days)
        if shipped is not None and shipped > self.end_day:
            shipped = None
        finding = "No trouble found; retested and returned" if ntf else rng.choice(FINDINGS)
        return Repair(
            relationship=self.rel,
            repair_id=f"{self.prefix}-REP-{n:06d}",
            product=self.products[pp.code],
            received_date=received,
            shipped_date=shipped,
            return_id=return_id,
            finding="Solder joint on DSP reworked" if bad and not ntf else finding,
        )

    # -- problem reports ------------------------------------------------------------------------------
    def _fix(self, severity: int, i: int, received: date) -> date | None:
        """The day the fix is delivered; None: not fixed by the end of last month."""
        rng = self.rng
        if severity == 1:
            days = rng.randint(1, 10)
        elif severity == 2:
            days = rng.randint(4, 28) if rng.random() < 0.86 else rng.randint(31, 75)
        elif self.plan.minor_backlog and (ago := MONTHS - 1 - i) <= BACKLOG_FROM:
            # minor fixes fall further and further behind: most wait beyond the threshold, and only
            # some of those are fixed (late) before the end of last month
            days = rng.randint(20, 170)
            if rng.random() < 0.6 + 0.3 * (BACKLOG_FROM - ago) / BACKLOG_FROM:
                room = (self.end_day - received).days - 185
                if room <= 0 or rng.random() < 0.5:
                    return None
                days = 185 + rng.randint(0, room)
        else:
            days = rng.randint(20, 170) if rng.random() < 0.88 else rng.randint(185, 260)
        fix = received + timedelta(days=days)
        return fix if fix <= self.end_day else None

    def problem_reports(self) -> list[ProblemReport]:
        rng, plan = self.rng, self.plan
        weights = [pp.problems * (pp.units[0] + pp.units[1]) ** 0.5 for pp in plan.products]
        found: list[dict[str, Any]] = []
        for i, month in enumerate(self.months):
            growth = 0.8 + 0.4 * i / (MONTHS - 1)
            for severity, lam in zip((1, 2, 3), plan.reports, strict=True):
                for _ in range(_poisson(rng, lam * growth)):
                    received = _weekday(rng, month)
                    fix = self._fix(severity, i, received)
                    closed = fix + timedelta(days=rng.randint(0, 20)) if fix else None
                    found.append(
                        {
                            "received_date": received,
                            "severity": severity,
                            "product": rng.choices(plan.products, weights)[0],
                            "fix_delivered_date": fix,
                            "closed_date": closed if closed and closed <= self.end_day else None,
                            "customer_originated": rng.random() < 0.88,
                            "duplicate_of": "",
                            "title": rng.choice(REPORT_TITLES[severity]),
                        }
                    )
        found.sort(key=lambda f: (f["received_date"], f["severity"]))
        for n, f in enumerate(found, start=1):
            f["report_id"] = f"{self.prefix}-PR-{n:05d}"
            if f["customer_originated"] and rng.random() < 0.06:  # the customer reported it again
                earlier = [
                    g
                    for g in found[max(0, n - 30) : n - 1]
                    if g["product"] is f["product"]
                    and not g["duplicate_of"]
                    and (f["received_date"] - g["received_date"]).days <= 60
                ]
                if earlier:
                    original = rng.choice(earlier)
                    f.update(
                        duplicate_of=original["report_id"],
                        severity=original["severity"],
                        title=original["title"],
                        fix_delivered_date=original["fix_delivered_date"],
                        closed_date=original["closed_date"],
                    )
        return [
            ProblemReport(relationship=self.rel, **{**f, "product": self.products[f["product"].code]})
            for f in found
        ]

    # -- support tickets ------------------------------------------------------------------------------
    def tickets(self) -> list[SupportTicket]:
        rng, plan = self.rng, self.plan
        end = datetime.combine(self.end_day, time.max, tzinfo=UTC)
        weights = [pp.problems * (pp.units[0] + pp.units[1]) ** 0.5 for pp in plan.products]
        # hours to first response and to resolution: (usual range, slow range, share slow)
        response = {1: ((0.1, 0.95), (1.0, 3.0), 0.2), 2: ((0.3, 3.9), (4.0, 12.0), 0.18),
                    3: ((1.0, 23.5), (24.0, 72.0), 0.15)}  # fmt: skip
        resolution = {1: (2, 30), 2: (8, 140), 3: (24, 700)}
        out: list[SupportTicket] = []
        for i, month in enumerate(self.months):
            asked: list[tuple[int, ProductPlan | None]] = []  # (severity, product) of each ticket
            for _ in range(_poisson(rng, plan.tickets * (0.8 + 0.5 * i / (MONTHS - 1)))):
                roll = rng.random()
                severity = 1 if roll < 0.08 else 2 if roll < 0.35 else 3
                pp = rng.choices(plan.products, weights)[0] if rng.random() < 0.9 else None
                asked.append((severity, pp))
            asked += self._tickets_wanting(asked)
            for severity, pp in asked:
                day = month_start(month) + timedelta(days=rng.randint(0, month_end(month).day - 1))
                opened = _at(day, rng)
                usual, slow, share = response[severity]
                first = opened + timedelta(hours=rng.uniform(*(slow if rng.random() < share else usual)))
                resolved = opened + timedelta(hours=rng.uniform(*resolution[severity]))
                out.append(
                    SupportTicket(
                        relationship=self.rel,
                        ticket_id="",
                        opened_at=opened,
                        severity=severity,
                        product=self.products[pp.code] if pp else None,
                        first_response_at=first if first <= end else None,
                        resolved_at=max(resolved, first) if resolved <= end else None,
                        category=rng.choice(TICKET_CATEGORIES),
                    )
                )
        out.sort(key=lambda t: t.opened_at)
        for n, ticket in enumerate(out, start=1):
            ticket.ticket_id = f"{self.prefix}-T-{n:06d}"
        return out

    def _tickets_wanting(self, asked: list[tuple[int, ProductPlan | None]]) -> list[tuple[int, ProductPlan]]:
        """Tickets that give every product category of the plan its monthly minimum of each severity
        (``TICKETS_AT_LEAST``): a category with few units (the radios) would otherwise have months
        without a major or even without any ticket, on some days but not others."""
        by_category: dict[str, list[ProductPlan]] = {}
        for pp in self.plan.products:
            by_category.setdefault(self.products[pp.code].category.code, []).append(pp)
        more: list[tuple[int, ProductPlan]] = []
        for products in by_category.values():
            for severity, least in TICKETS_AT_LEAST.items():
                have = sum(sev == severity and pp in products for sev, pp in asked)
                more += [(severity, self.rng.choice(products)) for _ in range(least - have)]
        return more

    # -- installed base of the categories normalized by installed units -------------------------------
    def installed(self) -> list[InstalledBase]:
        """Radios shipped in a quarter go into service about a month after the quarter's end."""
        rows: list[InstalledBase] = []
        sites = self.sites[:2]
        for pp in self.plan.products:
            if self.products[pp.code].category.normalization_basis != "installed":
                continue
            for q in range(0, MONTHS, 3):
                quarter = self.months[q : q + 3]
                units = sum(self.cohorts.get((pp.code, m), 0) for m in quarter)
                in_service = month_start(quarter[-1]) + timedelta(days=44)
                if units and in_service <= self.ctx.today:
                    site = sites[(q // 3) % len(sites)]
                    rows.append(
                        InstalledBase(
                            relationship=self.rel,
                            site=site,
                            product=self.products[pp.code],
                            quantity=units,
                            in_service_date=in_service,
                        )
                    )
        return rows


@step(50)
def operational_data(ctx: DemoContext) -> None:
    """36 months of operational data per relationship, and the monthly facts computed from it (the
    measurement settings they are counted by come first: the measurements app's demo step 45)."""
    for plan in PLANS:
        held = _Builder(ctx, plan).build()
        written.replaced(ctx.relationships[plan.slug], today=ctx.today)  # the facts are recounted
        monthly_imports(ctx, ctx.relationships[plan.slug], held)
