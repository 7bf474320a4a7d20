"""``accord report``: write the report of one period of a relationship to a file.

A published issue's stored file is written as it is (byte for byte: its SHA-256 is the one kept with it);
without one, the report is rendered from a snapshot of today's data, stored nowhere, and the command says
so. Nothing is written to the database either way."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accord.lib.months import month_of
from accord.parties.models import Relationship
from accord.reports import periods, render, rendering, snapshot
from accord.reports.models import (
    SECTION_ORDER,
    Benchmarks,
    Edition,
    FileFormat,
    IssueStatus,
    ReportDefinition,
    ReportFile,
    ReportIssue,
)

NOT_PUBLISHED = "not published: rendered from today's data"


def _listing(definitions: list[ReportDefinition]) -> str:
    return "; ".join(f"{d.number} ({d.ref} {d.title}, {d.get_period_display().lower()})" for d in definitions)


def ad_hoc(relationship: Relationship, period: str) -> ReportDefinition:
    """A definition kept in memory (never saved): every section, every category, the period's kind, a
    year of history, targets and the previous period compared, benchmark positions."""
    return ReportDefinition(
        relationship=relationship,
        number=0,
        title=f"{relationship.supplier.name} – {relationship.customer.name} report",
        sections=list(SECTION_ORDER),
        categories=[],
        period=periods.kind_of(period),
        history_months=12,
        compare_targets=True,
        compare_previous=True,
        benchmarks=Benchmarks.POSITION,
        first_period=period,
    )


class Command(BaseCommand):
    help = (
        "Write a relationship's report of one period to FILE: the published issue's stored file, or one "
        "rendered from today's data when none is published."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--relationship", required=True, help="the relationship's short name")
        parser.add_argument("--period", required=True, help="a quarter (2026-Q3) or a month (2026-09)")
        parser.add_argument("--format", required=True, choices=[f.value for f in FileFormat])
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument(
            "--definition",
            type=int,
            help="the report definition's number (RD-n); default: the relationship's only one",
        )
        parser.add_argument("--edition", choices=[e.value for e in Edition], default=Edition.CUSTOMER.value)

    def handle(
        self,
        *args: Any,
        relationship: str,
        period: str,
        format: str,
        output: str,
        definition: int | None,
        edition: str,
        **options: Any,
    ) -> None:
        rel = Relationship.objects.select_related("supplier", "customer").filter(slug=relationship).first()
        if rel is None:
            raise CommandError(f"No relationship with the short name {relationship!r}.")
        period = period.strip().upper()
        try:
            kind = periods.kind_of(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"No directory {str(target.parent)!r} to write {target.name!r} into.")
        chosen = self._definition(rel, definition)
        if chosen is not None and chosen.period != kind:
            example = "2026-09" if chosen.period == "monthly" else "2026-Q3"
            raise CommandError(
                f"{chosen.ref} is {chosen.get_period_display().lower()}: give a period like {example}."
            )
        stored = self._published_file(chosen, period, format, edition) if chosen is not None else None
        if stored is not None:
            content = rendering.read_file(stored)
            if hashlib.sha256(content).hexdigest() != stored.sha256:
                raise CommandError(
                    f"The stored file {stored.name!r} does not match its SHA-256: not written."
                )
            what = f"{stored.issue} published {stored.issue.published_at:%Y-%m-%d}"
        else:
            if periods.months_of(period)[0] > month_of(timezone.localdate()):
                raise CommandError(f"{periods.label(period)} has not started yet.")
            content = self._render(chosen or ad_hoc(rel, period), period, format, edition)
            self.stderr.write(NOT_PUBLISHED)
            what = f"{chosen.ref if chosen else 'ad hoc'} {period}"
        target.write_bytes(content)
        self.stdout.write(
            f"{target}: {what}, {len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()}"
        )

    def _definition(self, rel: Relationship, number: int | None) -> ReportDefinition | None:
        """The definition asked for, else the relationship's only one, else None (an ad-hoc report)."""
        definitions = list(ReportDefinition.objects.filter(relationship=rel).order_by("number"))
        if number is not None:
            found = next((d for d in definitions if d.number == number), None)
            if found is None:
                known = _listing(definitions) if definitions else "none"
                raise CommandError(f"{rel.slug} has no report definition {number}; its definitions: {known}.")
            return found
        if len(definitions) > 1:
            raise CommandError(
                f"{rel.slug} has {len(definitions)} report definitions: choose one with --definition N: "
                f"{_listing(definitions)}."
            )
        return definitions[0] if definitions else None

    def _published_file(
        self, definition: ReportDefinition, period: str, fmt: str, edition: str
    ) -> ReportFile | None:
        """The file of the latest published revision of ``period``: in ``edition``, or the customer's when
        the issue has no internal edition (its customer edition then shows everything)."""
        issue = (
            ReportIssue.objects.filter(definition=definition, period=period, status=IssueStatus.PUBLISHED)
            .select_related("definition")
            .order_by("-revision")
            .first()
        )
        if issue is None:
            return None
        files = {f.edition: f for f in issue.files.filter(format=fmt).select_related("issue__definition")}
        if edition not in files and edition == Edition.INTERNAL and Edition.CUSTOMER in files:
            self.stderr.write(f"{issue} has no internal edition: its customer edition shows everything.")
            edition = Edition.CUSTOMER
        if edition not in files:
            raise CommandError(f"{issue} has no stored {edition} {fmt} file.")
        return files[edition]

    def _render(self, definition: ReportDefinition, period: str, fmt: str, edition: str) -> bytes:
        data = snapshot.take(definition, period)
        # a draft's marks: what is written was never published
        meta = {
            "ref": definition.ref if definition.pk else "",
            "revision": 1,
            "reason": "",
            "draft": True,
            "published_at": "",
        }
        if fmt == FileFormat.HTML:
            return render.html(data, {}, edition, meta=meta).encode()
        if fmt == FileFormat.PDF:
            return render.pdf(data, {}, edition, meta=meta)
        return render.xlsx(data, {}, edition)
