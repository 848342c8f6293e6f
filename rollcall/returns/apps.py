from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "rollcall.returns"
    label = "returns"
    verbose_name = "Statutory returns from schools"

    def ready(self) -> None:
        # Each kind of return registers how a confirmed claim is applied.
        from rollcall.returns import new_pupils, removals  # noqa: F401
