"""What operational data adds to the relationship pages and the home page: the Data tab, the
installed base beside the sites, and the units installed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accord.lib import nav, overview, summary
from accord.operations import selectors
from accord.operations.models import InstalledBase
from accord.parties.access import RelationshipAccess

nav.tab(50, "operations:data", _("Data"), "operations:batch")


@overview.section(10, "operations/_installed_base.html", area="sites")
def installed_base(access: RelationshipAccess) -> dict[str, Any]:
    return {"installed": selectors.installed_base_in(access.relationship)}


@summary.provider(30)
def units_installed(accesses: Sequence[RelationshipAccess]) -> dict[int, list[summary.Fact]]:
    members = [a for a in accesses if not a.is_guest]
    units = dict(
        InstalledBase.objects.filter(relationship__in=[a.relationship for a in members])
        .values("relationship_id")
        .annotate(n=Sum("quantity"))
        .values_list("relationship_id", "n")
    )
    out: dict[int, list[summary.Fact]] = {}
    for a in members:
        n = units.get(a.relationship.pk)
        if n:
            url = reverse("parties:relationship", args=[a.relationship.slug])
            label = ngettext("%(n)d unit installed", "%(n)d units installed", n) % {"n": n}
            out[a.relationship.pk] = [summary.Fact(label, n, url)]
    return out
