"""Every method through the published `pinboard` package, against a live server."""

from datetime import UTC, date, datetime

import pinboard
import pytest

from kwippy.auth.models import AppPassword
from kwippy.posts.models import Post, UserTag
from kwippy.posts.services import post_create


def _add_three(pb):
    assert pb.posts.add(
        url="https://example.com/a",
        description="Alpha",
        extended="about alpha",
        tags=["python", "web"],
        dt=datetime(2024, 5, 1, 12, 0, 0),
    )
    assert pb.posts.add(
        url="https://example.com/b",
        description="Beta",
        tags=["python"],
        shared=False,
        toread=True,
        dt=datetime(2024, 5, 2, 8, 15, 0),
    )
    assert pb.posts.add(
        url="https://example.com/c",
        description="Gamma",
        tags="web",
        dt=datetime(2024, 5, 2, 20, 0, 0),
    )


def test_posts_add_stores_every_field(pinboard_api, alice):
    _add_three(pinboard_api)
    beta = Post.objects.get(user=alice, link__url="https://example.com/b")
    assert beta.title == "Beta"
    assert beta.tags == ["python"]
    assert beta.is_private
    assert beta.to_read
    assert beta.created == datetime(2024, 5, 2, 8, 15, tzinfo=UTC)
    alpha = Post.objects.get(user=alice, link__url="https://example.com/a")
    assert alpha.description == "about alpha"
    assert not alpha.is_private
    assert not alpha.to_read


def test_posts_add_replaces_by_default_and_refuses_with_replace_no(pinboard_api, alice):
    _add_three(pinboard_api)
    assert pinboard_api.posts.add(url="https://example.com/a", description="Alpha 2", tags="new")
    post = Post.objects.get(user=alice, link__url="https://example.com/a")
    assert (post.title, post.tags) == ("Alpha 2", ["new"])
    assert post.created == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(pinboard.PinboardError, match="item already exists"):
        pinboard_api.posts.add(url="https://example.com/a", description="Alpha 3", replace=False)
    assert Post.objects.get(pk=post.pk).title == "Alpha 2"


def test_posts_get_returns_the_newest_day_or_the_one_asked_for(pinboard_api):
    _add_three(pinboard_api)
    newest = pinboard_api.posts.get()
    assert newest["user"] == "alice"
    assert [b.description for b in newest["posts"]] == ["Gamma", "Beta"]
    beta = newest["posts"][1]
    assert (beta.shared, beta.toread, beta.tags) == (False, True, ["python"])
    assert beta.time == datetime(2024, 5, 2, 8, 15)
    first_day = pinboard_api.posts.get(dt=date(2024, 5, 1))
    assert [b.url for b in first_day["posts"]] == ["https://example.com/a"]
    assert first_day["posts"][0].extended == "about alpha"
    by_url = pinboard_api.posts.get(url="https://example.com/c", meta=True)
    assert [b.description for b in by_url["posts"]] == ["Gamma"]
    assert len(by_url["posts"][0].meta) == 32
    tagged = pinboard_api.posts.get(tag=["python"], dt=date(2024, 5, 2))
    assert [b.description for b in tagged["posts"]] == ["Beta"]


def test_posts_recent_returns_the_newest_posts(pinboard_api):
    _add_three(pinboard_api)
    recent = pinboard_api.posts.recent(count=2)
    assert [b.description for b in recent["posts"]] == ["Gamma", "Beta"]
    assert recent["date"] == datetime(2024, 5, 2, 20, 0)
    tagged = pinboard_api.posts.recent(tag=["python", "web"])
    assert [b.description for b in tagged["posts"]] == ["Alpha"]


def test_posts_dates_counts_posts_per_day(pinboard_api):
    _add_three(pinboard_api)
    answer = pinboard_api.posts.dates()
    assert answer["user"] == "alice"
    assert answer["dates"] == {date(2024, 5, 2): 2, date(2024, 5, 1): 1}
    assert pinboard_api.posts.dates(tag="web")["dates"] == {
        date(2024, 5, 2): 1,
        date(2024, 5, 1): 1,
    }


def test_posts_all_returns_every_post_and_its_windows(pinboard_api):
    _add_three(pinboard_api)
    everything = pinboard_api.posts.all()
    assert [b.description for b in everything] == ["Gamma", "Beta", "Alpha"]
    assert [b.description for b in pinboard_api.posts.all(start=1, results=1)] == ["Beta"]
    assert [b.description for b in pinboard_api.posts.all(tag="python")] == ["Beta", "Alpha"]
    window = pinboard_api.posts.all(fromdt="2024-05-02T00:00:00Z", todt="2024-05-02T12:00:00Z")
    assert [b.description for b in window] == ["Beta"]
    assert all(len(b.meta) == 32 for b in pinboard_api.posts.all(meta=True))


def test_posts_update_moves_on_each_add_edit_and_delete(pinboard_api):
    _add_three(pinboard_api)
    after_add = pinboard_api.posts.update()
    assert isinstance(after_add, datetime)
    assert pinboard_api.posts.delete(url="https://example.com/c")
    assert pinboard_api.posts.update() >= after_add


def test_posts_delete_removes_the_post_and_reports_a_missing_one(pinboard_api, alice):
    _add_three(pinboard_api)
    assert pinboard_api.posts.delete(url="https://example.com/a")
    assert not Post.objects.filter(user=alice, link__url="https://example.com/a").exists()
    with pytest.raises(pinboard.PinboardError, match="item not found"):
        pinboard_api.posts.delete(url="https://example.com/a")


def test_bookmark_objects_save_and_delete_themselves(pinboard_api, alice):
    _add_three(pinboard_api)
    bookmark = pinboard_api.posts.get(url="https://example.com/a")["posts"][0]
    bookmark.description = "Alpha, edited"
    bookmark.tags = ["edited"]
    assert bookmark.save()
    post = Post.objects.get(user=alice, link__url="https://example.com/a")
    assert (post.title, post.tags) == ("Alpha, edited", ["edited"])
    assert bookmark.delete()
    assert not Post.objects.filter(pk=post.pk).exists()


def test_posts_suggest_offers_popular_and_own_tags(pinboard_api, bob):
    post_create(user=bob, url="https://example.com/a", title="A", tags="python tutorial")
    _add_three(pinboard_api)
    popular, recommended = pinboard_api.posts.suggest(url="https://example.com/a")
    assert popular["popular"][0] == "python"
    assert set(popular["popular"]) == {"python", "tutorial", "web"}
    assert recommended["recommended"] == ["python", "web"]


def test_tags_get_counts_every_tag(pinboard_api):
    _add_three(pinboard_api)
    tags = pinboard_api.tags.get()
    assert [(tag.name, tag.count) for tag in tags] == [("python", 2), ("web", 2)]


def test_tags_delete_and_rename(pinboard_api, alice):
    _add_three(pinboard_api)
    assert pinboard_api.tags.rename(old="PYTHON", new="py") == {"result": "done"}
    assert pinboard_api.tags.rename(old="web", new="py") == {"result": "done"}
    assert pinboard_api.tags.delete(tag="nothing-has-this") == {"result": "done"}
    assert [(t.name, t.count) for t in pinboard_api.tags.get()] == [("py", 3)]
    assert pinboard_api.tags.delete(tag="py") == {"result": "done"}
    assert pinboard_api.tags.get() == []
    assert not UserTag.objects.filter(user=alice).exists()


def test_user_api_token_is_a_working_token(pinboard_api, alice):
    token = pinboard_api.user.api_token()["result"]
    assert pinboard.Pinboard(f"alice:{token}").posts.update()


def test_user_secret_is_an_app_password_of_the_users(pinboard_api, alice):
    secret = pinboard_api.user.secret()["result"]
    assert secret == pinboard_api.user.secret()["result"]
    assert AppPassword.objects.filter(user=alice, name="Pinboard feed secret").exists()
    assert pinboard.Pinboard(f"alice:{secret}").posts.update()


def test_a_wrong_token_is_an_authentication_error(pinboard_api):
    with pytest.raises(pinboard.PinboardAuthenticationError):
        pinboard.Pinboard("alice:kwp_" + "a" * 32).posts.update()
