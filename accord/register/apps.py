from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "accord.register"
    label = "register"
