"""Surveys as the test people make them: Ada (Northwind's admin) prepares a site-visit survey of Telco A,
invites Carol (a member) and Grace (operation, no account), and opens it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.feedback import answering, door, services
from accord.feedback.answering import AreaAnswer
from accord.feedback.models import Invitation, Response, Survey
from accord.feedback.services import Invitee
from accord.parties.access import RelationshipAccess, access_from

GRACE = "grace@telco-a.example"


def access(world: Any, who: Any = None, rel: Any = None) -> RelationshipAccess:
    found = access_from(who or world.ada, rel or world.nw_ta)
    assert found is not None
    return found


def survey(world: Any, *, open_it: bool = True, anonymous: bool = False, days: int = 14, **kw: Any) -> Survey:
    made = services.create_survey(
        access=access(world),
        title=kw.pop("title", "Munich core site visit"),
        closes_on=timezone.localdate() + timedelta(days=days),
        site=kw.pop("site", world.ta_site),
        anonymous=anonymous,
        **kw,
    )
    services.invite(
        access=access(world),
        survey=made,
        invitees=[
            Invitee(function="engineering", user_id=world.carol.pk),
            Invitee(function="operation", name="Grace Hopper", email=GRACE),
        ],
    )
    if open_it:
        made = services.open_survey(access=access(world), survey=made)
    return made


def invitation(s: Survey, email: str = GRACE) -> Invitation:
    return Invitation.objects.select_related("survey__relationship", "user").get(survey=s, email=email)


def token(s: Survey, email: str = GRACE) -> str:
    return door.token_for(invitation(s, email))


def areas(s: Survey) -> dict[str, int]:
    """Area key → id in the survey's template."""
    return dict(s.template.areas.values_list("key", "pk"))


def answer(s: Survey, ratings: dict[str, Any], *, email: str = GRACE, submit: bool = True) -> Response:
    """Answer ``ratings`` (key → rating, "na", or (rating, comment)) as the invitee with ``email``."""
    ids = areas(s)
    given = []
    for key, value in ratings.items():
        rating, comment = value if isinstance(value, tuple) else (value, "")
        given.append(
            AreaAnswer(
                area_id=ids[key],
                rating=None if rating == "na" else rating,
                not_applicable=rating == "na",
                comment=comment,
            )
        )
    return answering.save(invitation=invitation(s, email), answers=given, submit=submit)
