"""Indexes for the roll engine's lookup of children born on a pupil's birthday with a surname that
could agree (rollcall/people/birthday_lookup.py): expression indexes, so SQL, per database."""

from django.db import migrations

from rollcall.people import birthday_lookup


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in birthday_lookup.VENDORS:
        for statement in birthday_lookup.create_index_sql(vendor):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in birthday_lookup.VENDORS:
        for statement in birthday_lookup.drop_index_sql():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_child_date_of_birth_index")]

    operations = [migrations.RunPython(create, drop)]
