from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "rollcall.demo"
    label = "demo"
    verbose_name = "Demo council"
