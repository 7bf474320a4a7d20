from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "accord.operations"
    label = "operations"
    layer = 4  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
