"""The guidance's twelve feedback areas of a customer site visit (domain.md, approach B), each a question
rated 1–5 (or not applicable) with a comment, and the customer functions that answer. A relationship's
template starts as these and is edited from there (``services.save_template``)."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class Function(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    PROCUREMENT = "procurement", _("Procurement")
    INSTALLATION = "installation", _("Installation")
    ACTIVATION = "activation", _("Activation")
    OPERATION = "operation", _("Operation")
    OTHER = "other", _("Other")


# (key, title, question): the key stays the same across a template's versions, so answers to a reworded
# question still compare with earlier visits.
DEFAULT_AREAS: tuple[tuple[str, StrOrPromise, StrOrPromise], ...] = (
    (
        "quality",
        _("Quality and reliability of hardware and software"),
        _("How well have the hardware and software performed at this site since they went into service?"),
    ),
    (
        "ordering",
        _("Ease of ordering"),
        _("How easy is it to order from us: quotes, configuration, order entry?"),
    ),
    (
        "representatives",
        _("Our representatives"),
        _("How well do our sales, program and support representatives serve you?"),
    ),
    (
        "npi",
        _("New product introduction"),
        _("How well was the new product or release introduced: information, trials, first application?"),
    ),
    ("delivery", _("Product delivery"), _("How well do deliveries arrive: on time, complete and undamaged?")),
    (
        "support",
        _("Technical support"),
        _("How well does our technical support answer and resolve your problems?"),
    ),
    ("documentation", _("Documentation"), _("How complete, correct and usable is the documentation?")),
    (
        "change_notices",
        _("Product change notices"),
        _("How timely and clear are our product change notices?"),
    ),
    ("invoices", _("Invoices"), _("How correct and easy to process are our invoices?")),
    (
        "installation",
        _("Installation"),
        _("How well did the installation go: planning, crews, cleanliness, handover?"),
    ),
    ("repair", _("Repair"), _("How quickly and reliably are returned units repaired?")),
    ("training", _("Training"), _("How well did the training prepare your people to run the equipment?")),
)

RATING_MIN, RATING_MAX = 1, 5
LOW_RATING = 2  # a rating of this or less becomes a proposed action item
COMMENT_MAX = 2000
TITLE_MAX = 200
QUESTION_MAX = 500
AREAS_MAX = 40
