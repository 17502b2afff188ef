"""CachedUser comes over from `sessions`. A proxy: no table, state only."""

import django.contrib.auth.models
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_changestamp_from_posts"),
        ("kwippy_sessions", "0002_cacheduser_to_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name="CachedUser",
            fields=[],
            options={"proxy": True, "default_permissions": (), "indexes": [], "constraints": []},
            bases=("accounts.user",),
            managers=[("objects", django.contrib.auth.models.UserManager())],
        ),
    ]
