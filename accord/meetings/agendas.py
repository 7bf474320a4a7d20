"""The guidance's default agendas (``../shared/docs/domain.md``), as data: what a relationship's
``AgendaTemplate`` of each kind starts with. Each item may bind a live data section
(``meetings.sections``): the register, measurements, topics of a kind, deliveries or forecasts, and the
shared expectations team's data (registered by ``accord.expectations.sections``)."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.meetings.models import Kind, TopicKind


class Default(NamedTuple):
    title: str | Promise
    binding: str = ""
    minutes: int = 15


def topics(kind: TopicKind) -> str:
    return f"topics:{kind.value}"


REGISTER = "register"
MEASUREMENTS = "measurements"
DELIVERIES = "deliveries"
FORECASTS = "forecasts"
# The shared expectations team's data, registered by the expectations app (a layer above meetings,
# which therefore names them only as strings): accord/expectations/sections.py.
EXPECTATIONS_CUSTOMER = "expectations.customer"
EXPECTATIONS_ORGANIZATION = "expectations.organization"
EXPECTATIONS_COMPARISON = "expectations.comparison"
EXPECTATIONS_GAPS = "expectations.gaps"
EXPECTATIONS_PLANS = "expectations.plans"
EXPECTATIONS_MEASURES = "expectations.measures"

DEFAULTS: dict[str, list[Default]] = {
    # Approach A: a typical first meeting of a shared expectations team
    Kind.SET: [
        Default(_("Customer expectations"), EXPECTATIONS_CUSTOMER, 20),
        Default(_("Organization expectations"), EXPECTATIONS_ORGANIZATION, 20),
        Default(_("Comparison of current performance against expectations"), EXPECTATIONS_COMPARISON, 20),
        Default(_("Identification of gaps"), EXPECTATIONS_GAPS, 20),
        Default(_("Action plans to address the gaps"), EXPECTATIONS_PLANS, 20),
        Default(_("Measures to track and monitor the action plans"), EXPECTATIONS_MEASURES, 15),
    ],
    # Approach B at the organization's location
    Kind.QUALITY_REVIEW: [
        Default(_("Nonconformances to TL 9000"), topics(TopicKind.NONCONFORMANCE)),
        Default(
            _("A sample of internal audit reports and the improvement actions they led to"),
            topics(TopicKind.AUDIT_FINDING),
        ),
        Default(_("Measurements"), MEASUREMENTS, 20),
        Default(_("Engineering complaints"), topics(TopicKind.ENGINEERING_COMPLAINT)),
        Default(_("Product change notices"), topics(TopicKind.CHANGE_NOTICE), 10),
        Default(_("Customer concerns"), topics(TopicKind.CUSTOMER_CONCERN)),
        Default(_("Organization concerns"), topics(TopicKind.ORGANIZATION_CONCERN)),
        Default(_("Action item registers"), REGISTER, 20),
    ],
    # Approach B at a customer site where the equipment is in operation
    Kind.SITE_VISIT: [
        Default(_("The site and the equipment in operation"), "", 20),
        Default(
            _(
                "Feedback: hardware and software quality and reliability, ordering, representatives, "
                "new products, delivery, technical support, documentation, change notices, invoices, "
                "installation, repair, training"
            ),
            "",
            60,
        ),
        Default(_("Customer concerns"), topics(TopicKind.CUSTOMER_CONCERN)),
        Default(_("Organization concerns"), topics(TopicKind.ORGANIZATION_CONCERN)),
        Default(_("Review and update of the action item register"), REGISTER, 20),
    ],
    # Approach D
    Kind.PROGRAM_REVIEW: [
        Default(_("Current deliveries"), DELIVERIES),
        Default(_("Forecast of future requirements"), FORECASTS),
        Default(_("Technical issues"), topics(TopicKind.TECHNICAL_ISSUE)),
        Default(_("Product feature requests and needs"), topics(TopicKind.FEATURE_REQUEST)),
        Default(_("Quality issues"), topics(TopicKind.QUALITY_ISSUE)),
        Default(_("Ordering and invoicing issues"), topics(TopicKind.ORDERING_ISSUE), 10),
        Default(_("Improvement opportunities for the supplied products"), topics(TopicKind.IMPROVEMENT)),
        Default(_("The customer–organization interface"), "", 10),
        Default(_("Action item register"), REGISTER, 15),
    ],
    Kind.OTHER: [Default(_("Action item register"), REGISTER, 15)],
}
