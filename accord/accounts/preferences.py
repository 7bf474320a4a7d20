"""Which kinds of e-mail a person has turned off (every kind is on by default)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.models import NotificationOptOut, User
from accord.audit import services as audit
from accord.lib import notify


def wants(user: User | None, kind: str) -> bool:
    """Whether ``user`` (active) gets e-mail of ``kind``."""
    return bool(user and user.is_active and not user.notification_opt_outs.filter(kind=kind).exists())


def opt_outs(user: User) -> set[str]:
    """The kinds of e-mail ``user`` turned off."""
    return set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))


@transaction.atomic
def set_opt_outs(*, user: User, kinds_off: set[str]) -> None:
    """Turn off exactly ``kinds_off`` for ``user`` (the others on); audited when something changed."""
    unknown = set(kinds_off) - {k.value for k in notify.kinds()}
    if unknown:
        raise ValidationError(
            {"kinds_off": _("Unknown kinds of e-mail: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}}
        )
    before = set(
        NotificationOptOut.objects.select_for_update().filter(user=user).values_list("kind", flat=True)
    )
    after = set(kinds_off)
    if before == after:
        return
    NotificationOptOut.objects.filter(user=user, kind__in=before - after).delete()
    NotificationOptOut.objects.bulk_create(
        NotificationOptOut(user=user, kind=kind) for kind in sorted(after - before)
    )
    audit.record(
        actor=user,
        verb="notifications.updated",
        obj=user,
        changes={"opt_outs": [sorted(before), sorted(after)]},
    )
