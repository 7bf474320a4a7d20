from __future__ import annotations

from ninja import Router, Schema

from accord.lib.api import responses
from accord.lib.types import AuthedRequest
from accord.parties.models import Guest, Membership

router = Router(tags=["me"])


class PartyRef(Schema):
    id: int
    slug: str
    name: str


class MembershipOut(Schema):
    party: PartyRef
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    time_zone: str
    memberships: list[MembershipOut]
    facilitator_of: list[int]


@router.get("/me", response=responses({200: MeOut}), summary="Who am I")
def me(request: AuthedRequest) -> dict[str, object]:
    user = request.user
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("party")
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "time_zone": user.time_zone,
        "memberships": [{"party": m.party, "role": m.role} for m in memberships],
        "facilitator_of": list(
            Guest.objects.filter(user=user, is_active=True).values_list("relationship_id", flat=True)
        ),
    }
