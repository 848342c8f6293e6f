from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "rollcall.notify"
    label = "notify"
    verbose_name = "Messages"
