"""Who may own an action item: the one rule, read by the services, the proposals, the forms, the
importer and the e-mails (which tell the owning side's writers of a proposal nobody else plans)."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.accounts.models import User
from accord.parties.models import WRITE_ROLES, Membership, Relationship
from accord.register import workflow
from accord.register.models import ActionItem


def owner_memberships(relationship: Relationship) -> QuerySet[Membership]:
    """Who may own an action item, or take part in a task force: the active editors and admins of
    either side (viewers cannot move items, so they cannot own them)."""
    return Membership.objects.filter(
        party_id__in=[relationship.supplier_id, relationship.customer_id],
        role__in=WRITE_ROLES,
        is_active=True,
        user__is_active=True,
    )


def possible_owners(item: ActionItem, owner_side: str | None = None) -> QuerySet[User]:
    """Who may own ``item`` (with ``owner_side``, default its own): the active editors and admins of
    the owning side's party (of either party for a joint item), by name."""
    parties = workflow.owning_party_ids(item.relationship, owner_side or item.owner_side)
    memberships = owner_memberships(item.relationship).filter(party_id__in=parties)
    return User.objects.filter(memberships__in=memberships).distinct().order_by("full_name")
