"""Site-visit feedback (approach B): a survey of the customer's functions on the guidance's areas, its
invitations, the responses, and the proposals that carry every weak rating and flagged comment into the
action item register.

* ``SurveyTemplate``: a relationship's areas, versioned: each edit is a new version, and a survey keeps
  the version it was sent with, so old answers keep their questions. ``TemplateArea`` rows are never
  changed once written.
* ``Survey``: one round of feedback, usually tied to a site-visit meeting (or standalone, e.g. a yearly
  relationship survey), numbered per relationship; draft → open → closed. ``anonymous`` hides who said
  what from the supplier side.
* ``Invitation``: one person asked to answer (a member, or a customer person without an account, by a
  personal link whose token is kept only hashed); one response per invitation.
* ``Response`` / ``Answer``: a respondent's rating (1–5 or not applicable) and comment per area; a draft
  until submitted, then fixed.
* ``Proposal``: a rating of 2 or less, or a comment a supplier lead flagged, waiting to be triaged into
  the register: an item created, merged into an existing item, or dismissed with a reason.

Feedback is the relationship's members' business (both sides); a facilitator sees none of it
(``SurveyQuerySet.visible_to``). What each side sees of the respondents is ``rules.shows_names``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.feedback.areas import COMMENT_MAX, QUESTION_MAX, RATING_MAX, RATING_MIN, TITLE_MAX, Function
from accord.parties.models import Relationship, Site

if TYPE_CHECKING:
    from accord.parties.access import RelationshipAccess


class SurveyTemplate(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="survey_templates")
    version = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["relationship", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "version"], name="survey_template_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.relationship_id} v{self.version}"


class TemplateArea(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    title = models.CharField(_("area"), max_length=TITLE_MAX)
    question = models.CharField(_("question"), max_length=QUESTION_MAX)

    class Meta:
        ordering = ["template", "position"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="template_area_key_once")]

    def __str__(self) -> str:
        return str(self.title)


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")  # Spanish agrees it with "encuesta"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, *accesses: RelationshipAccess) -> SurveyQuerySet:
        """THE rule of who sees which surveys, written once: the members of both sides see every survey
        of their relationship; a facilitator (a guest) sees none."""
        ids = [a.relationship.pk for a in accesses if not a.is_guest]
        return self.filter(relationship_id__in=ids) if ids else self.none()


class Survey(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="surveys")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site visit"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    equipment_since = models.DateField(_("equipment in service since"), null=True, blank=True)
    equipment = models.CharField(_("equipment"), max_length=200, blank=True)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="surveys")
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus, default=SurveyStatus.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["relationship", "-number"]
        constraints = [models.UniqueConstraint(fields=["relationship", "number"], name="survey_number_once")]

    def __str__(self) -> str:
        return f"FB-{self.number} {self.title}"

    @property
    def ref(self) -> str:
        return f"FB-{self.number}"


class Invitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    function = models.CharField(_("function"), max_length=20, choices=Function)
    # Someone without an account reads the e-mails and the answer page in it (a member: their own).
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, default="en")
    # The link's token is an HMAC of (id, nonce) under the site's secret; only its SHA-256 is kept here.
    # A new nonce (sending the link again) ends the old link.
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["survey", "function", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="invitation_email_once"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return str(getattr(self.user, "full_name", "") or self.user)
        return self.name or self.email


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    number = models.PositiveIntegerField(null=True, blank=True)  # in order of submission
    function = models.CharField(_("function"), max_length=20, choices=Function)
    status = models.CharField(max_length=10, choices=ResponseStatus, default=ResponseStatus.DRAFT)
    started_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], condition=Q(number__isnull=False), name="response_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} R{self.number or '-'}"

    @property
    def submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    area = models.ForeignKey(TemplateArea, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["response", "area__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "area"], name="answer_area_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(not_applicable=True, rating__isnull=False), name="answer_rated_or_not_applicable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.area_id}"


class ProposalReason(models.TextChoices):
    LOW_RATING = "low_rating", _("Rated 2 or less")
    FLAGGED = "flagged", _("Comment flagged by a reviewer")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for triage")
    CREATED = "created", _("Action item created")
    MERGED = "merged", _("Merged into an action item")
    DISMISSED = "dismissed", _("Dismissed")


class Proposal(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="proposals")
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="proposal")
    reason = models.CharField(max_length=12, choices=ProposalReason)
    status = models.CharField(max_length=10, choices=ProposalStatus, default=ProposalStatus.OPEN)
    item = models.ForeignKey(
        "register.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismiss_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["survey", "status", "answer__area__position", "id"]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return f"{self.survey_id} proposal {self.pk}"


class DoorHit(models.Model):
    """A request to the invitation door, for throttling by client address (``door.py``); kept a day."""

    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    miss = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"
