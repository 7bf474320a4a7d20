from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "accord.attachments"
    label = "attachments"
    verbose_name = "Attachments"
    layer = 4  # architecture.md: below the register, so any record-keeping app may carry files

    def ready(self) -> None:
        from accord.attachments import signals  # noqa: F401 (a removed attachment's file goes on commit)
