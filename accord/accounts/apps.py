from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accord.accounts"
    label = "accounts"
    layer = 2  # architecture.md: imports only apps of a lower layer (tests/test_layers.py)
