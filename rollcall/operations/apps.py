from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Roll Call for real: health and readiness, metrics, logs and the task workers."""

    name = "rollcall.operations"
    label = "operations"
    verbose_name = "Operations"
