"""`site:` finds its links by SiteKey's index (kwippy.posts.models): for every URL the filter's
own pattern matches, the key begins with the site's prefix, so the index never hides a match."""

import re

import pytest
from django.db import connection
from django.db.models import TextField, Value
from django.db.models.sql import Query
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.posts import services
from kwippy.posts.models import SiteKey, site_key_prefix
from kwippy.posts.selectors import _SITE_PORT, _site_pattern


def site_key(url: str) -> str:
    query = Query(None)
    expression = SiteKey(Value(url, output_field=TextField())).resolve_expression(query)
    sql, params = expression.as_sql(query.get_compiler(connection=connection), connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


LABEL = st.text(st.sampled_from("abcXYZ09-"), min_size=1, max_size=6)
HOST = st.lists(LABEL, min_size=1, max_size=4).map(".".join)


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scheme=st.sampled_from(["http", "https", "HTTPS", "ftp", "git+ssh"]),
    user=st.one_of(
        st.just(""), st.text(st.sampled_from("ab:@.%"), max_size=8).map(lambda u: u + "@")
    ),
    host=HOST,
    port=st.one_of(st.just(""), st.integers(0, 70000).map(lambda p: f":{p}"), st.just(":")),
    rest=st.sampled_from(["", "/", "/a/b", "?q=x.example.org", "#top", "/@x.org/"]),
    site=st.one_of(HOST, st.sampled_from(["x", "a.b", "b"])),
    site_port=st.sampled_from(["", ":80", ":"]),
)
def test_every_url_the_pattern_matches_has_the_sites_key_prefix(
    scheme, user, host, port, rest, site, site_port
):
    url = f"{scheme}://{user}{host}{port}{rest}"
    filter_site = site.lower() + site_port
    # Sometimes the site is the host itself or one of its parents, so matches happen.
    for candidate in {filter_site, host.lower(), host.lower().partition(".")[2] or host.lower()}:
        if re.search(_site_pattern(candidate), url, re.IGNORECASE):
            prefix = site_key_prefix(_SITE_PORT.sub("", candidate))
            assert site_key(url).startswith(prefix), (url, candidate)


def test_a_site_is_its_host_and_subdomains_any_port_or_user(client, alice):
    for url, title in [
        ("https://example.org/", "Home"),
        ("https://www.example.org:8443/a", "Sub with a port"),
        ("https://user:pw@deep.docs.example.org/", "Deep with a user"),
        ("https://badexample.org/", "Lookalike"),
        ("https://example.org.evil.test/", "Suffix trick"),
        ("https://evil.test/?next=example.org", "Only in the query"),
    ]:
        services.post_create(user=alice, url=url, title=title)

    def search(q: str) -> set[str]:
        return {post.title for post in client.get("/search/", {"q": q}).context["page"]}

    assert search("site:example.org") == {"Home", "Sub with a port", "Deep with a user"}
    assert search("site:EXAMPLE.org") == {"Home", "Sub with a port", "Deep with a user"}
    assert search("site:www.example.org:8443") == {"Sub with a port"}
    assert search("site:www.example.org:80") == set()
    assert search("site:org") == {"Home", "Sub with a port", "Deep with a user", "Lookalike"}
    assert search("site:evil.test") == {"Suffix trick", "Only in the query"}
