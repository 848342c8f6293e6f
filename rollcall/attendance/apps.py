from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "rollcall.attendance"
    label = "attendance"
    verbose_name = "Attendance marks"

    def ready(self) -> None:
        # The timeline words of the verbs this app records; the attendance and sickness returns
        # owed, counted for returns completeness (rollcall/returns/completeness.py).
        from rollcall.attendance import (  # noqa: F401
            events,
            returns_owed,
        )
