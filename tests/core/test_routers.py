"""Reads go to a replica and writes to the primary; whoever just wrote reads the primary.

The "replica" here is the test PostgreSQL database itself under a second alias with its own
connection (TEST MIRROR in tests/settings.py): replication is PostgreSQL's business, routing is
ours. Every query is caught on the connection that ran it, so a query sent to the wrong alias fails
the test. The tests commit (transaction=True) so the second connection sees the rows written on
the first, as a real replica would once it has caught up.
"""

from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from kwippy.accounts.models import User
from kwippy.core.middleware import PRIMARY_COOKIE
from kwippy.core.routers import reads_from_replicas
from kwippy.posts.models import Post
from kwippy.posts.services import post_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    """Switch the router and its middleware on, with the test database's second alias as replica."""
    settings.KWIPPY_DATABASE_REPLICAS = ["replica"]
    settings.DATABASE_ROUTERS = ["kwippy.core.routers.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "kwippy.core.middleware.reads_from_replicas",
    )
    settings.MIDDLEWARE = middleware
    settings.KWIPPY_PRIMARY_PIN_SECONDS = 10


@contextmanager
def queries_by_alias():
    """Yield the queries run on the primary and on the replica within the block."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def test_reads_in_a_request_block_go_to_the_replica_and_find_committed_rows(replica, alice):
    with queries_by_alias() as (primary, replica_queries), reads_from_replicas():
        found = User.objects.get(username="alice")
        posts = list(Post.objects.filter(user=found))
    assert found.pk == alice.pk
    assert posts == []
    assert len(replica_queries) == 2
    assert len(primary) == 0


def test_writes_go_to_the_primary_and_pin_the_rest_of_the_block_there(replica, alice):
    with queries_by_alias() as (primary, replica_queries), reads_from_replicas() as reads:
        User.objects.filter(pk=alice.pk).update(bio="Saves links")
        after_write = len(primary)
        assert User.objects.get(pk=alice.pk).bio == "Saves links"
    assert reads.wrote
    assert after_write == 1
    assert len(primary) == 2
    assert len(replica_queries) == 0


def test_a_read_in_a_transaction_stays_on_the_primary_before_any_write(replica, alice):
    with queries_by_alias() as (primary, replica_queries), reads_from_replicas():
        with transaction.atomic():
            User.objects.get(pk=alice.pk)
        User.objects.get(pk=alice.pk)
    assert [q["sql"].split()[0] for q in primary.captured_queries] == ["BEGIN", "SELECT", "COMMIT"]
    assert len(replica_queries) == 1


def test_reads_outside_a_request_go_to_the_primary(replica, alice):
    with queries_by_alias() as (primary, replica_queries):
        User.objects.get(pk=alice.pk)
    assert len(primary) == 1
    assert len(replica_queries) == 0


def test_an_anonymous_page_reads_only_the_replica_and_sets_no_cookie(replica, client, alice):
    post_create(user=alice, url="https://example.com/", title="Seen through the replica")
    with queries_by_alias() as (primary, replica_queries):
        response = client.get("/")
    assert response.status_code == 200
    assert b"Seen through the replica" in response.content
    assert replica_queries.captured_queries
    assert len(primary) == 0
    assert PRIMARY_COOKIE not in response.cookies


def test_after_saving_a_post_the_writer_reads_the_primary_and_others_the_replica(
    replica, client, alice
):
    client.force_login(alice)
    with queries_by_alias() as (primary, replica_queries):
        response = client.post("/add/", {"url": "https://example.com/new", "title": "Fresh"})
    assert response.status_code == 302
    assert len(replica_queries) == 0
    assert response.cookies[PRIMARY_COOKIE]["max-age"] == 10
    assert response.cookies[PRIMARY_COOKIE]["httponly"]

    with queries_by_alias() as (primary, replica_queries):
        page = client.get("/u/alice/")
    assert b"Fresh" in page.content
    assert primary.captured_queries
    assert len(replica_queries) == 0

    client.cookies.pop(PRIMARY_COOKIE)
    with queries_by_alias() as (primary, replica_queries):
        page = client.get("/u/alice/")
    assert b"Fresh" in page.content
    assert replica_queries.captured_queries
    assert len(primary) == 0


def test_a_form_post_reads_the_primary_even_when_it_writes_nothing(replica, client, alice):
    with queries_by_alias() as (primary, replica_queries):
        response = client.post("/accounts/signup/", {"username": "alice", "email": "x"})
    assert response.status_code == 422
    assert b"already" in response.content
    assert primary.captured_queries
    assert len(replica_queries) == 0


def test_signing_in_pins_the_browser_to_the_primary(replica, client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert PRIMARY_COOKIE in response.cookies


def test_migrations_never_run_on_a_replica(replica):
    from django.db import router

    assert router.allow_migrate("replica", "posts") is False
    assert router.allow_migrate("default", "posts") is not False


def test_without_replicas_there_is_no_router_and_no_replica_middleware(settings, client, alice):
    assert settings.KWIPPY_DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []
    assert "kwippy.core.middleware.reads_from_replicas" not in settings.MIDDLEWARE
    client.force_login(alice)
    response = client.post("/add/", {"url": "https://example.com/", "title": "Example"})
    assert response.status_code == 302
    assert PRIMARY_COOKIE not in response.cookies
