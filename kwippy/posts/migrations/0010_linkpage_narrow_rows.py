from django.db import migrations

# A page's row keeps its text and search vector in TOAST, not beside the rest, however short they
# are (from 128 bytes rather than 2 kB): search reads link ids from the rows the text index finds,
# and narrow rows make that a few pages of the table, not a large part of it.
NARROW_ROWS = "ALTER TABLE posts_linkpage SET (toast_tuple_target = 128)"
WIDE_ROWS = "ALTER TABLE posts_linkpage RESET (toast_tuple_target)"


class Migration(migrations.Migration):
    dependencies = [("posts", "0009_linkpage")]

    operations = [migrations.RunSQL(NARROW_ROWS, WIDE_ROWS)]
