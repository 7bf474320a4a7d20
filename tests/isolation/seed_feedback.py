"""The site-visit feedback of a seeded relationship (seed.py): every text field marked. The supplier's
lead adds a marked area to the guidance's twelve, prepares an open survey (marked title and equipment),
invites a customer person without an account (marked name and address) and the customer's lead; both
answer with marked comments, low ratings among them; the supplier triages: one item created (its title
marked), one merged into an item the supplier then made private (``SUP``), one dismissed with a marked reason.
Written through the feedback services.

Feedback is the relationship's members' business: both sides read it (``SH``); a facilitator none of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accord.feedback import answering, services, triage
from accord.feedback.answering import AreaAnswer
from accord.feedback.models import Proposal
from accord.feedback.services import AreaInput, Invitee
from accord.parties.access import relationship_for_user
from accord.parties.models import Relationship
from accord.register import services as register
from tests.isolation.markers import Registry


def seed_feedback(m: Registry, s: str, rel: Relationship, supplier: Any, customer: Any) -> None:
    """``supplier`` and ``customer``: a lead (editor or admin) of each side of ``rel``."""

    def mark(what: str, vis: str = "SH") -> str:
        return m.new(s, vis, what)

    ours = relationship_for_user(supplier, pk=rel.pk, write=True)
    theirs = relationship_for_user(customer, pk=rel.pk, write=True)
    template = services.current_template(rel)
    areas = [AreaInput(key=a.key, title=a.title, question=a.question) for a in template.areas.all()]
    areas.append(
        AreaInput(title=mark("feedback.TemplateArea.title"), question=mark("feedback.TemplateArea.question"))
    )
    services.save_template(
        access=ours, areas=areas, note=mark("feedback.SurveyTemplate.note"), version=template.version
    )
    survey = services.create_survey(
        access=ours,
        title=mark("feedback.Survey.title"),
        closes_on=timezone.localdate() + timedelta(days=30),
        equipment=mark("feedback.Survey.equipment"),
    )
    external = mark("feedback.Invitation.email").lower() + "@respondents.example"
    services.invite(
        access=theirs,
        survey=survey,
        invitees=[
            Invitee(function="operation", name=mark("feedback.Invitation.name"), email=external),
            Invitee(function="engineering", user_id=customer.pk),
        ],
    )
    survey = services.open_survey(access=ours, survey=survey)
    ids = dict(survey.template.areas.values_list("key", "pk"))
    for email in (external, customer.email.lower()):
        invitation = survey.invitations.get(email=email)
        answering.save(
            invitation=invitation,
            answers=[
                AreaAnswer(area_id=ids["delivery"], rating=2, comment=mark("feedback.Answer.comment")),
                AreaAnswer(area_id=ids["documentation"], rating=4, comment=mark("feedback.Answer.comment")),
            ],
            submit=True,
        )
    low = list(Proposal.objects.filter(survey=survey).order_by("pk"))
    triage.create_item(access=ours, proposal=low[0], title=mark("register.ActionItem.title"))
    # merged into a shared item that the supplier then made its own: from then on the supplier's alone
    merged_into = register.create_item(access=ours, title=mark("register.ActionItem.title", "SUP"))
    triage.merge(access=ours, proposal=low[1], item=merged_into)
    register.update_item(access=ours, item=merged_into, version=merged_into.version, visibility="private")
    flagged = triage.flag(access=ours, answer=survey.responses.first().answers.get(area__key="documentation"))
    triage.dismiss(access=ours, proposal=flagged, reason=mark("feedback.Proposal.dismiss_reason"))
