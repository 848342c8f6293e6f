from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rollcall.audit"
    label = "audit"
    verbose_name = "Audit"
