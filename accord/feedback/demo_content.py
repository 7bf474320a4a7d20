"""What the demo's site-visit surveys say (``feedback.demo``): who answers for each customer, and for
each visit the ratings that differ from the visit's usual ones, the comments, and how the supplier
triaged every issue raised. Kept apart from the generator.

Each relationship has one weak area that improves over its three surveys: Telco A's documentation (low
at the Munich visit, better at Hamburg, good before the Berlin visit), Telco B's training (low at the
Lyon visit, better at the S48 survey, good at Marseille). Areas not named in a respondent's answers get
the visit's usual rating (4, or ``base``) with a small spread that never falls below 3, so that only the
ratings written here become proposals; an area the respondent's function has no dealings with is "not
applicable".
"""

from __future__ import annotations

from typing import NamedTuple

# The customers' people who answer: a member of the customer (by their demo key, ``ctx.people``) or a
# person without an account (name, e-mail), and their function.
MEMBERS = {"carol": "engineering", "vic": "procurement", "priya": "installation", "ben": "operation"}
EXTERNALS: dict[str, tuple[str, str, str]] = {
    "aylin": ("Aylin Demir", "aylin.demir@telco-a.example", "activation"),
    "markus": ("Markus Lehmann", "markus.lehmann@telco-a.example", "operation"),
    "sofia": ("Sofia Richter", "sofia.richter@telco-a.example", "operation"),
    "jonas": ("Jonas Weber", "jonas.weber@fieldworks.example", "installation"),  # Telco A's installer
    "hugo": ("Hugo Martin", "hugo.martin@telco-b.example", "engineering"),
    "lea": ("Léa Bernard", "lea.bernard@telco-b.example", "procurement"),
    "claire": ("Claire Dubois", "claire.dubois@reseau-services.example", "installation"),  # Telco B's
    "julien": ("Julien Moreau", "julien.moreau@telco-b.example", "activation"),
    "camille": ("Camille Roux", "camille.roux@telco-b.example", "operation"),
}
# What a function usually has no dealings with: "not applicable" unless its answer says otherwise.
NOT_APPLICABLE = {
    "engineering": {"invoices", "ordering"},
    "procurement": {"installation", "repair", "training", "support", "quality", "documentation"},
    "installation": {"invoices", "ordering", "change_notices"},
    "activation": {"invoices", "ordering", "repair"},
    "operation": {"invoices", "ordering", "installation"},
}

# Who runs the surveys and triages on the supplier's side, and who invites on the customer's.
LEADS = {"northwind-telco-a": ("ada", "tom"), "northwind-telco-b": ("sam", "mallory")}


class Say(NamedTuple):
    """One respondent's answers: ratings (1–5 or "na") where they differ from the visit's usual, and
    comments by area."""

    who: str
    ratings: dict[str, int | str]
    comments: dict[str, str] = {}
    submit: bool = True  # False: a draft saved, not submitted


class Decide(NamedTuple):
    """How the supplier triaged what ``who`` raised on ``area`` (a rating of 2 or less, or a comment
    ``flag``-ged by the reviewer). ``create``: a new item (``title``, ``owner``), which then goes as far
    as ``fate``; ``merge``: into the item created for ``into`` ("who:area") of the same survey, or into
    the register's item titled ``into`` ("register:…") when it was open at the time (else a new item
    titled ``title``); ``dismiss`` with ``reason``; ``open``: left for triage."""

    who: str
    area: str
    action: str
    title: str = ""
    owner: str = ""
    into: str = ""
    reason: str = ""
    flag: bool = False
    fate: str = "open"  # a created item's end: open · in_progress · done · verified


class Visit(NamedTuple):
    """One survey. ``meeting``: the site-visit meeting's site (the meetings demo's; "" for a survey
    without a visit, which opens ``opened`` days before today); ``state``: closed, or open ahead of an
    upcoming visit."""

    slug: str
    title: str
    site: str
    products: tuple[str, ...]
    says: list[Say]
    decide: list[Decide]
    meeting: str = ""
    opened: int = 0
    invited_only: tuple[str, ...] = ()  # asked, never answered
    anonymous: bool = False
    state: str = "closed"
    base: dict[str, int] = {}


TELCO_A, TELCO_B = "northwind-telco-a", "northwind-telco-b"
DOCS, TRAINING = "documentation", "training"

VISITS: list[Visit] = [
    Visit(
        TELCO_A,
        "Munich core data centre: site visit",
        "ta-munich",
        ("NW-OTX-200",),
        meeting="ta-munich",
        says=[
            Say("carol", {DOCS: 2}, {DOCS: "The OTX-200 commissioning guide describes release 3.1; the "
                "shelves came with 3.2 and the alarm list differs."}),
            Say("vic", {"invoices": 2, "ordering": 4}, {"invoices": "Invoices show our PO number on the "
                "first page only, so our accounts payable cannot match the later pages."}),
            Say("priya", {DOCS: 1, "delivery": 3}, {DOCS: "The installation manual has no fibre-routing "
                "drawings for our 600 mm racks: the crews worked them out on site.", "installation": "Good "
                "crews, clean handover."}),
            Say("aylin", {DOCS: 2}, {DOCS: "The activation steps in the guide are for release 3.1, not the "
                "3.2 we run."}),
            Say("markus", {DOCS: 3}, {DOCS: "The alarm reference misses several OTX-200 alarms we see every "
                "week."}),
            Say("sofia", {DOCS: 2}),
        ],
        decide=[
            Decide("priya", DOCS, "create", "Add fibre-routing drawings for 600 mm racks to the OTX-200 "
                   "installation manual", "lena", fate="verified"),
            Decide("carol", DOCS, "create", "Publish the OTX-200 commissioning guide for release 3.2", "lena",
                   fate="verified"),
            Decide("aylin", DOCS, "merge", into="carol:documentation"),
            Decide("markus", DOCS, "create", "Complete the OTX-200 alarm reference with the alarms seen in "
                   "operation", "lena", flag=True, fate="verified"),
            Decide("sofia", DOCS, "dismiss", reason="Asked at the visit: the operation team's documentation "
                   "concerns are the ones already raised (the commissioning guide and the alarm "
                   "reference)."),
            Decide("vic", "invoices", "dismiss", reason="Telco A's accounts-payable import reads the PO "
                   "number from the header only, and every page of Northwind's invoices carries it; agreed "
                   "at the visit that nothing needs to change."),
        ],
    ),
    Visit(
        TELCO_A,
        "Hamburg metro POP: site visit",
        "ta-hamburg",
        ("NW-OTX-100",),
        meeting="ta-hamburg",
        invited_only=("sofia",),
        says=[
            Say("carol", {DOCS: 4}),
            Say("vic", {"delivery": 3}),
            Say("priya", {DOCS: 3, "delivery": 2}, {DOCS: "The drawings are in the manual now; the cable "
                "label table still uses the old port names.", "delivery": "Two OTX-100 shelves arrived with "
                "crushed corners."}),
            Say("aylin", {DOCS: 4}, {DOCS: "The 3.2 commissioning guide made activation straightforward."}),
            Say("markus", {DOCS: 3, TRAINING: 2}, {TRAINING: "The OTX-100 course came two weeks after the "
                "shelves went live; the night shift learned on live traffic."}),
        ],
        decide=[
            Decide("markus", TRAINING, "create", "Train the Hamburg operation team before each new release "
                   "goes live", "noah", fate="verified"),
            Decide("priya", "delivery", "merge", "Pack OTX-100 shelves so that they arrive undamaged", "sam",
                   into="register:Improve packaging of OTX shelves (damaged on arrival in Hamburg)"),
        ],
    ),
    Visit(
        TELCO_A,
        "Berlin network lab: site visit",
        "ta-berlin",
        ("NW-MW-E", "NW-MW-IDU"),
        meeting="ta-berlin",
        state="open",
        invited_only=("jonas",),
        says=[
            Say("carol", {DOCS: 4}, {DOCS: "The MW-E guide is clear; the alignment procedure with photos "
                "helped."}),
            Say("vic", {"ordering": 5}),
            Say("priya", {DOCS: 5, "installation": 5}),
            Say("aylin", {DOCS: 4, "npi": 2}, {"npi": "The MW-E trial units came without the licence keys "
                "for the 10G mode."}),
            Say("markus", {DOCS: 4, "support": 2}, {"support": "Two E-band tickets waited most of a day for "
                "a first answer."}),
            Say("sofia", {DOCS: 4, "support": 3}, submit=False),
        ],
        decide=[
            Decide("aylin", "npi", "create", "Ship MW-E trial units with their licence keys", "sam"),
            Decide("markus", "support", "open"),
        ],
    ),
    Visit(
        TELCO_B,
        "Lyon central office: site visit",
        "tb-lyon",
        ("NW-R550",),
        meeting="tb-lyon",
        says=[
            Say("hugo", {TRAINING: 3, "quality": 4}, {"quality": "Two R550 fan alarms in the first month; "
                "otherwise stable."}),
            Say("lea", {"ordering": 2}, {"ordering": "Quotes for the R550 configurations took two weeks."}),
            Say("claire", {TRAINING: 3}),
            Say("julien", {TRAINING: 2}, {TRAINING: "The activation course covered R550 software 5.x; we "
                "went live on 6.1."}),
            Say("ben", {TRAINING: 1}, {TRAINING: "No R550 training before go-live: the NOC learned the CLI "
                "on live traffic."}),
            Say("camille", {TRAINING: 2}),
        ],
        decide=[
            Decide("ben", TRAINING, "create", "Train the Lyon NOC on R550 operation before go-live", "noah",
                   fate="verified"),
            Decide("julien", TRAINING, "merge", into="ben:training"),
            Decide("camille", TRAINING, "merge", into="ben:training"),
            Decide("hugo", "quality", "merge", "Root-cause the R550 fan alarms at Lyon", "noah", flag=True,
                   into="register:Root-cause R550 fan failures in the Lyon central office", fate="verified"),
            Decide("lea", "ordering", "dismiss", reason="The quotes waited for Telco B's revised bill of "
                   "materials (two changes in one week); standard R550 quotes go out within three working "
                   "days."),
        ],
    ),
    Visit(
        TELCO_B,
        "Lyon central office: S48 access switches after five months",
        "tb-lyon",
        ("NW-S48",),
        opened=240,
        anonymous=True,
        invited_only=("julien",),
        says=[
            Say("hugo", {TRAINING: 3}),
            Say("lea", {"delivery": 3}),
            Say("claire", {TRAINING: 4, "delivery": 2}, {"delivery": "Two pallets of S48s came without the "
                "French labels."}),
            Say("ben", {TRAINING: 3}, {TRAINING: "Better: the S48 course came before the first switches went "
                "live, but in English only."}),
            Say("camille", {TRAINING: 4, "repair": 2}, {"repair": "Two S48 returns took five weeks to come "
                "back."}),
        ],
        decide=[
            Decide("camille", "repair", "create", "Bring S48 repairs at the Austin depot back within three "
                   "weeks", "noah", fate="in_progress"),
            Decide("claire", "delivery", "dismiss", reason="Those pallets came from the reseller's stock, "
                   "not from Northwind; Telco B's procurement took it up with the reseller."),
        ],
    ),
    Visit(
        TELCO_B,
        "Marseille landing station: feedback without a visit",
        "tb-marseille",
        ("NW-OTX-200", "NW-OTX-AMP"),
        opened=72,
        says=[
            Say("hugo", {TRAINING: 4}),
            Say("lea", {"delivery": 2}, {"delivery": "Two of the four OTX-200 shelves are still missing; the "
                "expansion waits for them."}),
            Say("claire", {TRAINING: 4}),
            Say("julien", {TRAINING: 4}, {TRAINING: "The OTX course was in French this time, and before "
                "go-live."}),
            Say("ben", {TRAINING: 5, "quality": 2}, {"quality": "Optical power alarms on two shelves since "
                "installation."}),
            Say("camille", {TRAINING: 4}),
        ],
        decide=[
            Decide("lea", "delivery", "merge", "Ship the missing OTX-200 shelves for the Marseille expansion",
                   "sam",
                   into="register:Recover the OTX-200 delivery slip for the Marseille landing station"),
            Decide("ben", "quality", "merge", "Investigate the optical power alarms on the Marseille shelves",
                   "noah", into="register:Investigate optical power alarms on the Marseille OTX-200 shelves"),
        ],
    ),
]  # fmt: skip
