"""Feedback benchmark (issue 13's speed goals), on a survey of 200 responses × 12 areas (2,400 answers, a
tenth with a comment, every rating of 2 or less a proposal: a third of them made items, a third
dismissed with a reason, the rest open), after two earlier surveys of the same relationship:

- the survey's results page (``/r/<slug>/feedback/<n>/results/``: per area the mean, the distribution
  and the comments, by function, compared with the earlier surveys, the other sites and all customers):
  goal < 200 ms. While the page is a placeholder (not 200), the selectors it stands on are timed
  instead, and the row says so;
- the visit record PDF (``exports.visit_pdf``: WeasyPrint, with its two charts): goal < 3 s;
- the results workbook (``exports.results_xlsx``), for scale.

Rows are written straight into their tables (bulk inserts), as the other benchmarks build their data.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from bench.core import Row, case, count_queries, timed

SLUG = "feedback-bench"
RESPONSES = 200
EARLIER = 40  # responses of each earlier survey
FUNCTIONS = ("engineering", "procurement", "installation", "activation", "operation", "other")
WORDS = (
    "The shelves arrived on time but the documentation lagged behind the release we run; the support "
    "team answered quickly once the ticket reached the right engineer."
)


def _survey(rel: Any, user: Any, template: Any, number: int, responses: int, days_ago: int, rng: Any) -> Any:
    from django.utils import timezone

    from accord.feedback import door
    from accord.feedback.models import (
        Answer,
        Invitation,
        Proposal,
        Response,
        Survey,
    )

    now = timezone.now() - timedelta(days=days_ago)
    survey = Survey.objects.create(
        relationship=rel,
        number=number,
        title=f"Site visit {number}",
        template=template,
        closes_on=(now + timedelta(days=10)).date(),
        status="open" if days_ago == 0 else "closed",
        opened_at=now,
        closed_at=None if days_ago == 0 else now + timedelta(days=11),
        created_by=user,
        created_at=now,
        equipment="12 × OTX-200 long-haul WDM shelf",
        equipment_since=(now - timedelta(days=150)).date(),
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            name=f"Respondent {n}",
            email=f"r{n}@{SLUG}-{number}.example",
            function=FUNCTIONS[n % len(FUNCTIONS)],
            nonce=door.new_nonce(),
            token_hash=door.new_nonce() + door.new_nonce(),
            expires_at=now + timedelta(days=11),
            sent_at=now,
            submitted_at=now + timedelta(hours=n),
        )
        for n in range(responses)
    )
    made = Response.objects.bulk_create(
        Response(
            survey=survey,
            invitation=inv,
            number=n + 1,
            function=inv.function,
            status="submitted",
            submitted_at=inv.submitted_at,
        )
        for n, inv in enumerate(invitations)
    )
    areas = list(template.areas.all())
    answers = []
    for response in made:
        for area in areas:
            na = rng.random() < 0.08
            rating = None if na else rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 20, 44, 30))[0]
            comment = WORDS[: rng.randint(40, len(WORDS))] if rng.random() < 0.1 else ""
            answers.append(
                Answer(response=response, area=area, rating=rating, not_applicable=na, comment=comment)
            )
    Answer.objects.bulk_create(answers, batch_size=1000)
    low = Answer.objects.filter(response__survey=survey, rating__lte=2)
    Proposal.objects.bulk_create(
        Proposal(survey=survey, answer=a, reason="low_rating", created_at=now) for a in low
    )
    return survey


def _world() -> tuple[Any, Any, Any]:
    from django.test import Client

    from accord.accounts.models import User
    from accord.feedback import services
    from accord.feedback.models import Proposal
    from accord.parties import services as parties
    from accord.parties.access import access_from
    from accord.register.models import ActionItem, ItemSequence

    supplier = parties.create_party(actor=None, name="Supplier feedback", slug="s-feedback")
    customer = parties.create_party(actor=None, name="Customer feedback", slug="c-feedback")
    rel = parties.create_relationship(
        actor=None, supplier=supplier, customer=customer, slug=SLUG, item_prefix="FBK"
    )
    user = User.objects.create_user(f"q@{SLUG}.example", "bench-password-1", full_name="Quality Lead")
    parties.add_member(actor=None, party=supplier, user=user, role="editor")
    template = services.current_template(rel)
    rng = random.Random(13)
    _survey(rel, user, template, 1, EARLIER, 400, rng)
    _survey(rel, user, template, 2, EARLIER, 200, rng)
    survey = _survey(rel, user, template, 3, RESPONSES, 0, rng)
    proposals = list(Proposal.objects.filter(survey=survey).order_by("pk"))
    items = ActionItem.objects.bulk_create(
        ActionItem(relationship=rel, number=n + 1, title=f"Feedback item {n + 1}", owner=user)
        for n in range(len(proposals) // 3)
    )
    ItemSequence.objects.update_or_create(relationship=rel, defaults={"last_number": len(items)})
    for n, proposal in enumerate(proposals):
        if n < len(items):
            proposal.status, proposal.item = "created", items[n]
        elif n < 2 * len(items):
            proposal.status, proposal.dismiss_reason = "dismissed", "Already covered by the rollout plan."
    Proposal.objects.bulk_update(proposals, ["status", "item", "dismiss_reason"])
    access = access_from(user, rel)
    assert access is not None
    client = Client()
    client.force_login(user)
    return survey, access, client


@case
def feedback_bench() -> list[Row]:
    from accord.feedback import exports, rules, selectors

    survey, access, client = _world()
    size = f"{RESPONSES} resp × 12 areas"
    rows = []
    url = f"/r/{SLUG}/feedback/{survey.number}/results/"
    probe = client.get(url)
    if probe.status_code == 200 and b"Documentation" in probe.content:

        def page() -> None:
            assert client.get(url).status_code == 200

        median, p90 = timed(page, repeat=20)
        rows.append(Row("feedback results page", size, median, p90, count_queries(page),
                        "median < 200 ms", median < 200))  # fmt: skip
    else:

        def results() -> None:
            found = selectors.results(access, survey)
            assert sum(r.rated for r in found) > 2000
            selectors.history(access, survey)
            selectors.by_site(access, survey)
            selectors.all_customers(access)
            selectors.progress(survey)
            rules.shows_names(access, survey)

        median, p90 = timed(results, repeat=20)
        rows.append(Row("feedback results selectors (no page yet)", size, median, p90,
                        count_queries(results), "median < 200 ms", median < 200))  # fmt: skip

    def pdf() -> None:
        assert exports.visit_pdf(access, survey).startswith(b"%PDF")

    median, p90 = timed(pdf, repeat=5, warmup=1)
    rows.append(Row("visit record PDF", size, median, p90, count_queries(pdf), "median < 3 s",
                    median < 3000))  # fmt: skip

    def xlsx() -> None:
        assert exports.results_xlsx(access, survey)[:2] == b"PK"

    median, p90 = timed(xlsx, repeat=5, warmup=1)
    rows.append(Row("results workbook (XLSX)", size, median, p90, count_queries(xlsx), "(for scale)", True))
    return rows
