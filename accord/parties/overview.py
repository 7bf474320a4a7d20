"""What the tenancy core adds to the relationship pages and the home page: the overview tab, and how
many people work in each relationship."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accord.lib import nav, summary
from accord.parties.access import RelationshipAccess
from accord.parties.models import Membership

nav.tab(0, "parties:relationship", _("Overview"), for_guests=True)


@summary.provider(20)
def people(accesses: Sequence[RelationshipAccess]) -> dict[int, list[summary.Fact]]:
    party_ids = {a.relationship.supplier_id for a in accesses} | {
        a.relationship.customer_id for a in accesses
    }
    members = dict(
        Membership.objects.filter(party_id__in=party_ids, is_active=True, user__is_active=True)
        .values("party_id")
        .annotate(n=Count("id"))
        .values_list("party_id", "n")
    )
    out: dict[int, list[summary.Fact]] = {}
    for a in accesses:
        rel = a.relationship
        url = reverse("parties:relationship", args=[rel.slug])
        n = members.get(rel.supplier_id, 0) + members.get(rel.customer_id, 0)
        out[rel.pk] = [summary.Fact(ngettext("%(n)d person", "%(n)d people", n) % {"n": n}, n, url)]
    return out
