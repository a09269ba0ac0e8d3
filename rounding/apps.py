from django.apps import AppConfig


class RoundingConfig(AppConfig):
    name = "rounding"
