from django.db import migrations, models

import kwippy.posts.models

# A link public today has been shown at /url/<id>/: keep that address. Every other link (only
# ever seen by those who saved it privately) keeps the random id the column's default drew.
KEEP_SHOWN_ADDRESSES = "UPDATE posts_link SET public_id = id::text WHERE public_saves > 0"


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_changestamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="link",
            name="public_id",
            field=models.CharField(
                db_default=kwippy.posts.models.RandomPublicId(), max_length=24, unique=True
            ),
        ),
        migrations.RunSQL(KEEP_SHOWN_ADDRESSES, migrations.RunSQL.noop),
    ]
