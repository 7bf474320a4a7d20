"""Surveys in the states the feedback API's tests, the access matrix and the query counts need, and their
addresses: a draft, an open one (Carol and Grace invited), and one Grace answered (a weak delivery rating
with a comment, a proposal waiting for triage)."""

from __future__ import annotations

import json
from typing import Any

from accord.feedback.models import Answer, Proposal, Survey
from tests.feedback.helpers import answer, survey

API = "/api/v1/relationships/{rel}/feedback"
GRACE_SAYS = {"delivery": (2, "Crates arrive damaged"), "quality": (4, "Stable since the upgrade")}


def api(w: Any, suffix: str = "", rel: Any = None) -> str:
    return API.format(rel=(rel or w.nw_ta).pk) + suffix


def at(s: Survey, suffix: str = "") -> str:
    """A survey's address (its relationship's), plus ``suffix``."""
    return API.format(rel=s.relationship_id) + f"/surveys/{s.number}{suffix}"


def send(client: Any, method: str, url: str, data: Any) -> Any:
    return client.generic(method, url, json.dumps(data), content_type="application/json")


def draft(w: Any, **kw: Any) -> Survey:
    """FB-n, a draft of Ada's with Carol and Grace invited (version 1)."""
    return survey(w, open_it=False, **kw)


def opened(w: Any, **kw: Any) -> Survey:
    """Opened (version 2): Carol and Grace have their links."""
    return survey(w, **kw)


def answered(w: Any, **kw: Any) -> Survey:
    """Open, and Grace's response (R1) submitted: delivery 2 (a proposal), quality 4, both commented."""
    made = survey(w, **kw)
    answer(made, GRACE_SAYS)
    return made


def comment_of(s: Survey, key: str = "quality") -> Answer:
    return Answer.objects.get(response__survey=s, area__key=key)


def proposal_of(s: Survey, key: str = "delivery") -> Proposal:
    return Proposal.objects.get(survey=s, answer__area__key=key)


def area_ids(s: Survey) -> dict[str, int]:
    return dict(s.template.areas.values_list("key", "pk"))
