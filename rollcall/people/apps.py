from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "rollcall.people"
    label = "people"
    verbose_name = "Children and carers"
