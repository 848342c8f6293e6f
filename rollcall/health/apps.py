from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "rollcall.health"
    label = "health"
    verbose_name = "Health needs"
