"""ChangeStamp comes over from `posts`, table and data untouched: state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_folded_identifiers"),
        # The table is created there, and the model leaves that app's state there.
        ("posts", "0005_changestamp_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChangeStamp",
                    fields=[
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="change_stamp",
                                serialize=False,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("posts", models.DateTimeField(null=True)),
                        ("public_posts", models.DateTimeField(null=True)),
                        ("following", models.DateTimeField(null=True)),
                    ],
                    options={
                        "db_table": "posts_changestamp",
                        "indexes": [
                            models.Index(fields=["public_posts"], name="changestamp_public")
                        ],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
