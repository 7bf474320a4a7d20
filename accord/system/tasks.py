"""E-mails queued before the send task moved to ``accord.lib.mail`` name it by this path; the worker
still finds it here."""

from accord.lib.mail import send_email

__all__ = ["send_email"]
