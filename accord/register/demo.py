"""Demo action item registers: about 150 items over the last ~14 months, with genuine histories.

Every item is written through the real services (create, due-date moves, comments, workflow), so
timelines, counters and audit events are what a user would have produced; afterwards the item and
timeline timestamps are moved back to read as months of work ending before ``ctx.today``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from accord.lib.demo import DemoContext, step
from accord.parties.access import RelationshipAccess, access_from
from accord.register import services
from accord.register.models import (
    ActionItem,
    ActionUpdate,
    OwnerSide,
    Priority,
    SourceKind,
    TaskForce,
    Visibility,
)

# --- who works each register (writers only; viewers may own items but never act) ------------------
WRITERS = {
    "northwind-telco-a": {"supplier": ["ada", "sam", "noah", "lena"], "customer": ["tom", "carol", "priya"]},
    "northwind-telco-b": {"supplier": ["ada", "sam", "noah", "lena"], "customer": ["mallory", "ben"]},
    "photon-northwind": {"supplier": ["omar", "ines"], "customer": ["ada", "sam", "noah", "lena"]},
}
KEEPER = {  # who keeps the register on each side (creates items raised by a viewer)
    "northwind-telco-a": {"supplier": "ada", "customer": "tom"},
    "northwind-telco-b": {"supplier": "ada", "customer": "mallory"},
    "photon-northwind": {"supplier": "omar", "customer": "ada"},
}
SITES = {
    "northwind-telco-a": ["Munich core data centre", "Hamburg metro POP", "Berlin network lab"],
    "northwind-telco-b": ["Lyon central office", "Marseille landing station"],
    "photon-northwind": ["Porto optical fab"],
}
MEETINGS = {
    "northwind-telco-a": ["Program review", "Quality review meeting", "Shared expectations team"],
    "northwind-telco-b": ["Program review", "Quality review meeting"],
    "photon-northwind": ["Supplier program review", "Supplier quality review"],
}

SIDES = {"S": OwnerSide.SUPPLIER, "C": OwnerSide.CUSTOMER, "J": OwnerSide.JOINT}
PRIORITIES = {"L": Priority.LOW, "M": Priority.MEDIUM, "H": Priority.HIGH, "C": Priority.CRITICAL}

# title, owning side (S/C/J), possible owners, priority, tag (task force key or "private")
Spec = tuple[str, str, str, str, str]

TELCO_A: list[Spec] = [
    ("Root-cause the OTX-100 line card returns from Hamburg", "S", "noah", "H", "lc"),
    ("Failure analysis of 12 R900 100G line cards returned from Munich core", "S", "noah", "H", "lc"),
    ("Publish 8D report for R900-LC optical power drift", "S", "lena", "H", "lc"),
    ("Screen OTX-100 line card spares at Hamburg for affected date codes", "J", "priya noah", "H", "lc"),
    ("Customer to provide alarm logs from Munich core", "C", "carol", "H", "lc"),
    ("Agree field retrofit plan for the R900-LC capacitor change", "J", "sam carol", "C", "lc"),
    ("Add burn-in step for OTX-TP4 transponder cards at Stuttgart", "S", "lena", "M", "lc"),
    ("Share monthly no-fault-found rate for returned OTX-100 cards", "S", "noah", "M", "lc"),
    ("Define the 2026 line card return rate target for the expectations review", "J", "carol ada", "M", "lc"),
    ("Review ESD handling at the Hamburg POP spares store", "C", "priya", "M", "lc"),
    ("Track OTX-TP4 firmware 4.2.1 soak test in the Berlin lab", "J", "priya lena", "M", "lc"),
    ("Confirm thermal margin of R900-LC in a fully loaded chassis", "S", "lena", "H", "lc"),
    ("Agree RMA turnaround target with Telco A procurement", "J", "tom sam", "H", "dl"),
    ("Recover on-time delivery for OTX-200 shelves (Q3 backlog)", "S", "sam", "C", "dl"),
    ("Publish weekly delivery forecast for the Munich core expansion", "S", "sam", "M", "dl"),
    ("Customer to confirm site readiness dates for the Hamburg rollout", "C", "priya", "M", "dl"),
    ("Align requested and committed delivery dates in order confirmations", "S", "sam", "M", "dl"),
    ("Customer to send a rolling 6-month forecast for R550 routers", "C", "tom", "M", "dl"),
    ("Cut Austin repair depot turnaround for R900 line cards to 10 days", "S", "noah", "H", "dl"),
    ("Add advance shipping notices to the EDI feed", "S", "sam", "L", "dl"),
    ("Agree what counts as on time (ship vs. delivery date) in the OTD report", "J", "tom ada", "M", "dl"),
    ("Publish PCN-2026-14 impact analysis", "S", "lena", "H", ""),
    ("Update installation guide for MW-E outdoor units", "S", "lena", "M", ""),
    ("Customer to share MW-E alignment records from the Berlin installations", "C", "priya", "L", ""),
    ("Train Telco A field teams on OTX-200 commissioning", "S", "noah", "M", ""),
    ("Clarify invoice discrepancies on PO 4500-1182", "S", "sam", "L", ""),
    ("Customer to nominate a single contact for PCN acknowledgements", "C", "tom", "L", ""),
    ("Add TL 9000 NPR and FRT figures to the monthly quality report", "S", "ada", "M", ""),
    ("Fix wrong part numbers in the R550 ordering guide", "S", "sam", "L", ""),
    ("Reduce first-response time for severity 2 support tickets", "S", "noah", "H", ""),
    ("Customer to close stale severity 3 tickets after fix verification", "C", "carol", "L", ""),
    ("Review MW-18 radio outage in the Berlin ring (ticket TS-88213)", "S", "noah", "H", ""),
    ("Send software release notes two weeks before maintenance windows", "S", "lena", "M", ""),
    ("Agree escalation path for critical outages outside business hours", "J", "tom noah", "H", ""),
    ("Document the Hamburg POP site-visit feedback in the register", "J", "ada priya", "M", ""),
    ("Deliver PSU-2K fan tray retrofit kits for Munich", "S", "sam", "H", ""),
    ("Investigate R900 control plane restart after the 7.4 upgrade", "S", "noah", "C", ""),
    ("Customer to upgrade Munich core to R900 software 7.4.2", "C", "carol", "H", ""),
    ("Share measurement definitions for return rate normalisation", "S", "ada", "L", ""),
    ("Align Munich spare parts stock with the new installed base", "J", "tom sam", "M", ""),
    ("Publish OTX-200 end-of-sale notice with last-time-buy dates", "S", "lena", "M", ""),
    ("Improve packaging of OTX shelves (damaged on arrival in Hamburg)", "S", "sam", "M", ""),
    ("Customer to provide photos of the damaged deliveries", "C", "priya", "L", ""),
    ("Add serial-number barcode labels to R550 chassis", "S", "sam", "L", ""),
    ("Correct OTX line amplifier gain settings in the documentation", "S", "lena", "L", ""),
    ("Agree the format of the quarterly program review pack", "J", "ada carol", "L", ""),
    ("Customer to share network availability figures for Northwind equipment", "C", "tom", "M", ""),
    ("Correct duplicated serial numbers in the October shipment report", "S", "sam", "L", ""),
    ("Investigate the high NFF rate on MW indoor unit returns", "S", "noah", "M", ""),
    ("Root-cause OTX-200 laser failure on the Munich–Nuremberg span", "S", "noah", "H", ""),
    ("Schedule the next shared expectations team meeting", "J", "ada tom", "L", ""),
    ("Customer to confirm acceptance test results of the R550 aggregation pilot", "C", "carol", "M", ""),
    ("Provide a workaround for R550 LACP flaps after the 6.1 upgrade", "S", "noah", "H", ""),
    ("Assess feature request: streaming telemetry on OTX-100", "S", "lena", "L", ""),
    ("Publish monthly repair turnaround time for Telco A returns", "S", "ada", "M", ""),
    ("Customer to return defective cards with completed failure tags", "C", "priya", "M", ""),
    ("Improve failure tag data quality (missing fault descriptions)", "J", "priya noah", "M", ""),
    ("Qualify a second source for MW-E mounting brackets", "S", "sam", "L", ""),
    ("Agree a site-visit date at the Berlin lab (MW-E, 3–6 months in service)", "J", "ada priya", "M", ""),
    ("Provide TL 9000 certificate and latest surveillance audit summary", "S", "ada", "L", ""),
    ("Confirm licence keys for the OTX-TP4 400G upgrade", "S", "sam", "M", ""),
    ("Customer to validate PCN-2025-31 firmware in the Berlin lab", "C", "carol", "M", ""),
    ("Add Telco A specific alarms to the OTX-200 alarm reference", "S", "lena", "L", ""),
    ("Customer to measure the power budget of the Hamburg–Kiel span", "C", "carol", "M", ""),
    ("Reduce OTX-TP4 transponder lead time to 6 weeks", "S", "sam", "H", ""),
    ("Provide the spare part kit list for MW-E installations", "S", "noah", "L", ""),
    ("Internal: margin impact of free RMA replacements for Telco A", "S", "sam", "M", "private"),
    ("Internal: prepare for Telco A escalation on line card returns", "S", "ada", "H", "private"),
    ("Internal: evaluate a second source for metro WDM", "C", "tom", "M", "private"),
    ("Internal: collect field team complaints about Northwind support", "C", "carol", "M", "private"),
]

TELCO_B: list[Spec] = [
    ("Root-cause R550 fan failures in the Lyon central office", "S", "noah", "H", ""),
    ("Customer to provide temperature logs from the Lyon equipment room", "C", "ben", "M", ""),
    ("Publish PCN-2026-14 impact analysis for the Telco B installed base", "S", "lena", "H", ""),
    ("Translate the S48 installation guide into French", "S", "lena", "M", ""),
    ("Agree RMA turnaround target with Telco B", "J", "mallory sam", "H", ""),
    ("Recover the OTX-200 delivery slip for the Marseille landing station", "S", "sam", "C", ""),
    ("Customer to confirm Marseille site access windows", "C", "ben", "M", ""),
    ("Investigate OTX line amplifier gain drift at Marseille", "S", "noah", "H", ""),
    ("Ship OTX-AMP spare units to Marseille", "S", "sam", "M", ""),
    ("Review S48 boot loop after power outage (ticket TS-90114)", "S", "noah", "H", ""),
    ("Customer to upgrade the S48 fleet to software 3.8.5", "C", "ben", "M", ""),
    ("Share monthly return rate report for S48 switches", "S", "ada", "M", ""),
    ("Agree the normalisation unit for the S48 return rate", "J", "mallory ada", "L", ""),
    ("Customer to nominate a contact for PCN acknowledgements", "C", "mallory", "L", ""),
    ("Correct invoice currency on PO 7711-203 (EUR, not USD)", "S", "sam", "L", ""),
    ("Add missing French labels to R550 packaging", "S", "sam", "L", ""),
    ("Train the Lyon operations team on R550 troubleshooting", "S", "noah", "M", ""),
    ("Reduce severity 2 response time for Telco B tickets", "S", "noah", "H", ""),
    ("Customer to send a 12-month forecast for the S48 rollout", "C", "mallory", "M", ""),
    ("Agree escalation contacts for out-of-hours outages", "J", "ben noah", "M", ""),
    (
        "Plan a site visit to the Marseille landing station (OTX-200, 5 months in service)",
        "J",
        "ada mallory",
        "M",
        "",
    ),
    ("Document the Lyon central office site-visit feedback", "S", "ada", "M", ""),
    ("Investigate DOA rate of S48 switches from batch 2025-W31", "S", "noah", "H", ""),
    ("Customer to return DOA units with failure tags", "C", "ben", "M", ""),
    ("Fix the console cable pinout in the S48 quick start guide", "S", "lena", "L", ""),
    ("Provide the OTX-200 end-of-sale roadmap", "S", "lena", "M", ""),
    ("Customer to share outage reports for the Marseille landing station", "C", "ben", "M", ""),
    ("Align Lyon spare stock with installed base growth", "J", "mallory sam", "M", ""),
    ("Add Telco B to the PCN distribution list", "S", "ada", "L", ""),
    ("Share R550 BGP scaling test results", "S", "lena", "M", ""),
    ("Assess feature request: per-port power monitoring on S48", "S", "lena", "L", ""),
    ("Customer to validate the R550 6.1.3 maintenance release in the lab", "C", "ben", "M", ""),
    ("Publish quarterly delivery performance for Telco B", "S", "sam", "M", ""),
    ("Improve advance shipping notice accuracy for Lyon deliveries", "S", "sam", "L", ""),
    ("Investigate optical power alarms on the Marseille OTX-200 shelves", "S", "noah", "H", ""),
    ("Customer to clean and inspect fibre connectors at Marseille", "C", "ben", "M", ""),
    ("Agree acceptance criteria for the Marseille OTX-200 expansion", "J", "mallory lena", "M", ""),
    ("Root-cause S48 PoE port failures", "S", "noah", "M", ""),
    ("Customer to provide an updated site contact list", "C", "mallory", "L", ""),
    ("Schedule the next quality review meeting in Stuttgart", "J", "ada mallory", "L", ""),
    ("Share the TL 9000 surveillance audit results with Telco B", "S", "ada", "L", ""),
    ("Confirm R550 licence entitlement after the contract renewal", "S", "sam", "L", ""),
    ("Reduce repair turnaround for S48 returns at the Austin depot", "S", "noah", "M", ""),
    ("Customer to update inventory records after RMA swaps", "C", "ben", "L", ""),
    ("Provide French release notes for R550 6.2", "S", "lena", "L", ""),
    ("Review recurring PSU alarms on R550 routers in Lyon", "S", "noah", "M", ""),
    ("Internal: penalty exposure for the late OTX-200 delivery to Telco B", "S", "sam", "H", "private"),
    ("Internal: align Telco B S48 spares pricing with the list price", "S", "ada", "L", "private"),
    ("Internal: prepare the Northwind supplier scorecard", "C", "mallory", "M", "private"),
    ("Internal: compare S48 DOA rate with other access switch vendors", "C", "ben", "M", "private"),
]

PHOTON: list[Spec] = [
    ("Root-cause QSFP-DD 400G ZR failures in OTX-TP4 cards", "S", "omar", "H", ""),
    ("Northwind to provide failing QSFP-DD modules with DDM logs", "C", "noah", "H", ""),
    ("Publish the PCN for CFP2-DCO firmware 2.3", "S", "ines", "M", ""),
    ("Improve on-time delivery of QSFP-DD 400G modules to Stuttgart", "S", "ines", "C", ""),
    ("Agree the incoming inspection sampling plan for CFP2-DCO", "J", "lena omar", "M", ""),
    ("Northwind to share monthly return rates of Photon modules in the field", "C", "ada", "M", ""),
    ("Provide the EDFA module qualification report", "S", "omar", "M", ""),
    ("Northwind to confirm the QSFP-DD forecast for the next two quarters", "C", "sam", "H", ""),
    ("Investigate CFP2-DCO laser frequency drift at high temperature", "S", "omar", "H", ""),
    ("Update the CFP2-DCO integration guide (power-up sequence)", "S", "ines", "L", ""),
    ("Agree the RMA process and failure analysis turnaround", "J", "ada omar", "H", ""),
    ("Northwind to share field return data for Photon optics", "C", "noah", "M", ""),
    ("Provide the Porto fab capacity plan for 2026", "S", "ines", "M", ""),
    ("Qualify a second source for EDFA pump lasers", "S", "omar", "M", ""),
    ("Northwind to define labelling requirements for module trays", "C", "sam", "L", ""),
    ("Correct country-of-origin declarations on Porto shipments", "S", "ines", "L", ""),
    ("Provide an 8D for cracked QSFP-DD housings found at incoming inspection", "S", "omar", "H", ""),
    ("Agree the quarterly program review schedule", "J", "ada ines", "L", ""),
    ("Northwind to audit the Porto fab (TL 9000 supplier audit)", "C", "ada", "M", ""),
    ("Provide ESD test records for the Porto packaging line", "S", "omar", "L", ""),
    ("Share the CFP2-DCO firmware roadmap", "S", "ines", "L", ""),
    ("Northwind to return NFF modules with their test conditions", "C", "noah", "L", ""),
    ("Reduce CFP2-DCO lead time to 8 weeks", "S", "ines", "H", ""),
    ("Review EDFA module pricing for 2026 volumes", "S", "ines", "M", ""),
    ("Agree DDM alarm thresholds for QSFP-DD in OTX-TP4", "J", "lena omar", "M", ""),
    ("Provide reliability (FIT) data for QSFP-DD 400G ZR", "S", "omar", "M", ""),
    ("Internal: review yield loss on QSFP-DD line 2 before the Northwind audit", "S", "omar", "H", "private"),
    ("Internal: plan the price increase communication to Northwind", "S", "ines", "M", "private"),
    ("Internal: evaluate alternative 400G ZR module vendors", "C", "lena", "M", "private"),
    ("Internal: prepare the Photon supplier scorecard", "C", "ada", "M", "private"),
]

REGISTERS = {"northwind-telco-a": TELCO_A, "northwind-telco-b": TELCO_B, "photon-northwind": PHOTON}

# How each register's items end up (counts add up to the register's size).
FATES = {
    "northwind-telco-a": {
        "verified": 26,
        "verified_after_reject": 4,
        "done": 6,
        "cancelled": 3,
        "reopened": 3,
        "reopened_after_verify": 1,
        "in_progress": 14,
        "open": 13,
    },
    "northwind-telco-b": {
        "verified": 18,
        "verified_after_reject": 2,
        "done": 4,
        "cancelled": 2,
        "reopened": 2,
        "reopened_after_verify": 1,
        "in_progress": 11,
        "open": 10,
    },
    "photon-northwind": {
        "verified": 11,
        "verified_after_reject": 1,
        "done": 3,
        "cancelled": 1,
        "reopened": 1,
        "in_progress": 7,
        "open": 6,
    },
}

SUPPLIER_COMMENTS = [
    "Work started; first results expected next week.",
    "Draft is in the shared folder. Please review before the next program review.",
    "Waiting for input from our own supplier; we will confirm a date on Friday.",
    "Escalated internally to the product line manager.",
    "Engineering needs two more weeks to finish this.",
    "Shared the preliminary results in today's call; the final version follows.",
    "On track for the agreed date.",
    "We need one more data set from your side to close this.",
]
CUSTOMER_COMMENTS = [
    "Please give us a firm date; this is on our management review agenda.",
    "Discussed in our weekly operations call; no objections.",
    "Can you share the interim results before the review?",
    "Thanks, this helps. We will check on our side and come back.",
    "Management asked for this to be closed before the end of the quarter.",
    "Our operations team needs this before the next rollout wave.",
    "Uploaded to the shared folder.",
    "Agreed; let us go through it together in the next program review.",
]
PRIVATE_COMMENTS = [
    "Keep this internal until we have the numbers.",
    "Discussed with management; proceed as planned.",
    "Draft ready for internal review.",
    "Need input from finance before we take a position.",
]
DONE_NOTES = [
    "Completed; evidence is in the shared folder.",
    "Report published and walked through in the program review.",
    "Corrective action implemented; returns will be monitored for three months.",
    "Agreed by both sides in the review meeting; minutes circulated.",
    "Document updated and released as revision C.",
    "Data provided as requested.",
    "Closed out in the last program review; both sides agreed the result.",
    "Process change released and operators trained.",
]
REJECT_NOTES = [
    "Returns from the same date codes continue; the action was not effective.",
    "The problem recurred twice in the last month.",
    "The document still shows the old values; please correct.",
    "Turnaround is still above the agreed target in the latest report.",
]
CANCEL_NOTES = [
    "Superseded by a task force action.",
    "No longer needed after the network redesign.",
    "Duplicate of another item in the register.",
    "Dropped from the roadmap by agreement in the program review.",
]
REOPEN_NOTES = [
    "Failure recurred after three clean months; reopening.",
    "The problem came back after the latest software upgrade.",
]


@dataclass
class ItemPlan:
    rel: Any
    title: str
    side: str
    priority: str
    tag: str
    owner: str
    requester: str
    creator: str
    first_due: date
    created_at: datetime
    steps: list[tuple[datetime, str, Any]]  # (when, "comment" | "move" | "flow", detail)
    source_kind: str
    source_label: str


class Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.accesses: dict[tuple[int, int], RelationshipAccess] = {}
        self.item_times: dict[int, list[datetime]] = {}  # item pk → the time of each timeline entry
        self.item_stamps: dict[int, dict[str, datetime | None]] = {}

    # -- helpers ----------------------------------------------------------------------------------
    def access(self, key: str, rel: Any) -> RelationshipAccess:
        user = self.ctx.people[key]
        cache_key = (user.pk, rel.pk)
        if cache_key not in self.accesses:
            found = access_from(user, rel)
            assert found is not None, (key, rel.slug)
            self.accesses[cache_key] = found
        return self.accesses[cache_key]

    def pick_actor(self, rel: Any, item: ActionItem, action: str, preferred: list[str]) -> str:
        slug = rel.slug
        everyone = [*preferred, *WRITERS[slug]["supplier"], *WRITERS[slug]["customer"]]
        for key in dict.fromkeys(everyone):
            access = self.access(key, rel)
            if access.can_write and action in services.allowed_actions(access, item):
                return key
        raise AssertionError(f"nobody may {action} {item.reference}")

    def timeline(self, start: date, end: date, count: int, tz: ZoneInfo) -> list[datetime]:
        """``count`` increasing office-hour times, the first on ``start``, none after ``end``."""
        span = max((end - start).days, 0)
        days = sorted([0] + [self.rng.randint(0, span) for _ in range(count - 1)])
        out: list[datetime] = []
        for offset, group in itertools.groupby(days):
            minutes = sorted(self.rng.sample(range(8 * 60, 19 * 60), len(list(group))))
            day = start + timedelta(days=offset)
            out += [datetime.combine(day, time(m // 60, m % 60), tzinfo=tz) for m in minutes]
        return out

    # -- one item ---------------------------------------------------------------------------------
    def plan(self, rel: Any, spec: Spec, fate: str, due_kind: str) -> ItemPlan:
        """Who raises and works the item, and what happens to it when."""
        title, side_code, owners, priority, tag = spec
        rng, today, slug = self.rng, self.ctx.today, rel.slug
        side = SIDES[side_code]
        private = tag == "private"
        owner = rng.choice(owners.split())
        supplier, customer = WRITERS[slug]["supplier"], WRITERS[slug]["customer"]
        own_writers = supplier if side == OwnerSide.SUPPLIER else customer
        other_writers = customer if side == OwnerSide.SUPPLIER else supplier
        if private:
            requester = rng.choice([k for k in own_writers if k != owner])
        elif side == OwnerSide.JOINT:
            requester = rng.choice(supplier + customer)
        else:
            requester = rng.choice(other_writers)
        creator = requester if rng.random() < 0.7 else KEEPER[slug][self._side_of_key(slug, requester)]

        # The item's life runs from `born` to `last` (never today or later).
        if fate in ("verified", "verified_after_reject", "cancelled"):
            age = rng.randint(45, 425)
            born = today - timedelta(days=age)
            last = born + timedelta(days=rng.randint(20, min(180, age - 3)))
        elif fate == "done":
            age = rng.randint(25, 220)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, 12))
        elif fate in ("reopened", "reopened_after_verify"):
            age = rng.randint(120, 420)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, 25))
        else:
            age = rng.randint(4, 330)
            born = today - timedelta(days=age)
            last = today - timedelta(days=rng.randint(1, min(age - 1, 30)))

        # The workflow in order, with comments slotted in anywhere.
        flow: list[str] = {
            "open": [],
            "in_progress": ["start"],
            "done": ["start", "done"] if rng.random() < 0.7 else ["done"],
            "verified": ["start", "done", "verify"] if rng.random() < 0.75 else ["done", "verify"],
            "verified_after_reject": ["start", "done", "reject", "start", "done", "verify"],
            "reopened": ["start", "done", "reject"] + (["start"] if rng.random() < 0.6 else []),
            "reopened_after_verify": ["start", "done", "verify", "reopen"],
            "cancelled": (["start"] if rng.random() < 0.5 else []) + ["cancel"],
        }[fate]
        steps: list[tuple[str, Any]] = [("flow", action) for action in flow]
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            steps.insert(rng.randint(0, len(steps)), ("comment", None))
        tz = ZoneInfo(rel.time_zone or "UTC")
        times = self.timeline(born, last, 1 + len(steps), tz)
        ends = [
            at for (kind, action), at in zip(steps, times[1:], strict=True) if action in ("done", "cancel")
        ]

        # Due dates: the final one fits the fate; before it, the date was moved 1–3 times, each time
        # shortly before (or just after) the old date came due, to a date still ahead.
        if due_kind == "overdue":
            final_due = max(today - timedelta(days=rng.randint(1, 60)), born + timedelta(days=2))
            final_due = min(final_due, today - timedelta(days=1))
        elif due_kind == "soon":
            final_due = today + timedelta(days=rng.randint(1, 14))
        elif due_kind == "later":
            final_due = today + timedelta(days=rng.randint(15, 120))
        else:
            final_due = born + timedelta(days=rng.randint(21, 90))
        moves = 0
        if rng.random() < (0.6 if due_kind == "overdue" else 0.35):
            moves = rng.choice([1, 1, 1, 2, 2, 3])
        pushes = [rng.randint(14, 45) for _ in range(moves)]
        latest = min([last, *[at.date() - timedelta(days=1) for at in ends[:1]]])
        dues: list[date] = [final_due]
        move_times: list[tuple[datetime, date]] = []
        while pushes:  # fewer moves when the item's life has no room for them all
            dues, move_times = self._moves(final_due, pushes, born, latest, tz)
            if move_times:
                break
            pushes.pop()

        timed: list[tuple[datetime, int, str, Any]] = [
            (at, n, kind, detail) for n, ((kind, detail), at) in enumerate(zip(steps, times[1:], strict=True))
        ]
        timed += [(at, -1, "move", new) for at, new in move_times]
        timed.sort(key=lambda t: (t[0], t[1]))
        source_kind, source_label = self._source(slug, born)
        return ItemPlan(
            rel=rel,
            title=title,
            side=side,
            priority=PRIORITIES[priority],
            tag=tag,
            owner=owner,
            requester=requester,
            creator=creator,
            first_due=dues[0],
            created_at=times[0],
            steps=[(at, kind, detail) for at, _n, kind, detail in timed],
            source_kind=source_kind,
            source_label=source_label,
        )

    def execute(self, plan: ItemPlan, task_forces: dict[str, TaskForce]) -> None:
        """Do what the plan says through the services, then remember when each thing happened."""
        rng, rel, slug, side = self.rng, plan.rel, plan.rel.slug, plan.side
        private = plan.tag == "private"
        supplier, customer = WRITERS[slug]["supplier"], WRITERS[slug]["customer"]
        own_writers = supplier if side == OwnerSide.SUPPLIER else customer
        other_writers = customer if side == OwnerSide.SUPPLIER else supplier
        actors_own = [plan.owner, *(own_writers if side != OwnerSide.JOINT else supplier + customer)]
        item = services.create_item(
            access=self.access(plan.creator, rel),
            title=plan.title,
            owner_side=side,
            owner=self.ctx.people[plan.owner],
            task_force=task_forces.get(plan.tag),
            due_date=plan.first_due,
            priority=plan.priority,
            visibility=Visibility.PRIVATE if private else Visibility.SHARED,
            requested_by=self.ctx.people[plan.requester],
            source_kind=plan.source_kind,
            source_label=plan.source_label,
        )
        stamps: dict[str, datetime | None] = {"done_at": None, "closed_at": None}
        speaker_sides = [own_writers] if private else [supplier, customer]
        turn = rng.randint(0, 1)
        for at, kind, detail in plan.steps:
            if kind == "comment":
                writers = speaker_sides[turn % len(speaker_sides)]
                turn += 1
                if private:
                    pool = PRIVATE_COMMENTS
                else:
                    pool = SUPPLIER_COMMENTS if writers is supplier else CUSTOMER_COMMENTS
                services.comment(
                    access=self.access(rng.choice(writers), rel), item=item, body=rng.choice(pool)
                )
            elif kind == "move":
                mover = next(k for k in actors_own if self.access(k, rel).can_write)
                item = services.update_item(
                    access=self.access(mover, rel), item=item, version=item.version, due_date=detail
                )
            else:
                action = detail
                if action in ("verify", "reject", "reopen"):
                    preferred = [plan.requester] if private else [plan.requester, *other_writers]
                elif action == "cancel":
                    preferred = [plan.requester, *actors_own]
                else:
                    preferred = actors_own
                actor = self.pick_actor(rel, item, action, preferred)
                notes = {
                    "done": DONE_NOTES,
                    "reject": REJECT_NOTES,
                    "cancel": CANCEL_NOTES,
                    "reopen": REOPEN_NOTES,
                }
                item = services.transition(
                    access=self.access(actor, rel),
                    item=item,
                    version=item.version,
                    action=action,
                    note=rng.choice(notes[action]) if action in notes else "",
                )
                if action == "done":
                    stamps["done_at"] = at
                if action in ("verify", "cancel"):
                    stamps["closed_at"] = at
                if action in ("reject", "reopen"):
                    stamps["done_at"] = stamps["closed_at"] = None
        times = [plan.created_at, *(at for at, _kind, _detail in plan.steps)]
        self.item_times[item.pk] = times
        self.item_stamps[item.pk] = {**stamps, "created_at": times[0], "updated_at": times[-1]}

    def _moves(
        self, final_due: date, pushes: list[int], born: date, latest: date, tz: ZoneInfo
    ) -> tuple[list[date], list[tuple[datetime, date]]]:
        """The due dates before ``final_due`` and when each was moved; ([final_due], []) when impossible."""
        dues = [final_due]
        for push in pushes:
            dues.insert(0, dues[0] - timedelta(days=push))
        if dues[0] < born + timedelta(days=7):
            return [final_due], []
        move_times: list[tuple[datetime, date]] = []
        floor = born + timedelta(days=1)
        for old, new in itertools.pairwise(dues):
            lo = max(floor, old - timedelta(days=14))
            hi = min(old + timedelta(days=5), new - timedelta(days=1), latest)
            if lo > hi:
                return [final_due], []
            day = lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
            at = datetime.combine(day, time(self.rng.randint(8, 18), self.rng.randint(0, 59)), tzinfo=tz)
            move_times.append((at, new))
            floor = day + timedelta(days=1)
        return dues, move_times

    @staticmethod
    def _side_of_key(slug: str, key: str) -> str:
        return "supplier" if key in WRITERS[slug]["supplier"] else "customer"

    def _source(self, slug: str, born: date) -> tuple[str, str]:
        roll = self.rng.random()
        month = born.strftime("%B %Y")
        if roll < 0.4:
            return SourceKind.MEETING, f"{self.rng.choice(MEETINGS[slug])}, {month}"
        if roll < 0.55:
            return SourceKind.FEEDBACK, f"Site visit, {self.rng.choice(SITES[slug])}, {month}"
        if roll < 0.7:
            return SourceKind.REPORT, f"Monthly quality report {born:%Y-%m}"
        return SourceKind.MANUAL, ""

    # -- back-dating ------------------------------------------------------------------------------
    def backdate(self) -> None:
        updates = list(
            ActionUpdate.objects.filter(item_id__in=list(self.item_times))
            .order_by("item_id", "id")
            .only("id", "item_id")
        )
        by_item: dict[int, list[ActionUpdate]] = {}
        for update in updates:
            by_item.setdefault(update.item_id, []).append(update)
        for item_id, entries in by_item.items():
            times = self.item_times[item_id]
            assert len(entries) == len(times), (item_id, len(entries), len(times))
            for update, at in zip(entries, times, strict=True):
                update.at = at
        ActionUpdate.objects.bulk_update(updates, ["at"], batch_size=500)
        for item_id, stamps in self.item_stamps.items():
            ActionItem.objects.filter(pk=item_id).update(**stamps)


def _due_kinds(rng: Any, count: int) -> list[str]:
    """For the items still open: about a third overdue, a quarter due within 14 days, the rest later."""
    overdue = round(count * 0.35)
    soon = round(count * 0.25)
    kinds = ["overdue"] * overdue + ["soon"] * soon + ["later"] * (count - overdue - soon)
    rng.shuffle(kinds)
    return kinds


def _task_forces(builder: Builder, rel: Any) -> dict[str, TaskForce]:
    people = builder.ctx.people
    ada = builder.access("ada", rel)
    line_cards = services.create_task_force(
        access=ada,
        name="Line card reliability task force",
        charter=(
            "Bring the R900-LC and OTX-100 line card return rate below the agreed 2026 target: "
            "root-cause the returns from Munich and Hamburg, contain affected date codes and verify "
            "the corrective actions in the field."
        ),
        lead=people["noah"],
        members=[people[k] for k in ("noah", "lena", "carol", "priya")],
    )
    delivery = services.create_task_force(
        access=ada,
        name="Delivery performance task force",
        charter=(
            "Restore on-time delivery to 95 % and repair turnaround to 10 days, with one shared "
            "definition of on time and a rolling forecast from Telco A."
        ),
        lead=people["sam"],
        members=[people[k] for k in ("sam", "ada", "vic", "priya")],
    )
    start = builder.ctx.today - timedelta(days=330)
    TaskForce.objects.filter(pk=line_cards.pk).update(
        created_at=datetime.combine(start, time(10, 0), tzinfo=ZoneInfo("Europe/Berlin"))
    )
    TaskForce.objects.filter(pk=delivery.pk).update(
        created_at=datetime.combine(
            start + timedelta(days=40), time(14, 30), tzinfo=ZoneInfo("Europe/Berlin")
        )
    )
    return {"lc": line_cards, "dl": delivery}


@step(40)
def action_items(ctx: DemoContext) -> None:
    # The demo is written in one transaction and would e-mail everyone about hundreds of invented
    # changes when it commits; notifications has no switch for that, so its two enqueue hooks are
    # patched out for the duration of this step only.
    with (
        mock.patch("accord.register.notifications.on_commit_assigned"),
        mock.patch("accord.register.notifications.on_commit_status"),
    ):
        builder = Builder(ctx)
        for slug, specs in REGISTERS.items():
            rel = ctx.relationships[slug]
            task_forces = _task_forces(builder, rel) if slug == "northwind-telco-a" else {}
            fates = [fate for fate, n in FATES[slug].items() for _ in range(n)]
            assert len(fates) == len(specs), slug
            ctx.rng.shuffle(fates)
            still_open = sum(f in ("open", "in_progress", "reopened", "reopened_after_verify") for f in fates)
            due_kinds = iter(_due_kinds(ctx.rng, still_open))
            plans = []
            for spec, fate in zip(specs, fates, strict=True):
                is_open = fate in ("open", "in_progress", "reopened", "reopened_after_verify")
                plans.append(builder.plan(rel, spec, fate, next(due_kinds) if is_open else ""))
            # Numbered in the order they were raised, as a real register is.
            for plan in sorted(plans, key=lambda p: p.created_at):
                builder.execute(plan, task_forces)
        builder.backdate()
