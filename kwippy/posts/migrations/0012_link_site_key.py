# The site: filter finds its links by a btree prefix of the host, not by URL trigrams.

import django.contrib.postgres.indexes
from django.db import migrations, models

import kwippy.posts.models


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0011_linkpage_search"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="link",
            name="link_url_trigrams",
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    kwippy.posts.models.SiteKey("url"), name="text_pattern_ops"
                ),
                name="link_site_key",
            ),
        ),
        # An expression index has no statistics until the table is analyzed, and without them
        # the planner takes a whole top-level domain for a handful of links.
        migrations.RunSQL("ANALYZE posts_link", reverse_sql=migrations.RunSQL.noop),
    ]
