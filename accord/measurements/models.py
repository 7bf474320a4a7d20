"""Stored monthly base counts ("facts") and each relationship's measurement settings.

Facts are additive counts per relationship, product category, month, key and dimension (see
``counting.py``); every measure is computed from them, so reading measurements never scans raw data.
Imports keep them current for the months and categories they touch, through ``services`` only: each
write there gives the relationship's facts a new version (``MeasurementSettings.facts_version``), which
measurements computed from them are cached by.
"""

from __future__ import annotations

import secrets

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.parties.models import Relationship


def new_facts_version() -> int:
    """A random stamp (never a count: a rolled-back write or a restored backup must not meet its
    number again with other facts)."""
    return secrets.randbits(63)


class MonthlyFact(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="facts")
    category = models.CharField(max_length=20)
    month = models.CharField(max_length=7)
    key = models.CharField(max_length=40)
    dim = models.CharField(max_length=20, blank=True)
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "category", "month", "key", "dim"], name="fact_key"
            )
        ]
        indexes = [models.Index(fields=["relationship", "month", "key"])]

    def __str__(self) -> str:
        return f"{self.category} {self.month} {self.key}[{self.dim}]={self.value}"


class MeasurementSettings(models.Model):
    """What a relationship agreed: fix-response thresholds, on-time tolerance, repair and support SLAs.

    Handbook defaults apply where nothing is agreed. Changing them recomputes the relationship's facts.
    """

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, primary_key=True, related_name="measurement_settings"
    )
    frt_major_days = models.PositiveIntegerField(
        _("fix threshold, major (days)"), default=30, validators=[MinValueValidator(1)]
    )
    frt_minor_days = models.PositiveIntegerField(
        _("fix threshold, minor (days)"), default=180, validators=[MinValueValidator(1)]
    )
    otd_days_early = models.PositiveIntegerField(_("on-time tolerance, days early"), default=0)
    otd_days_late = models.PositiveIntegerField(_("on-time tolerance, days late"), default=0)
    repair_sla_days = models.PositiveIntegerField(_("repair turnaround agreed (days)"), null=True, blank=True)
    support_response_critical_h = models.FloatField(
        _("first response target, critical (hours)"), null=True, blank=True
    )
    support_response_major_h = models.FloatField(
        _("first response target, major (hours)"), null=True, blank=True
    )
    support_response_minor_h = models.FloatField(
        _("first response target, minor (hours)"), null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    # A new random stamp with every write of the relationship's facts, in the same transaction: what the
    # measurements computed from them are cached by in each process (selectors.metrics_by_window).
    facts_version = models.BigIntegerField(default=new_facts_version, editable=False)

    def __str__(self) -> str:
        return f"settings of {self.relationship_id}"
