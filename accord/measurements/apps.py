from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "accord.measurements"
    label = "measurements"
