from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "accord.meetings"
    label = "meetings"
    verbose_name = "Meetings"
    layer = 7  # architecture.md: above the register (minutes feed it), beside expectations

    def ready(self) -> None:
        from accord.meetings import evidence

        evidence.connect()  # meetings, agenda items and topics carry attachments (accord.attachments)
