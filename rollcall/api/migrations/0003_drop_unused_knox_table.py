"""knox's own migrations create knox_authtoken, which Roll Call never uses (its tokens are
api.ApiToken through KNOX_TOKEN_MODEL). The table is not a model Django knows, so a test database
flush could not empty accounts_user past its foreign key on PostgreSQL. Drop it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_revoke_plaintext_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", migrations.RunSQL.noop, elidable=False),
    ]
