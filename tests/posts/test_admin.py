"""The admin edits posts through the services, so the counts stay right."""

import pytest

from kwippy.accounts.models import User
from kwippy.posts import services
from kwippy.posts.models import Link, Post, UserTag


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(admin)
    return client


def _form(post: Post, **changes) -> dict:
    data = {
        "user": post.user_id,
        "title": post.title,
        "description": post.description,
        "tags": " ".join(post.tags),
        "created_0": post.created.strftime("%Y-%m-%d"),
        "created_1": post.created.strftime("%H:%M:%S"),
    }
    if not post.is_private:
        data["is_private"] = ""
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_admin_edit_moves_the_tag_and_link_counts(admin_client, alice):
    post = services.post_create(user=alice, url="https://x.example/", title="x", tags="old")
    response = admin_client.post(
        f"/admin/posts/post/{post.pk}/change/", _form(post, tags="new", is_private="on")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post.refresh_from_db()
    assert post.tags == ["new"]
    assert post.is_private
    assert list(UserTag.objects.values_list("name", "count", "public_count")) == [("new", 1, 0)]
    assert Link.objects.get().public_saves == 0


def test_admin_add_and_delete_go_through_the_services(admin_client, alice):
    response = admin_client.post(
        "/admin/posts/post/add/",
        {
            "user": alice.pk,
            "url": "HTTPS://Y.example/",
            "title": "y",
            "tags": "added",
            "created_0": "2025-01-01",
            "created_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get()
    assert post.link.url == "https://y.example/"
    assert Link.objects.get().public_saves == 1
    admin_client.post(f"/admin/posts/post/{post.pk}/delete/", {"post": "yes"})
    assert not Post.objects.exists()
    assert not UserTag.objects.exists()
    assert Link.objects.get().public_saves == 0


def test_admin_refuses_a_javascript_url(admin_client, alice):
    response = admin_client.post(
        "/admin/posts/post/add/",
        {
            "user": alice.pk,
            "url": "javascript:alert(1)",
            "title": "y",
            "created_0": "2025-01-01",
            "created_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "Only http and https links can be saved." in response.text
    assert not Post.objects.exists()


def test_admin_lists_open_for_every_model(admin_client, alice, bob):
    services.post_create(user=alice, url="https://x.example/", title="x", tags="t")
    for path in ("posts/post", "posts/link", "posts/usertag", "accounts/user", "accounts/follow"):
        assert admin_client.get(f"/admin/{path}/").status_code == 200, path
