from django.apps import AppConfig


class ExpectationsConfig(AppConfig):
    name = "accord.expectations"
    label = "expectations"
    verbose_name = "Expectations"
    # architecture.md: above meetings (qualitative expectations are rated at a shared expectations
    # meeting, and the team template's items bind to this data), so layer 8, under api and system.
    layer = 8

    def ready(self) -> None:
        from accord.expectations import emails, listeners, sections  # noqa: F401 (registers sections)

        listeners.connect()  # measurements announce new facts (accord.lib.measured): reassess
        emails.register_kinds()  # the expectations e-mail each person may turn off (accord.lib.notify)
