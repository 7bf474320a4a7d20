from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "accord.reports"
    label = "reports"
    verbose_name = "Customized reports"
    # architecture.md: above measurements, the register, meetings and expectations (a report's sections
    # read them all) and beside feedback, under api and system.
    layer = 8.5

    def ready(self) -> None:
        from accord.reports import emails

        emails.register_kinds()  # "a report was published" may be turned off (accord.lib.notify)
