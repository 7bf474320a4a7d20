"""E-mail is rendered where it is asked for and sent by the worker, never inside a request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

# A file sent with an e-mail: its name, its bytes and its content type.
Attachment = tuple[str, bytes, str]


def absolute_url(path: str) -> str:
    return settings.ACCORD_BASE_URL + path


def send_now(
    *,
    to: list[str],
    subject: str,
    body: str,
    calendar: tuple[str, bytes] | None = None,
    attachments: Sequence[Attachment] = (),
) -> int:
    """Send one e-mail at once: only the worker calls this (a task), never a request.

    ``calendar`` (an iTIP method such as REQUEST, and the ``.ics``) goes in twice, as calendar clients
    expect an invitation: as the ``text/calendar; method=…`` alternative of the text body, which
    they offer to accept, and as an ``invite.ics`` attachment for the others."""
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if calendar is not None:
        method, ics = calendar
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("invite.ics", ics, "application/ics")
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    return message.send()


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """The worker's half: send one rendered e-mail."""
    return send_now(to=to, subject=subject, body=body)


def queue_email(*, to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    """Render ``template`` (a plain-text e-mail body) and enqueue its sending."""
    body = render_to_string(template, {**context, "base_url": settings.ACCORD_BASE_URL})
    send_email.enqueue(to=to, subject=" ".join(subject.split()), body=body)
