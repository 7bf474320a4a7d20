"""The feedback services: areas with versions, surveys, invitations, answering and its checks, and
proposals from weak ratings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.audit.models import AuditEvent
from accord.feedback import answering, services
from accord.feedback.answering import AreaAnswer
from accord.feedback.areas import COMMENT_MAX
from accord.feedback.models import Proposal, ProposalReason, Response, SurveyStatus, TemplateArea
from accord.feedback.services import AreaInput, Invitee
from accord.lib.errors import Conflict
from tests.feedback.helpers import GRACE, access, answer, areas, invitation, survey

pytestmark = pytest.mark.django_db


def test_a_relationship_starts_with_the_guidance_s_twelve_areas(world: Any) -> None:
    template = services.current_template(world.nw_ta)
    keys = list(template.areas.values_list("key", flat=True))
    assert len(keys) == 12 and keys[0] == "quality" and keys[-1] == "training"
    assert template.version == 1


def test_editing_the_areas_makes_a_version_and_old_surveys_keep_their_questions(world: Any) -> None:
    old = survey(world)
    answer(old, {"delivery": 2})
    template = services.current_template(world.nw_ta)
    rows = list(template.areas.all())
    edited = [AreaInput(key=a.key, title=a.title, question=a.question) for a in rows if a.key != "invoices"]
    edited[0] = AreaInput(
        key="quality", title="Hardware and software quality", question="How reliable is it?"
    )
    edited.append(AreaInput(title="Spare parts", question="How quickly do spares arrive?"))
    new = services.save_template(access=access(world), areas=edited, note="drop invoices", version=1)
    assert new.version == 2
    assert list(new.areas.values_list("key", flat=True))[-1] == "spare-parts"
    assert not new.areas.filter(key="invoices").exists()
    old.refresh_from_db()
    assert old.template.version == 1 and old.template.areas.filter(key="invoices").exists()
    assert TemplateArea.objects.get(template=old.template, key="quality").title.startswith("Quality")
    with pytest.raises(Conflict):  # started from version 1, which is no longer the latest
        services.save_template(access=access(world), areas=edited, version=1)


def test_only_a_supplier_lead_edits_the_areas_and_prepares_surveys(world: Any) -> None:
    for who in (world.carol, world.val):
        with pytest.raises(PermissionDenied):
            services.save_template(access=access(world, who), areas=[AreaInput(title="A", question="B")])
        with pytest.raises(PermissionDenied):
            services.create_survey(access=access(world, who), title="X", closes_on=timezone.localdate())


def test_a_survey_is_numbered_and_opening_it_sends_each_person_their_link(world: Any) -> None:
    mail.outbox.clear()
    made = survey(world, open_it=False)
    assert made.ref == "FB-1" and made.status == SurveyStatus.DRAFT and not mail.outbox
    services.open_survey(access=access(world), survey=made)
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert set(sent) == {GRACE, "carol@telco-a.example"}
    assert "/f/" in sent[GRACE]  # Grace has no account: her personal link
    assert "/r/northwind-telco-a/feedback/1/answer/" in sent["carol@telco-a.example"]  # Carol signs in


def test_the_link_token_is_stored_only_hashed(world: Any) -> None:
    from accord.feedback import door

    made = survey(world)
    raw = door.token_for(invitation(made))
    row = invitation(made)
    assert raw not in (row.token_hash, row.nonce) and len(raw) >= 43  # 256 bits, base64
    assert row.token_hash == door.hash_token(raw)


def test_inviting_someone_twice_or_a_bad_address_is_refused_naming_the_problem(world: Any) -> None:
    made = survey(world)
    with pytest.raises(ValidationError) as twice:
        services.invite(
            access=access(world), survey=made, invitees=[Invitee(function="operation", email=GRACE)]
        )
    assert GRACE in str(twice.value)
    with pytest.raises(ValidationError) as bad:
        services.invite(access=access(world), survey=made, invitees=[Invitee(function="cook", email="x")])
    assert "function" in bad.value.message_dict and "email" in bad.value.message_dict


def test_a_customer_lead_invites_colleagues_but_a_viewer_may_not(world: Any) -> None:
    made = survey(world)
    services.invite(
        access=access(world, world.carol),
        survey=made,
        invitees=[Invitee(function="procurement", email="p@telco-a.example")],
    )
    with pytest.raises(PermissionDenied):
        services.invite(
            access=access(world, world.vic),
            survey=made,
            invitees=[Invitee(function="other", email="o@x.example")],
        )


def test_a_submitted_response_raises_a_proposal_for_each_rating_of_two_or_less(world: Any) -> None:
    made = survey(world)
    response = answer(
        made, {"delivery": (2, "Crates arrive late"), "training": 1, "quality": 4, "invoices": "na"}
    )
    assert response.number == 1 and response.submitted
    reasons = set(Proposal.objects.filter(survey=made).values_list("answer__area__key", "reason"))
    assert reasons == {("delivery", ProposalReason.LOW_RATING), ("training", ProposalReason.LOW_RATING)}
    assert invitation(made).submitted_at is not None


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (AreaAnswer(area_id=0, rating=6), "rating"),
        (AreaAnswer(area_id=0, rating=0), "rating"),
        (AreaAnswer(area_id=0, rating=3, not_applicable=True), "rating"),
        (AreaAnswer(area_id=0, comment="x" * (COMMENT_MAX + 1)), "comment"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_stored(world: Any, given: AreaAnswer, field: str) -> None:
    made = survey(world)
    area_id = areas(made)["delivery"]
    bad = AreaAnswer(
        area_id=area_id, rating=given.rating, not_applicable=given.not_applicable, comment=given.comment
    )
    with pytest.raises(ValidationError) as refused:
        answering.save(invitation=invitation(made), answers=[bad], submit=True)
    assert f"area-{area_id}-{field}" in refused.value.message_dict
    assert not Response.objects.filter(survey=made).exists()


def test_a_forged_area_of_another_survey_is_refused(world: Any) -> None:
    made = survey(world)
    services.save_template(
        access=access(world), areas=[AreaInput(title="Other", question="Another template's area")], version=1
    )
    foreign = TemplateArea.objects.exclude(template=made.template).first()
    assert foreign is not None
    with pytest.raises(ValidationError) as refused:
        answering.save(
            invitation=invitation(made), answers=[AreaAnswer(area_id=foreign.pk, rating=5)], submit=True
        )
    assert "areas" in refused.value.message_dict


def test_a_draft_is_kept_and_submitting_needs_one_answer(world: Any) -> None:
    made = survey(world)
    draft = answer(made, {"delivery": (None, "still thinking")}, submit=False)
    assert not draft.submitted and draft.answers.get().comment == "still thinking"
    with pytest.raises(ValidationError):
        answer(made, {}, submit=True)


def test_a_response_once_submitted_takes_no_more_answers(world: Any) -> None:
    made = survey(world)
    answer(made, {"delivery": 4})
    with pytest.raises(ValidationError):
        answer(made, {"delivery": 1})


def test_an_anonymous_survey_names_no_respondent_in_the_audit_trail(world: Any) -> None:
    made = survey(world, anonymous=True)
    answer(made, {"delivery": 3}, email="carol@telco-a.example")
    event = AuditEvent.objects.get(verb="survey.answered")
    assert "Carol" not in event.object_label and event.actor is None and event.actor_label == "system"
    assert "Respondent 1 (Engineering)" in event.object_label


def test_a_closed_survey_takes_no_answers_and_anonymity_is_fixed_once_answered(world: Any) -> None:
    made = survey(world)
    answer(made, {"delivery": 3})
    made.refresh_from_db()
    with pytest.raises(ValidationError):
        services.update_survey(access=access(world), survey=made, version=made.version, anonymous=True)
    closed = services.close_survey(access=access(world), survey=made, version=made.version)
    assert closed.status == SurveyStatus.CLOSED
    with pytest.raises(ValidationError):
        answer(made, {"delivery": 3}, email="carol@telco-a.example")


def test_a_survey_may_not_close_before_today(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_survey(
            access=access(world), title="Late", closes_on=timezone.localdate() - timedelta(days=1)
        )


def test_a_survey_at_a_site_takes_its_equipment_from_the_installed_base(world: Any) -> None:
    made = services.create_survey(
        access=access(world), title="Munich", closes_on=timezone.localdate(), site=world.ta_site
    )
    assert made.equipment == "OTX-100 × 7"
    assert made.equipment_since == world.ta_installed.in_service_date
