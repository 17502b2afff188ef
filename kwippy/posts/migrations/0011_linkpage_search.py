from django.db import migrations

# A page's row keeps its text and search vector in TOAST, not beside the rest, however short they
# are (from 128 bytes rather than 2 kB): search reads link ids from the rows the text index finds,
# and narrow rows make that a few pages of the table, not a large part of it.
NARROW_ROWS = "ALTER TABLE posts_linkpage SET (toast_tuple_target = 128)"
WIDE_ROWS = "ALTER TABLE posts_linkpage RESET (toast_tuple_target)"

# The newest links whose kept copy matches a query, found by the text index only. PostgreSQL
# counts testing a row's search vector as cheap; it means reading kilobytes from TOAST. For a word
# in most pages, or a phrase of common words, it would read every page (seconds) rather than the
# index (milliseconds): here it may not, as scans of the table and of other indexes are off.
# A phrase needs each candidate's vector (the index keeps no word positions), so for a query with
# one its candidates are first the newest `max_links` pages holding all its words, which the index
# answers alone (phrase operators read as "and"); the phrase is then checked in those only. Two
# common words are in thousands of pages: checked in all, a phrase cost 175 ms at 100,000 pages,
# 35 ms so. A query without a phrase takes the first branch alone (the other's condition on the
# query is a one-time filter), where the index answers without reading a vector.
PAGE_LINKS_MATCHING = """
CREATE FUNCTION posts_page_links_matching(query tsquery, max_links integer)
RETURNS TABLE (link_id bigint) LANGUAGE sql STABLE
SET enable_seqscan = off SET enable_indexscan = off
AS $$
    (SELECT link_id FROM posts_linkpage
     WHERE query::text !~ '<[0-9-]+>' AND keep_copy AND text_vector @@ query
     ORDER BY link_id DESC LIMIT max_links)
    UNION ALL
    (SELECT link_id FROM (
        SELECT link_id, text_vector FROM posts_linkpage
        WHERE query::text ~ '<[0-9-]+>' AND keep_copy
            AND text_vector @@ regexp_replace(query::text, '<[0-9-]+>', '&', 'g')::tsquery
        ORDER BY link_id DESC LIMIT max_links
     ) AS newest
     WHERE text_vector @@ query)
$$
"""
DROP_PAGE_LINKS_MATCHING = "DROP FUNCTION posts_page_links_matching(tsquery, integer)"


class Migration(migrations.Migration):
    dependencies = [("posts", "0010_linkpage_broken")]

    operations = [
        migrations.RunSQL(NARROW_ROWS, WIDE_ROWS),
        migrations.RunSQL(PAGE_LINKS_MATCHING, DROP_PAGE_LINKS_MATCHING),
    ]
