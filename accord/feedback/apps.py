from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "accord.feedback"
    label = "feedback"
    verbose_name = "Site-visit feedback"
    # architecture.md: above meetings (a survey belongs to a site-visit meeting) and the register (its
    # proposals become action items) and beside expectations, under api and system.
    layer = 8.5

    def ready(self) -> None:
        from accord.feedback import emails, evidence

        evidence.connect()  # a photo or file per answered area (accord.attachments)
        emails.register_kinds()  # the feedback e-mails a member may turn off (accord.lib.notify)
