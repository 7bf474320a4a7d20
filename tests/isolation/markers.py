"""Isolation markers: unique strings that name their tenant and visibility, and who may read each.

A marker reads ``MK-<SCOPE>-<VIS>-<5 digits>``. The scope is a relationship (``TA`` Northwind → Telco A,
``TB`` Northwind → Telco B, ``AN`` Telco A → Northwind) or a party (``PNW``, ``PTA``, ``PTB``); the
visibility is ``SH`` (both sides of the relationship; for a party: its members and its counterparts),
``SUP``/``CUS`` (private to the relationship's supplier/customer side) or ``OWN`` (a party's own
members only). ``Registry.allowed`` is the rule of architecture.md ("Tenancy and access") as a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MARKER = re.compile(r"MK-(TA|TB|AN|PNW|PTA|PTB)-(SH|SUP|CUS|OWN)-\d{5}", re.IGNORECASE)

# What a facilitator sees of their relationship: its overview and its people (architecture.md), her
# shared expectations team's meetings (the markers seeded into them carry ``team``), whose agenda lists
# the shared action items as the team's action plans (``meetings.sections``: the shared view), and the
# team's expectations (their terms, assessments and gaps; of a gap's action plan, the shared items).
FACILITATOR_MODELS = {
    "parties.Relationship",
    "parties.Party",
    "accounts.User",
    "register.ActionItem.title",
    "expectations.Expectation",
    "expectations.Revision",
    "expectations.Assessment",
    "expectations.Gap",
}
# What an external meeting guest reads of the meeting's sides: their names, sites and people.
EXTERNAL_GUEST_MODELS = {"parties.Party", "parties.Site", "accounts.User"}


@dataclass(frozen=True)
class Meaning:
    scope: str
    vis: str
    what: str  # "app.Model.field" (or a note) of the row it was seeded into
    team: bool = False  # seeded into a shared expectations team's meeting: its facilitator reads it


@dataclass(frozen=True)
class Viewer:
    """Who reads: the parties they are an active member of, the relationships they are a guest of."""

    name: str
    parties: frozenset[int]
    guest_of: frozenset[int] = frozenset()
    # the relationships whose meetings invite them as an external guest (no account): they read those
    # meetings' e-mails (invitation, pre-read, approved minutes), which name the meeting and its sides
    attends: frozenset[int] = frozenset()
    # the relationships whose feedback surveys invite them by link (no account): they read those surveys'
    # e-mails, which name the survey, its areas and the relationship's sides
    responds: frozenset[int] = frozenset()


@dataclass
class Registry:
    scopes: dict[str, Any] = field(default_factory=dict)  # scope → Relationship or Party
    meanings: dict[str, Meaning] = field(default_factory=dict)

    def new(self, scope: str, vis: str, what: str, *, team: bool = False) -> str:
        assert scope in self.scopes, scope
        marker = f"MK-{scope}-{vis}-{len(self.meanings) + 1:05d}"
        self.meanings[marker] = Meaning(scope, vis, what, team)
        return marker

    def found(self, text: str) -> set[str]:
        return {m.group(0).upper() for m in MARKER.finditer(text)}

    def allowed(self, viewer: Viewer, marker: str) -> bool:
        meaning = self.meanings.get(marker)
        if meaning is None:  # a marker-looking string nobody seeded: a mangled one, report it
            return False
        target = self.scopes[meaning.scope]
        model = ".".join(meaning.what.split(".")[:2])
        for rels, prefix in ((viewer.attends, "meetings."), (viewer.responds, "feedback.")):
            if not rels or meaning.vis != "SH":
                continue
            if meaning.scope.startswith("P"):
                sides = {p for r in self._all() if r.pk in rels for p in (r.supplier_id, r.customer_id)}
                if target.pk in sides and model in EXTERNAL_GUEST_MODELS:
                    return True
            elif target.pk in rels and model.startswith(prefix):
                return True
        if meaning.scope.startswith("P"):  # a party's own data
            if target.pk in viewer.parties:
                return True
            if meaning.vis != "SH":
                return False
            related = self._relationships(viewer.parties)
            if any(target.pk in (r.supplier_id, r.customer_id) for r in related):
                return True
            guest = [r for r in self._all() if r.pk in viewer.guest_of]
            return model in FACILITATOR_MODELS and any(
                target.pk in (r.supplier_id, r.customer_id) for r in guest
            )
        sides = {target.supplier_id: "SUP", target.customer_id: "CUS"}
        mine = {sides[p] for p in viewer.parties if p in sides}
        if mine:
            return meaning.vis == "SH" or meaning.vis in mine
        return (
            target.pk in viewer.guest_of
            and meaning.vis == "SH"
            and (model in FACILITATOR_MODELS or meaning.what in FACILITATOR_MODELS or meaning.team)
        )

    def forbidden(self, viewer: Viewer, text: str) -> set[str]:
        return {m for m in self.found(text) if not self.allowed(viewer, m)}

    def _all(self) -> list[Any]:
        return [s for k, s in self.scopes.items() if not k.startswith("P")]

    def _relationships(self, parties: frozenset[int]) -> list[Any]:
        return [r for r in self._all() if {r.supplier_id, r.customer_id} & parties]
