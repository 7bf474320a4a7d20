from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "accord.audit"
    label = "audit"
    layer = 1  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
