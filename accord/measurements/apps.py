from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "accord.measurements"
    label = "measurements"
    layer = 5  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
