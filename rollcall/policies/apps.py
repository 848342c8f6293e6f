from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "rollcall.policies"
    label = "policies"
    verbose_name = "Policies and circulation"
