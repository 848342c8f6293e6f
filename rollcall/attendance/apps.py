from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "rollcall.attendance"
    label = "attendance"
    verbose_name = "Attendance marks"
