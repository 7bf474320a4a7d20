from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "accord.parties"
    label = "parties"
    layer = 3  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
