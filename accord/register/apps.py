from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "accord.register"
    label = "register"

    def ready(self) -> None:
        from accord.register import overview  # noqa: F401  (registers home facts and the overview section)
