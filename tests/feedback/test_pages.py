"""The feedback pages as the test people use them: preparing, inviting and opening a survey, answering
signed in, results with and without names, the areas' versions, triage into the register, and the
home page's facts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accord.feedback import services
from accord.feedback.models import Invitation, Proposal, ProposalStatus, Survey, SurveyStatus
from accord.register.models import ActionItem, SourceKind, UpdateKind
from tests.feedback.helpers import access, answer, areas, survey

pytestmark = pytest.mark.django_db
BASE = "/r/northwind-telco-a/feedback/"


def test_ada_prepares_invites_and_opens_a_survey(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    closes = (timezone.localdate() + timedelta(days=10)).isoformat()
    made = ada.post(
        BASE + "new/", {"title": "Munich core visit", "closes_on": closes, "site": world.ta_site.pk}
    )
    assert made.status_code == 302
    s = Survey.objects.get(relationship=world.nw_ta)
    invited = ada.post(
        f"{BASE}{s.number}/invite/",
        {
            "member": world.vic.pk,
            "function": "operation",
            "more": "lin@telco-a.example, installation, Lin Wu",
        },
    )
    assert invited.status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "vic@telco-a.example",
        "lin@telco-a.example",
    }
    mail.outbox.clear()
    opened = ada.post(f"{BASE}{s.number}/open/", {"version": s.version})
    assert opened.status_code == 302
    assert Survey.objects.get(pk=s.pk).status == SurveyStatus.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == ["lin@telco-a.example", "vic@telco-a.example"]
    page = ada.get(f"{BASE}{s.number}/").content.decode()
    assert "0 of 2 invited have answered." in page and "Lin Wu" in page


def test_a_bad_survey_or_invitation_re_renders_with_messages(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = ada.post(BASE + "new/", {"title": "Late", "closes_on": past})
    assert refused.status_code == 400 and b"Choose a closing day from today on." in refused.content
    s = survey(world)
    bad = ada.post(f"{BASE}{s.number}/invite/", {"more": "not an address, cook"})
    assert bad.status_code == 400 and b"Line 1" in bad.content
    twice = ada.post(f"{BASE}{s.number}/invite/", {"email": "grace@telco-a.example", "function": "operation"})
    assert twice.status_code == 400 and b"Already invited: grace@telco-a.example" in twice.content


def test_carol_answers_signed_in_from_her_dashboard(world: Any, as_user: Any) -> None:
    s = survey(world)
    carol = as_user(world.carol)
    home = carol.get("/").content.decode()
    assert "A feedback survey waits for your answer" in home
    form = carol.get(f"{BASE}{s.number}/answer/")
    assert form.status_code == 200 and b"Product delivery" in form.content
    ids = areas(s)
    done = carol.post(
        f"{BASE}{s.number}/answer/", {"action": "submit", f"rating-{ids['documentation']}": "1"}
    )
    assert done.status_code == 302
    assert Invitation.objects.get(survey=s, user=world.carol).submitted_at is not None
    assert carol.get(f"{BASE}{s.number}/answer/").status_code == 302  # answered: back to the survey
    assert as_user(world.vic).get(f"{BASE}{s.number}/answer/").status_code == 403  # not invited


def test_results_show_means_distribution_and_comments_by_name_or_by_function(
    world: Any, as_user: Any
) -> None:
    s = survey(world, anonymous=True)
    answer(s, {"delivery": (2, "Crates arrive late"), "quality": 4})
    answer(s, {"delivery": 4, "quality": 5}, email="carol@telco-a.example")
    ada_page = as_user(world.ada).get(f"{BASE}{s.number}/results/").content.decode()
    assert 'data-testid="mean-delivery">3.00' in ada_page and 'data-testid="mean-quality">4.50' in ada_page
    assert "Crates arrive late" in ada_page
    assert "Grace" not in ada_page and "Respondent 1 (Operation)" in ada_page
    assert "All customers" in ada_page  # the supplier's own comparison
    assert 'aria-label="Ratings by area"' in ada_page  # the distribution chart (one survey: no history chart)
    carol_page = as_user(world.carol).get(f"{BASE}{s.number}/results/").content.decode()
    assert "Grace Hopper (Operation)" in carol_page and "All customers" not in carol_page
    survey_page = as_user(world.ada).get(f"{BASE}{s.number}/").content.decode()
    assert "who has answered is not shown" in survey_page


def test_the_areas_are_edited_as_a_new_version(world: Any, as_user: Any) -> None:
    ada = as_user(world.ada)
    page = ada.get(BASE + "areas/")
    assert page.status_code == 200 and b"Version 1" in page.content
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title-8"], data["question-8"] = "", ""  # drop invoices (the ninth area)
    data["title-12"], data["question-12"] = "Spare parts", "How quickly do spares arrive?"
    data["note"] = "Invoices are fine; spares matter"
    saved = ada.post(BASE + "areas/", data)
    assert saved.status_code == 302
    template = services.current_template(world.nw_ta)
    keys = list(template.areas.values_list("key", flat=True))
    assert template.version == 2 and "invoices" not in keys and keys[-1] == "spare-parts"
    assert as_user(world.carol).post(BASE + "areas/", data).status_code == 403


def test_triage_creates_an_item_whose_source_is_the_response(world: Any, as_user: Any) -> None:
    s = survey(world)
    answer(s, {"delivery": (2, "Crates arrive late")})
    proposal = Proposal.objects.get(survey=s)
    ada = as_user(world.ada)
    triage_page = ada.get(f"{BASE}{s.number}/triage/").content.decode()
    assert "1 proposal is still open." in triage_page
    p = f"p{proposal.pk}"
    done = ada.post(
        f"{BASE}{s.number}/proposals/{proposal.pk}/",
        {
            f"{p}-decision": "create",
            f"{p}-title": "Book a second carrier",
            f"{p}-owner_side": "supplier",
            f"{p}-owner": world.sam.pk,
            f"{p}-priority": "high",
        },
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    item = proposal.item
    assert proposal.status == ProposalStatus.CREATED and item is not None
    assert item.source_kind == SourceKind.FEEDBACK and item.source_url == f"{BASE}{s.number}/responses/1/"
    assert "Product delivery: 2/5" in item.source_label and "Crates arrive late" in item.description
    carol_item = as_user(world.carol).get(f"/r/northwind-telco-a/items/{item.key}/").content.decode()
    assert "Book a second carrier" in carol_item
    assert "Everything raised is triaged." in ada.get(f"{BASE}{s.number}/triage/").content.decode()


def test_triage_merges_or_dismisses_with_a_reason(world: Any, as_user: Any) -> None:
    s = survey(world)
    answer(s, {"delivery": (2, "Crates arrive late"), "training": (1, "No course yet")})
    merge_p = Proposal.objects.get(survey=s, answer__area__key="delivery")
    dismiss_p = Proposal.objects.get(survey=s, answer__area__key="training")
    ada = as_user(world.ada)
    url = f"{BASE}{s.number}/proposals/"
    no_reason = ada.post(
        f"{url}{dismiss_p.pk}/",
        {
            f"p{dismiss_p.pk}-decision": "dismiss",
            f"p{dismiss_p.pk}-owner_side": "supplier",
            f"p{dismiss_p.pk}-priority": "medium",
        },
    )
    assert no_reason.status_code == 303  # back to the triage page, with the message kept
    kept = ada.get(no_reason["Location"]).content.decode()
    assert "Say why this needs no action" in kept
    ada.post(
        f"{url}{dismiss_p.pk}/",
        {
            f"p{dismiss_p.pk}-decision": "dismiss",
            f"p{dismiss_p.pk}-reason": "Course booked for May",
            f"p{dismiss_p.pk}-owner_side": "supplier",
            f"p{dismiss_p.pk}-priority": "medium",
        },
    )
    ada.post(
        f"{url}{merge_p.pk}/",
        {
            f"p{merge_p.pk}-decision": "merge",
            f"p{merge_p.pk}-item": world.item.key,
            f"p{merge_p.pk}-owner_side": "supplier",
            f"p{merge_p.pk}-priority": "medium",
        },
    )
    assert Proposal.objects.get(pk=dismiss_p.pk).dismiss_reason == "Course booked for May"
    assert Proposal.objects.get(pk=merge_p.pk).item == world.item
    merged = world.item.updates.filter(kind=UpdateKind.COMMENT).last()
    assert merged is not None and "Crates arrive late" in merged.body


def test_feedback_is_never_merged_into_a_private_item(world: Any, as_user: Any) -> None:
    s = survey(world)
    answer(s, {"delivery": (2, "Crates arrive late")})
    proposal = Proposal.objects.get(survey=s)
    p = f"p{proposal.pk}"
    ada = as_user(world.ada)
    refused = ada.post(
        f"{BASE}{s.number}/proposals/{proposal.pk}/",
        {
            f"{p}-decision": "merge",
            f"{p}-item": world.private_item.key,
            f"{p}-owner_side": "supplier",
            f"{p}-priority": "medium",
        },
    )
    kept = ada.get(refused["Location"]).content.decode()  # the same session: the kept form
    assert "Merge into a shared item" in kept
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    page = as_user(world.carol).get(f"{BASE}{s.number}/triage/").content.decode()
    assert world.private_item.reference not in page and "margin impact" not in page


def test_a_comment_flagged_by_a_supplier_lead_waits_for_triage(world: Any, as_user: Any) -> None:
    s = survey(world)
    answer(s, {"documentation": (4, "Manuals lack the new shelf")})
    a = s.responses.get().answers.get(area__key="documentation")
    assert as_user(world.carol).post(f"{BASE}{s.number}/answers/{a.pk}/flag/").status_code == 403
    assert as_user(world.sam).post(f"{BASE}{s.number}/answers/{a.pk}/flag/").status_code == 302
    assert Proposal.objects.get(answer=a).reason == "flagged"
    listing = as_user(world.ada).get(BASE).content.decode()
    assert "1 proposal from feedback waits for triage." in listing


def test_a_stale_survey_edit_is_a_conflict_that_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    s = survey(world)
    stale = s.version
    services.update_survey(access=access(world), survey=s, version=s.version, equipment="OTX-100")
    edit = as_user(world.sam).post(
        f"{BASE}{s.number}/edit/",
        {"title": "Renamed visit", "closes_on": s.closes_on.isoformat(), "version": stale},
    )
    assert edit.status_code == 409 and b"Renamed visit" in edit.content
    assert Survey.objects.get(pk=s.pk).title != "Renamed visit"


def test_the_overview_shows_the_latest_survey_and_what_waits_for_triage(world: Any, as_user: Any) -> None:
    s = survey(world)
    answer(s, {"delivery": (1, "Late")})
    page = as_user(world.ada).get("/r/northwind-telco-a/").content.decode()
    assert s.title in page and "1 proposal waits for triage" in page
    assert as_user(world.fay).get(BASE).status_code == 404
    assert ActionItem.objects.filter(source_kind=SourceKind.FEEDBACK).count() == 0
