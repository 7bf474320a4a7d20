from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "accord.register"
    label = "register"
    layer = 6  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)

    def ready(self) -> None:
        from accord.register import evidence

        evidence.connect()  # action items carry attachments (accord.attachments)
