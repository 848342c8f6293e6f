from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rollcall.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from rollcall import access_log
        from rollcall.audit.services import log_shown

        access_log.register_writer(log_shown)
