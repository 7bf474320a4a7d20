"""Reassessing a relationship's expectations when its measurement facts change (an import, a recount,
new settings): measurements announce it in ``accord.lib.measured`` inside their transaction, and the
assessment runs once that transaction commits (each time the facts changed in it: assessing is
idempotent, and the measurements it reads are cached per version of the facts, so a second run costs
little). A failure is logged and left to the daily job (``jobs.py``): the import stands."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from accord.lib import measured

log = logging.getLogger(__name__)


class _Assess:
    """The deferred assessment of one relationship."""

    def __init__(self, relationship_id: int, since: str | None) -> None:
        self.relationship_id = relationship_id
        self.since = since

    def __call__(self) -> None:
        from accord.expectations.assessing import assess_relationship
        from accord.parties.models import Relationship

        try:
            relationship = Relationship.objects.get(pk=self.relationship_id)
            assess_relationship(relationship, since=self.since)
        except Exception:
            log.exception("assessing the expectations of relationship %s failed", self.relationship_id)


def facts_changed(relationship: Any, *, since: str | None = None) -> None:
    transaction.on_commit(_Assess(relationship.pk, since))


def connect() -> None:
    measured.on_changed(facts_changed)
