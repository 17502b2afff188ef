"""posts/add calls that race on one URL, each on its own database connection."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from kwippy.accounts.models import User
from kwippy.auth.services import app_password_create
from kwippy.posts.models import Post
from kwippy.posts.services import post_create, post_update

URL = "https://example.com/raced"


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Statistics views are read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _add_in_a_thread(token: str, **params) -> threading.Thread:
    def call():
        try:
            Client().get("/api/v1/posts/add", {"auth_token": token, "url": URL, **params})
        finally:
            connection.close()

    thread = threading.Thread(target=call)
    thread.start()
    return thread


def _wait_until_waiting(count: int, thread: threading.Thread) -> None:
    while _waiting_on_locks() < count:
        assert thread.is_alive(), "the call finished without waiting for the post's lock"


@pytest.mark.parametrize("private_first", [True, False])
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_add_leaving_shared_out_never_undoes_a_private_one(private_first):
    user = User.objects.create_user("rita", password="irrelevant-for-this-test")
    _, secret = app_password_create(user=user, name="two clients")
    token = f"rita:{secret}"
    post = post_create(user=user, url=URL, title="Raced")
    calls = [{"description": "Private", "shared": "no"}, {"description": "Retitled"}]
    if not private_first:
        calls.reverse()
    for _ in range(3):
        post_update(post=post, is_private=False)
        # Both calls read the post, then queue on its row lock in the order they were started.
        with transaction.atomic():
            Post.objects.select_for_update().get(pk=post.pk)
            threads = []
            for params in calls:
                threads.append(_add_in_a_thread(token, **params))
                _wait_until_waiting(len(threads), threads[-1])
        for thread in threads:
            thread.join()
        assert Post.objects.get(pk=post.pk).is_private
