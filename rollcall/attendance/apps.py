from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "rollcall.attendance"
    label = "attendance"
    verbose_name = "Attendance marks"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.attendance import events  # noqa: F401
