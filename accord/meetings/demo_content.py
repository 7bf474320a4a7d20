"""The demo meetings' words: the topic logs each relationship starts with, and what people write in
minutes and decisions. Kept apart from the generator (``meetings.demo`` and ``meetings.demo_history``).

Placeholders in minutes and decisions: ``{customer}``, ``{supplier}``, ``{product}``, ``{site}``.
"""

from __future__ import annotations

from typing import NamedTuple

from accord.meetings.models import TopicKind, TopicStatus

K = TopicKind
S = TopicStatus


class TopicSpec(NamedTuple):
    kind: str
    title: str
    description: str
    status: str
    raised_by: str  # a demo person's short name; their side raises it
    raised: int  # days before ctx.today
    settled: int | None = None  # days before ctx.today it was closed, declined or delivered
    private: bool = False  # private to the raising side
    target_release: str = ""
    effective: int | None = None  # change notices: days from ctx.today (negative: in the past)
    products: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # titles of the register's action items it links to


TOPICS: dict[str, list[TopicSpec]] = {
    "northwind-telco-a": [
        TopicSpec(
            K.NONCONFORMANCE,
            "Two optical power meters past their calibration date at Stuttgart final test",
            "Found during Telco A's supplier audit: two meters used in OTX-TP4 final test were overdue for "
            "calibration. Northwind quarantined the lots tested with them and re-tested every card.",
            S.CLOSED,
            "tom",
            330,
            settled=250,
        ),
        TopicSpec(
            K.NONCONFORMANCE,
            "R900-LC rework not traceable to serial numbers in the repair records",
            "Repair records of the Austin depot show the rework step per batch, not per serial number, so "
            "reworked cards cannot be told apart in the field.",
            S.OPEN,
            "carol",
            75,
        ),
        TopicSpec(
            K.AUDIT_FINDING,
            "Internal audit IA-07 (final test, Stuttgart): no burn-in for OTX-TP4 cards",
            "Northwind's internal audit found that OTX-TP4 transponder cards ship without burn-in and that "
            "returned cards are not compared with their final test data. Two improvement actions agreed.",
            S.OPEN,
            "ada",
            150,
            items=(
                "Add burn-in step for OTX-TP4 transponder cards at Stuttgart",
                "Share monthly no-fault-found rate for returned OTX-100 cards",
            ),
        ),
        TopicSpec(
            K.ENGINEERING_COMPLAINT,
            "R900 control plane restarts after the 7.4 upgrade in Munich core",
            "Two unplanned control plane restarts within a week of the upgrade; traffic was protected.",
            S.OPEN,
            "carol",
            60,
            items=("Investigate R900 control plane restart after the 7.4 upgrade",),
        ),
        TopicSpec(
            K.CHANGE_NOTICE,
            "PCN-2026-14: OTX firmware 4.2 and laser driver change",
            "New laser driver component and firmware 4.2 for the OTX family; field upgrade by software, no "
            "hardware swap. Telco A asked for a lab validation before the effective date.",
            S.OPEN,
            "lena",
            40,
            effective=45,
            products=("NW-OTX-100", "NW-OTX-200", "NW-OTX-TP4"),
            items=("Publish PCN-2026-14 impact analysis",),
        ),
        TopicSpec(
            K.CHANGE_NOTICE,
            "PCN-2025-31: MW-E outdoor unit firmware 2.8 (alignment fix)",
            "Fixes the antenna alignment readout of the MW-E outdoor unit.",
            S.CLOSED,
            "lena",
            260,
            settled=150,
            effective=-180,
            products=("NW-MW-E", "NW-MW-IDU"),
            items=("Customer to validate PCN-2025-31 firmware in the Berlin lab",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "OTX shelves damaged on arrival in Hamburg",
            "Three deliveries with crushed corners and one shelf with a bent backplane guide.",
            S.OPEN,
            "priya",
            110,
            items=("Improve packaging of OTX shelves (damaged on arrival in Hamburg)",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Returned cards arrive without failure tags",
            "About a third of the returns from Munich and Hamburg have no fault description, which slows "
            "failure analysis and inflates the no-fault-found rate.",
            S.OPEN,
            "noah",
            130,
            items=("Improve failure tag data quality (missing fault descriptions)",),
        ),
        TopicSpec(
            K.TECHNICAL_ISSUE,
            "R550 LACP flaps after the 6.1 upgrade",
            "Aggregation links flap under load on R550 routers running 6.1; seen in the Hamburg pilot.",
            S.OPEN,
            "priya",
            45,
            items=("Provide a workaround for R550 LACP flaps after the 6.1 upgrade",),
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Streaming telemetry (gNMI) on OTX-100 shelves",
            "Telco A's new monitoring platform collects telemetry by gNMI only.",
            S.NEW,
            "carol",
            20,
            items=("Assess feature request: streaming telemetry on OTX-100",),
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Per-channel optical power history in the OTX element manager",
            "Thirty days of per-channel power history would let operations spot drifting lasers early.",
            S.UNDER_REVIEW,
            "tom",
            95,
            target_release="OTX 5.0",
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Zero-touch provisioning for R550 aggregation routers",
            "New R550 routers should fetch their configuration on first boot at the POP.",
            S.PLANNED,
            "carol",
            210,
            target_release="R550 software 6.3",
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "18 GHz band on MW-E radios",
            "Declined: the E-band hardware cannot cover 18 GHz; the MW-18 radio covers that band.",
            S.DECLINED,
            "priya",
            280,
            settled=200,
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Bulk licence activation for OTX-TP4 400G upgrades",
            "Activate 400G licences for a list of cards in one step instead of card by card.",
            S.DELIVERED,
            "tom",
            420,
            settled=70,
            target_release="OTX 4.1",
        ),
        TopicSpec(
            K.QUALITY_ISSUE,
            "High return rate of OTX-TP4 transponder cards from one capacitor lot",
            "Returns rose sharply for a quarter; the failure analysis traced them to one capacitor lot.",
            S.CLOSED,
            "carol",
            320,
            settled=160,
            items=("Add burn-in step for OTX-TP4 transponder cards at Stuttgart",),
        ),
        TopicSpec(
            K.QUALITY_ISSUE,
            "Optical power drift on R900 100G line cards",
            "Cards returned from Munich core show a slow drift of the transmit power.",
            S.OPEN,
            "carol",
            170,
            items=(
                "Publish 8D report for R900-LC optical power drift",
                "Failure analysis of 12 R900 100G line cards returned from Munich core",
            ),
        ),
        TopicSpec(
            K.ORDERING_ISSUE,
            "Invoice discrepancies on PO 4500-1182",
            "Unit prices on two invoices differ from the order confirmation.",
            S.OPEN,
            "tom",
            55,
            items=("Clarify invoice discrepancies on PO 4500-1182",),
        ),
        TopicSpec(
            K.IMPROVEMENT,
            "One spares pool for Munich and Hamburg",
            "Keep R900 and OTX spares in one pool sized to the installed base of both sites.",
            S.OPEN,
            "sam",
            100,
            items=("Align Munich spare parts stock with the new installed base",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Margin on free RMA replacements for Telco A",
            "Internal: replacements outside warranty are eating the service margin of the account.",
            S.OPEN,
            "sam",
            90,
            private=True,
            items=("Internal: margin impact of free RMA replacements for Telco A",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "Second source for metro WDM under evaluation",
            "Internal to Telco A: procurement evaluates a second metro WDM vendor before the 2027 tender.",
            S.OPEN,
            "tom",
            80,
            private=True,
            items=("Internal: evaluate a second source for metro WDM",),
        ),
    ],
    "northwind-telco-b": [
        TopicSpec(
            K.NONCONFORMANCE,
            "R550 packaging labels without the French text the contract requires",
            "Labels of two deliveries to Lyon carried English text only.",
            S.OPEN,
            "mallory",
            120,
            items=("Add missing French labels to R550 packaging",),
        ),
        TopicSpec(
            K.AUDIT_FINDING,
            "Internal audit IA-03 (outgoing inspection): DOA screening skipped for one S48 batch",
            "The outgoing test of S48 batch 2025-W31 ran a shortened script; the DOA rate of that batch is "
            "four times the usual.",
            S.OPEN,
            "ada",
            200,
            items=(
                "Investigate DOA rate of S48 switches from batch 2025-W31",
                "Share monthly return rate report for S48 switches",
            ),
        ),
        TopicSpec(
            K.ENGINEERING_COMPLAINT,
            "S48 switches stuck in a boot loop after a power outage",
            "Seven switches in Lyon needed a manual reboot after the outage of the equipment room.",
            S.OPEN,
            "ben",
            70,
            items=("Review S48 boot loop after power outage (ticket TS-90114)",),
        ),
        TopicSpec(
            K.CHANGE_NOTICE,
            "PCN-2026-14: OTX firmware 4.2 and laser driver change",
            "Affects the OTX-200 shelves and line amplifiers at Marseille.",
            S.OPEN,
            "lena",
            40,
            effective=45,
            products=("NW-OTX-200", "NW-OTX-AMP"),
            items=("Publish PCN-2026-14 impact analysis for the Telco B installed base",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "Late OTX-200 deliveries for the Marseille expansion",
            "The expansion waits for four shelves that are three weeks late.",
            S.OPEN,
            "mallory",
            95,
            items=("Recover the OTX-200 delivery slip for the Marseille landing station",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Site access windows at Marseille too short for installation",
            "Two-hour windows do not fit the installation of a full shelf.",
            S.OPEN,
            "sam",
            90,
            items=("Customer to confirm Marseille site access windows",),
        ),
        TopicSpec(
            K.TECHNICAL_ISSUE,
            "Optical power alarms on the Marseille OTX-200 shelves",
            "Recurring low-power alarms on two channels since the last maintenance window.",
            S.OPEN,
            "ben",
            50,
            items=("Investigate optical power alarms on the Marseille OTX-200 shelves",),
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Per-port power monitoring on S48 switches",
            "Power draw per PoE port in the management interface.",
            S.UNDER_REVIEW,
            "ben",
            140,
            target_release="S48 software 4.0",
            items=("Assess feature request: per-port power monitoring on S48",),
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "French language in the S48 web interface",
            "Lyon operations would like the local interface in French.",
            S.PLANNED,
            "mallory",
            240,
            target_release="S48 software 3.9",
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "SNMPv3 traps for R550 power supply alarms",
            "Delivered with the maintenance release.",
            S.DELIVERED,
            "ben",
            380,
            settled=120,
            target_release="R550 software 6.1.3",
        ),
        TopicSpec(
            K.QUALITY_ISSUE,
            "R550 fan failures in the Lyon central office",
            "Five fan trays failed within two months; the room runs warm in summer.",
            S.OPEN,
            "mallory",
            150,
            items=("Root-cause R550 fan failures in the Lyon central office",),
        ),
        TopicSpec(
            K.ORDERING_ISSUE,
            "Invoice in USD for PO 7711-203",
            "The order is in EUR; the invoice was issued in USD.",
            S.CLOSED,
            "ben",
            300,
            settled=260,
            items=("Correct invoice currency on PO 7711-203 (EUR, not USD)",),
        ),
        TopicSpec(
            K.IMPROVEMENT,
            "Size the Lyon spare stock to the installed base",
            "The S48 fleet doubled; the spare stock did not.",
            S.OPEN,
            "sam",
            160,
            items=("Align Lyon spare stock with installed base growth",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Penalty exposure for the late OTX-200 delivery",
            "Internal: the contract's delay penalty starts after four weeks.",
            S.OPEN,
            "sam",
            60,
            private=True,
            items=("Internal: penalty exposure for the late OTX-200 delivery to Telco B",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "Delivery rating in the Northwind supplier scorecard",
            "Internal to Telco B: the delivery rating drops to C this year.",
            S.OPEN,
            "mallory",
            45,
            private=True,
            items=("Internal: prepare the Northwind supplier scorecard",),
        ),
    ],
    "photon-northwind": [
        TopicSpec(
            K.NONCONFORMANCE,
            "ESD protection records missing for the Porto packaging line",
            "Northwind's incoming inspection asked for the ESD records of the packaging line; none kept.",
            S.OPEN,
            "ada",
            110,
            items=("Provide ESD test records for the Porto packaging line",),
        ),
        TopicSpec(
            K.AUDIT_FINDING,
            "Internal audit PA-02: first-article inspection not repeated after a housing tooling change",
            "Photon's internal audit traced the cracked QSFP-DD housings to a tooling change without a new "
            "first-article inspection.",
            S.CLOSED,
            "omar",
            260,
            settled=120,
            items=("Provide an 8D for cracked QSFP-DD housings found at incoming inspection",),
        ),
        TopicSpec(
            K.ENGINEERING_COMPLAINT,
            "QSFP-DD 400G ZR modules failing in OTX-TP4 cards",
            "Modules lose link after a few weeks in service; DDM logs show laser bias creeping up.",
            S.OPEN,
            "lena",
            140,
            items=("Root-cause QSFP-DD 400G ZR failures in OTX-TP4 cards",),
        ),
        TopicSpec(
            K.CHANGE_NOTICE,
            "PCN-P-2026-05: CFP2-DCO firmware 2.3",
            "Improves frequency stability at high temperature; field upgrade by software.",
            S.OPEN,
            "ines",
            30,
            effective=60,
            products=("PH-CFP2-DCO",),
            items=("Publish the PCN for CFP2-DCO firmware 2.3",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "On-time delivery of QSFP-DD modules to Stuttgart",
            "Northwind's OTX-TP4 production waited twice for modules this quarter.",
            S.OPEN,
            "sam",
            85,
            items=("Improve on-time delivery of QSFP-DD 400G modules to Stuttgart",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Forecast changes at short notice",
            "Northwind's QSFP-DD forecast changed by 40 % within one month.",
            S.OPEN,
            "ines",
            75,
            items=("Northwind to confirm the QSFP-DD forecast for the next two quarters",),
        ),
        TopicSpec(
            K.TECHNICAL_ISSUE,
            "CFP2-DCO laser frequency drift at high temperature",
            "Seen in Northwind's climate chamber above 65 °C.",
            S.OPEN,
            "lena",
            100,
            items=("Investigate CFP2-DCO laser frequency drift at high temperature",),
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "Extended temperature range for QSFP-DD 400G ZR",
            "Outdoor cabinets need -40 to +85 °C.",
            S.PLANNED,
            "lena",
            230,
            target_release="QSFP-DD ZR revision C",
        ),
        TopicSpec(
            K.FEATURE_REQUEST,
            "DDM alarm thresholds set per customer at the factory",
            "Northwind would like its own thresholds programmed before shipment.",
            S.UNDER_REVIEW,
            "lena",
            60,
            target_release="CFP2-DCO firmware 2.4",
        ),
        TopicSpec(
            K.QUALITY_ISSUE,
            "Cracked QSFP-DD housings at incoming inspection",
            "Hairline cracks near the latch on 2 % of one shipment.",
            S.CLOSED,
            "noah",
            270,
            settled=130,
        ),
        TopicSpec(
            K.ORDERING_ISSUE,
            "Country-of-origin declarations on Porto shipments",
            "Customs held two shipments over missing declarations.",
            S.OPEN,
            "sam",
            65,
            items=("Correct country-of-origin declarations on Porto shipments",),
        ),
        TopicSpec(
            K.IMPROVEMENT,
            "Share field return data of Photon optics",
            "Field returns of Photon modules inside Northwind cards, shared monthly.",
            S.OPEN,
            "omar",
            180,
            items=("Northwind to share field return data for Photon optics",),
        ),
        TopicSpec(
            K.ORGANIZATION_CONCERN,
            "Yield loss on QSFP-DD line 2",
            "Internal to Photon: yield on line 2 fell to 91 % before the Northwind audit.",
            S.OPEN,
            "omar",
            50,
            private=True,
            items=("Internal: review yield loss on QSFP-DD line 2 before the Northwind audit",),
        ),
        TopicSpec(
            K.CUSTOMER_CONCERN,
            "Alternative 400G ZR module vendors",
            "Internal to Northwind: qualify a second 400G ZR source.",
            S.OPEN,
            "lena",
            70,
            private=True,
            items=("Internal: evaluate alternative 400G ZR module vendors",),
        ),
    ],
}

# --- minutes: per agenda item key (the item's binding, or "<kind>:<position>" for unbound items) ------
MINUTES: dict[str, list[str]] = {
    "set:1": [
        "{customer} restated its expectations: fewer line card returns, on-time delivery of 95 % or "
        "better, and answers to severity 2 tickets within four hours. Fay asked that each one stay "
        "measurable.",
        "{customer} added an expectation on change notices: 90 days' notice before a firmware change "
        "reaches the field, with a lab validation slot.",
        "No change to {customer}'s expectations since the last meeting; the delivery expectation now "
        "counts the delivery date, not the ship date.",
    ],
    "set:2": [
        "{supplier} expects a rolling forecast before each program review and failure tags on every "
        "returned card.",
        "{supplier} asked for site access windows agreed two weeks ahead of each installation.",
        "{supplier} repeated its expectation of complete failure tags; the share of returns without "
        "one is falling.",
    ],
    "set:3": [
        "Return rates are above the agreed target for one product line and within it for the others; "
        "on-time delivery is two points under target.",
        "Delivery performance met the target in two of the last three months; repair turnaround "
        "improved but is still above 10 days.",
        "Most measures are within their targets; the line card return rate remains the exception.",
    ],
    "set:4": [
        "Two gaps agreed: the line card return rate and the repair turnaround.",
        "The gap on delivery performance is closing; the gap on return rates is not.",
        "A new gap on change notice lead time was agreed by both sides.",
    ],
    "set:5": [
        "The task forces reported progress on their action plans; Fay summarised the open actions.",
        "Action plans reviewed item by item; owners confirmed their dates.",
    ],
    "set:6": [
        "The team keeps the return rate and on-time delivery as its two tracking measures, reviewed monthly.",
        "Both sides agreed to add repair turnaround time to the monthly measures.",
    ],
    "measurements": [
        "Return rates, on-time delivery and repair turnaround for the last three months reviewed; the "
        "{product} return rate is the one above target.",
        "Measurements walked through; problem report fix times improved, delivery dipped in the holiday "
        "period as expected.",
        "The monthly figures were shared a week ahead; no questions on the numbers themselves.",
    ],
    "register": [
        "Register reviewed: {open} shared items open ({overdue} overdue); {closed} closed since the last "
        "meeting.",
    ],
    "deliveries": [
        "Open order lines reviewed; {product} deliveries are on plan, two lines late by less than a week.",
        "Late lines around the holidays discussed; {supplier} will confirm the recovery dates in writing.",
        "Deliveries on time this quarter except one line of {product}.",
    ],
    "forecasts": [
        "{customer} walked through its 12-month forecast; volumes of {product} grow through the year.",
        "Forecast updated; {supplier} confirmed capacity for the next two quarters.",
        "The forecast is unchanged since the last review apart from a pull-in of {product}.",
    ],
    "program_review:8": [
        "Both sides are content with the contacts; the escalation list was refreshed.",
        "{customer} asked for one contact for change notices; agreed.",
    ],
    "site_visit:1": [
        "Walk through {site}: the equipment runs in the main room; the operations team showed the alarm "
        "history since installation.",
        "Tour of {site} with the local operations team; the installation is clean and well labelled.",
    ],
    "site_visit:2": [
        "Feedback from the teams at {site}: hardware reliable so far; ordering is easy; the installation "
        "guide missed two torque values; training was good but came late; one invoice was wrong.",
        "Feedback from installation and operations: delivery on time, documentation adequate, the "
        "technical support answered quickly; packaging was damaged twice.",
    ],
}
# Topic-bound items: the open topics of that kind are listed; these follow them.
TOPIC_FOLLOW_UP = [
    "Owners confirmed their next steps.",
    "Both sides agreed to review the status at the next meeting.",
    "No disagreement on the plan.",
]
NOTHING_NEW = "Nothing open under this item."

DECISIONS: dict[str, list[str]] = {
    "set:4": ["The team tracks the two agreed gaps with the line card reliability task force."],
    "set:6": ["Repair turnaround time becomes a tracking measure of the team from next month."],
    "measurements": [
        "{supplier} adds the TL 9000 NPR and FRT figures to the monthly quality report.",
        "Return rates are reported per product line from next month.",
    ],
    "deliveries": [
        "{supplier} sends a weekly delivery status until the late lines are recovered.",
    ],
    "forecasts": [
        "{customer} updates the rolling 12-month forecast before each program review.",
    ],
    "register": [
        "Items overdue by more than 30 days are escalated to the account leads.",
    ],
    "topics:feature_request": [
        "Feature requests are reviewed once a quarter; the product manager answers each within a month.",
    ],
    "topics:change_notice": [
        "{customer} validates each firmware change notice in its lab before the effective date.",
    ],
    "site_visit:2": [
        "Every feedback issue from the visit goes into the register with an owner on each side.",
    ],
}
