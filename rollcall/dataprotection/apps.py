from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "rollcall.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"
