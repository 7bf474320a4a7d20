"""What the demo's shared expectations teams expect of each other (``expectations.demo``).

Each relationship gets the same eleven expectations, worded for its parties: six measured ones the
customer holds (the TL 9000 measures of measurements.md), three rated ones the customer holds, and two
the supplier holds of the customer. ``role`` tells the story: ``gap`` (a candidate for one of the two
open gaps: the first two whose last month can miss a target become the gaps), ``met``, ``rated``,
``change`` (agreed, with a change proposed and awaiting the other side) and ``proposed`` (not agreed).
"""

from __future__ import annotations

from typing import NamedTuple


class Spec(NamedTuple):
    role: str
    holder: str  # "customer" or "supplier"
    area: str
    statement: str  # "{target}" stands for the target the demo settles on
    measure: str = ""
    comparator: str = ""
    target: float | None = None  # the target the team would like; the demo's data may move it
    basis: int = 1
    step: float = 1.0  # a round step for a target read off the data
    rating_target: int | None = None
    ratings: tuple[int, int] = (4, 4)  # at the two team meetings since the agreement


SPECS: list[Spec] = [
    Spec("gap", "customer", "OTD", "At least {target} % of order lines complete on the requested date",
         "OTD.OTI", "at_least", 95, 1, 1),
    Spec("gap", "customer", "REPAIR", "Turn repairs around in {target} days on average",
         "REPAIR.TAT_MEAN", "at_most", 10, 1, 1),
    Spec("gap", "customer", "SUPPORT", "Answer support tickets within {target} hours (median first response)",
         "SUPPORT.FIRST_RESPONSE_MEDIAN_H", "at_most", 4, 1, 1),
    Spec("met", "customer", "FR", "One-year return rate at most {target} % per year (rolling 12 months)",
         "FR.YRR", "at_most", 1.5, 12, 0.25),
    Spec("met", "customer", "FRT", "{target} % of major fixes or more within 30 days (rolling 12 months)",
         "FRT.2", "at_least", 90, 12, 5),
    Spec("change", "customer", "NPR", "Few major problem reports per normalization unit (rolling 12 months)",
         "NPR.2", "at_most", None, 12, 0.0),
    Spec("rated", "customer", "documentation", "Documentation is accurate, complete and on time",
         rating_target=4, ratings=(4, 4)),
    Spec("rated", "customer", "ordering", "Ordering is easy: quotes, order confirmations and invoices agree",
         rating_target=4, ratings=(4, 5)),
    Spec("proposed", "customer", "training", "Training for the operations staff before each new release",
         rating_target=4),
    Spec("rated", "supplier", "other", "A rolling 12-month forecast, updated before each program review",
         rating_target=3, ratings=(3, 4)),
    Spec("rated", "supplier", "repair", "Complete RMA information (site, serial, fault) with every return",
         rating_target=4, ratings=(4, 4)),
]  # fmt: skip

# Who does what in each relationship: (a customer lead, a supplier lead); the facilitator, if any.
LEADS = {
    "northwind-telco-a": ("tom", "ada"),
    "northwind-telco-b": ("mallory", "sam"),
    "photon-northwind": ("ada", "omar"),
}
PLANNERS = {  # who plans the gaps' actions on the supplier's side, and the owners they name
    "northwind-telco-a": ("sam", ["sam", "noah", "lena"]),
    "northwind-telco-b": ("sam", ["noah", "lena"]),
    "photon-northwind": ("omar", ["ines", "omar"]),
}

# The action plans: for each gap measure, what the supplier plans (title, days until due).
PLANS: dict[str, list[tuple[str, int]]] = {
    "OTD.OTI": [
        ("Agree one definition of 'delivered on time' with the customer's logistics", 21),
        ("Buffer stock for the three fastest-moving products", 45),
        ("Weekly shipment review until two months are on target", 30),
    ],
    "REPAIR.TAT_MEAN": [
        ("Second shift at the repair centre until the backlog is cleared", 25),
        ("Advance replacement for returns older than ten days", 40),
    ],
    "SUPPORT.FIRST_RESPONSE_MEDIAN_H": [
        ("Follow-the-sun rota for the first response", 35),
        ("Alert the duty engineer when a critical ticket is 30 minutes old", 14),
    ],
    "FR.YRR": [
        ("Failure analysis of the last quarter's returns", 30),
        ("Burn-in screening for the affected date codes", 60),
    ],
    "FRT.2": [
        ("Daily triage of major reports with the customer's NOC", 20),
        ("Patch release every four weeks until the backlog is cleared", 50),
    ],
    "NPR.2": [
        ("Root-cause review of the recurring major reports", 30),
        ("Share the known-issues list before each release", 21),
    ],
}
PRIVATE_PLAN = "Internal: cost of the recovery plan, for the supplier's management"
