"""ChangeStamp moves to `accounts` (it dates people's changes, follows included): state only.

The table `posts_changestamp` stays where it is, under its name; `accounts` takes the model over in
its migration 0003, which runs after this one.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("posts", "0004_link_public_id")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ChangeStamp")],
            database_operations=[],
        )
    ]
