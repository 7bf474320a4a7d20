from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "accord.meetings"
    label = "meetings"
    verbose_name = "Meetings"
    layer = 7  # architecture.md: above the register (minutes feed it), beside expectations

    def ready(self) -> None:
        from accord.meetings import emails, evidence

        evidence.connect()  # meetings, agenda items and topics carry attachments (accord.attachments)
        emails.register_kinds()  # the kinds of meeting e-mail each person chooses (accord.lib.notify)
