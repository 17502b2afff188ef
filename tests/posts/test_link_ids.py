"""A link's address on the site tells nothing about private saves of it."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kwippy.posts import services
from kwippy.posts.models import Link

LINK_HREF = re.compile(r'href="/url/([^/"]+)/"')


def test_a_url_saved_privately_before_gets_no_telling_address(client, alice, bob, charlie):
    services.post_create(user=alice, url="https://secret.example/", title="S", is_private=True)
    services.post_create(user=bob, url="https://between.example/", title="B")
    services.post_create(user=charlie, url="https://secret.example/", title="S")
    shown = LINK_HREF.findall(client.get("/").text)
    secret = Link.objects.get(url="https://secret.example/")
    between = Link.objects.get(url="https://between.example/")
    assert sorted(shown) == sorted([secret.public_id, between.public_id])
    # The primary key counts up: secret's is below between's although it went public later.
    assert str(secret.pk) not in shown
    assert client.get(f"/url/{secret.pk}/").status_code == 404
    assert client.get(f"/url/{secret.public_id}/").status_code == 200


def test_link_ids_carry_no_order(alice):
    for i in range(20):
        services.post_create(
            user=alice, url=f"https://{i}.example/", title=str(i), is_private=i % 3 == 0
        )
    ids = list(Link.objects.order_by("pk").values_list("public_id", flat=True))
    assert len(set(ids)) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{12}", public_id) for public_id in ids)
    # Twenty random ids come out sorted one way or the other once in 10^18 tries.
    assert ids != sorted(ids)
    assert ids != sorted(ids, reverse=True)


def test_popular_pages_and_feed_name_links_by_their_public_ids(client, alice, bob, settings):
    settings.KWIPPY_PAGE_SIZE = 1
    services.post_create(user=alice, url="https://a.example/", title="A")
    services.post_create(user=alice, url="https://b.example/", title="B")
    response = client.get("/popular/")
    first = response.context["posts"][0].link
    assert response.context["next_cursor"] == f"1_{first.public_id}"
    feed = client.get("/feeds/popular/").text
    for link in Link.objects.all():
        assert f"link:{link.public_id}<" in feed or f"link:{link.public_id}</" in feed
        assert f"link:{link.pk}<" not in feed


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_addresses_of_public_links(alice):
    executor = MigrationExecutor(connection)
    executor.migrate([("posts", "0003_changestamp")])
    old = MigrationExecutor(connection).loader.project_state(("posts", "0003_changestamp")).apps
    OldLink = old.get_model("posts", "Link")
    public = OldLink.objects.create(
        url="https://public.example/", url_hash="a" * 32, public_saves=2
    )
    private = OldLink.objects.create(url="https://private.example/", url_hash="b" * 32)
    try:
        call_command("migrate", "posts", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    assert Link.objects.get(pk=public.pk).public_id == str(public.pk)
    hidden = Link.objects.get(pk=private.pk).public_id
    assert hidden != str(private.pk)
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", hidden)
