"""CachedUser moves to `accounts`, beside the user it caches. A proxy: no table, state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("kwippy_sessions", "0001_initial")]

    operations = [migrations.DeleteModel(name="CachedUser")]
