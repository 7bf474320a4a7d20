from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "accord.measurements"
    label = "measurements"
    layer = 5  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)

    def ready(self) -> None:
        # listens to what operations announces it wrote (accord.lib.written) to keep the facts current
        from accord.measurements import facts  # noqa: F401
