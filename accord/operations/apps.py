from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "accord.operations"
    label = "operations"
