from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "accord.system"
    label = "system"
