"""Revoke every token of the old kind (DRF's ``rest_framework.authtoken``, kept in plain text).

Roll Call's API tokens are now hashed, named, scoped and expiring (``api.ApiToken``). The old
tokens' table is emptied and dropped, so no old token works and no secret is left in the database;
each system needs a new token from ``manage.py issue_api_token`` (docs/api.md).
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def revoke_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
        (count,) = cursor.fetchone()
        cursor.execute(f"DELETE FROM {quoted}")
        cursor.execute(f"DROP TABLE {quoted}")
    if count:
        print(f"\n  Revoked {count} old plain-text API token(s): issue new ones with issue_api_token.")


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_api_tokens"),
    ]

    operations = [
        migrations.RunPython(revoke_plaintext_tokens, migrations.RunPython.noop, elidable=False),
    ]
