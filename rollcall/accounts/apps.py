from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rollcall.accounts"
    label = "accounts"
    verbose_name = "Users and teams"

    def ready(self) -> None:
        from rollcall.accounts.two_factor import connect_signals

        connect_signals()
