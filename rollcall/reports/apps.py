from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "rollcall.reports"
    label = "reports"
    verbose_name = "Reports"
