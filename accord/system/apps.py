from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "accord.system"
    label = "system"
    layer = 9  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
