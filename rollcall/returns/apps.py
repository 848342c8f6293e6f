from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "rollcall.returns"
    label = "returns"
    verbose_name = "Statutory returns from schools"
