from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "rollcall.actionplans"
    label = "actionplans"
    verbose_name = "Ombudsman action plans"
