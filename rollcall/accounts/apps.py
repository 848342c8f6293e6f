from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rollcall.accounts"
    label = "accounts"
    verbose_name = "Users and teams"
