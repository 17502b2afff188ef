"""The exact shapes Pinboard's clients parse, in XML (the default) and in JSON."""

import hashlib
from datetime import UTC, date, datetime

import pytest

from kwippy.api.render import format_date, format_datetime, post_meta
from kwippy.posts.models import Post
from kwippy.posts.services import post_create, post_update
from tests.api.conftest import json_of, xml_of

POST_KEYS = ["href", "description", "extended", "meta", "hash", "time", "shared", "toread", "tags"]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


# XML --------------------------------------------------------------------------------------------


def test_a_result_code_is_an_empty_result_element(api):
    response = api("posts/add", url="https://example.com/", description="Example")
    assert response.status_code == 200
    assert response.content.decode().endswith('<result code="done" />')
    assert xml_of(response).attrib == {"code": "done"}


def test_posts_update_is_an_update_element_with_a_z_time(api, saved):
    root = xml_of(api("posts/update"))
    assert root.tag == "update"
    assert root.attrib["time"] == format_datetime(saved[2].updated)
    assert root.attrib["time"].endswith("Z")


def test_posts_get_is_posts_with_post_elements_and_a_singular_tag(api, saved):
    root = xml_of(api("posts/get"))
    assert root.tag == "posts"
    assert root.attrib == {"dt": "2024-03-02T00:00:00Z", "user": "alice"}
    assert [post.attrib for post in root] == [
        {
            "href": "https://example.com/three",
            "description": "Three",
            "extended": "",
            "hash": _md5("https://example.com/three"),
            "tag": "web",
            "time": "2024-03-02T18:45:10Z",
            "shared": "yes",
            "toread": "no",
        },
        {
            "href": "https://example.com/two",
            "description": "Two",
            "extended": "",
            "hash": _md5("https://example.com/two"),
            "tag": "python",
            "time": "2024-03-02T09:30:00Z",
            "shared": "no",
            "toread": "yes",
        },
    ]


def test_xml_posts_carry_meta_only_when_asked(api, saved):
    plain = xml_of(api("posts/recent"))
    assert all("meta" not in post.attrib for post in plain)
    with_meta = xml_of(api("posts/recent", meta="yes"))
    assert [post.attrib["meta"] for post in with_meta] == [post_meta(p) for p in saved[2::-1]]


def test_posts_recent_is_the_same_envelope_dated_by_its_newest_post(api, saved):
    root = xml_of(api("posts/recent", count="2"))
    assert root.attrib == {"dt": "2024-03-02T18:45:10Z", "user": "alice"}
    assert [post.attrib["description"] for post in root] == ["Three", "Two"]


def test_posts_all_is_posts_with_the_user_only(api, saved):
    response = api("posts/all")
    assert response.streaming
    root = xml_of(response)
    assert root.attrib == {"user": "alice"}
    assert [post.attrib["description"] for post in root] == ["Three", "Two", "One"]
    assert root[2].attrib["extended"] == "first note"
    assert root[2].attrib["tag"] == "python django"


def test_posts_dates_is_dates_with_counted_date_elements(api, saved):
    root = xml_of(api("posts/dates"))
    assert root.tag == "dates"
    assert root.attrib == {"tag": "", "user": "alice"}
    assert [d.attrib for d in root] == [
        {"count": "2", "date": "2024-03-02"},
        {"count": "1", "date": "2024-03-01"},
    ]
    assert xml_of(api("posts/dates", tag="python django")).attrib["tag"] == "python django"


def test_posts_suggest_is_suggested_with_popular_and_recommended_elements(api, saved):
    root = xml_of(api("posts/suggest", url="https://example.com/one"))
    assert root.tag == "suggested"
    assert [(child.tag, child.text) for child in root] == [
        ("popular", "python"),
        ("popular", "django"),
        ("popular", "tutorial"),
        ("recommended", "python"),
        ("recommended", "django"),
    ]


def test_tags_get_is_tags_with_counted_tag_elements(api, saved):
    root = xml_of(api("tags/get"))
    assert root.tag == "tags"
    assert [t.attrib for t in root] == [
        {"count": "1", "tag": "django"},
        {"count": "2", "tag": "python"},
        {"count": "1", "tag": "web"},
    ]


@pytest.mark.parametrize(
    ("method", "params"),
    [("tags/delete", {"tag": "web"}), ("tags/rename", {"old": "web", "new": "www"})],
)
def test_tag_writes_answer_a_result_element_with_text(api, saved, method, params):
    response = api(method, **params)
    assert response.content.decode().endswith("<result>done</result>")


def test_user_api_token_is_a_result_element_holding_the_token(api, secret):
    assert xml_of(api("user/api_token")).text == secret


def test_xml_escapes_what_people_write_and_survives_what_xml_cannot_carry(api, alice):
    post = post_create(
        user=alice,
        url="https://example.com/?a=1&b=<2>",
        title="Quotes \" and ' & <tags>",
        description="line one\nline two\ttab",
    )
    Post.objects.filter(pk=post.pk).update(title="bell \x07 and form feed \x0c")
    root = xml_of(api("posts/recent"))
    assert root[0].attrib["href"] == "https://example.com/?a=1&b=<2>"
    assert root[0].attrib["extended"] == "line one\nline two\ttab"
    assert root[0].attrib["description"] == "bell \ufffd and form feed \ufffd"
    post_update(post=post, title="Quotes \" and ' & <tags>")
    assert xml_of(api("posts/recent"))[0].attrib["description"] == "Quotes \" and ' & <tags>"


# JSON -------------------------------------------------------------------------------------------


def test_json_answers_carry_pinboards_text_json_type(api, saved):
    for response in (
        api("posts/update", format="json"),
        api("posts/all", format="json"),
        api("posts/add", format="json"),
        api("posts/add", format="json", auth_token="alice:wrong"),
    ):
        assert response["Content-Type"] == "text/json; charset=utf-8"


def test_json_result_codes_and_results(api, saved):
    assert json_of(api("posts/delete", url="https://example.com/one", format="json")) == {
        "result_code": "done"
    }
    assert json_of(api("posts/delete", url="https://example.com/one", format="json")) == {
        "result_code": "item not found"
    }
    assert json_of(api("tags/delete", tag="web", format="json")) == {"result": "done"}
    assert json_of(api("tags/rename", old="a", new="b", format="json")) == {"result": "done"}


def test_json_posts_get_envelope_and_post_objects(api, saved):
    answer = json_of(api("posts/get", dt="2024-03-01", format="json"))
    assert list(answer) == ["date", "user", "posts"]
    assert answer["date"] == "2024-03-01T00:00:00Z"
    assert answer["user"] == "alice"
    assert answer["posts"] == [
        {
            "href": "https://example.com/one",
            "description": "One",
            "extended": "first note",
            "meta": post_meta(saved[0]),
            "hash": _md5("https://example.com/one"),
            "time": "2024-03-01T10:00:00Z",
            "shared": "yes",
            "toread": "no",
            "tags": "python django",
        }
    ]
    assert list(answer["posts"][0]) == POST_KEYS


def test_json_posts_recent_and_all(api, saved):
    recent = json_of(api("posts/recent", format="json"))
    assert recent["date"] == "2024-03-02T18:45:10Z"
    assert [p["description"] for p in recent["posts"]] == ["Three", "Two", "One"]
    everything = json_of(api("posts/all", format="json"))
    assert isinstance(everything, list)
    assert [p["href"] for p in everything] == [p["href"] for p in recent["posts"]]
    assert all(list(p) == POST_KEYS for p in everything)
    assert json_of(api("posts/all", format="json", tag="nothing")) == []


def test_json_posts_dates_counts_are_strings(api, saved):
    assert json_of(api("posts/dates", format="json", tag="python")) == {
        "user": "alice",
        "tag": "python",
        "dates": {"2024-03-02": "1", "2024-03-01": "1"},
    }


def test_json_posts_suggest_is_a_list_of_two_objects(api, saved):
    assert json_of(api("posts/suggest", url="https://example.com/two", format="json")) == [
        {"popular": []},
        {"recommended": ["python"]},
    ]


def test_json_tags_get_counts_are_strings(api, saved):
    assert json_of(api("tags/get", format="json")) == {"django": "1", "python": "2", "web": "1"}


def test_json_posts_update(api, saved):
    assert json_of(api("posts/update", format="json")) == {
        "update_time": format_datetime(saved[2].updated)
    }


def test_an_empty_account_answers_well_formed_envelopes(api):
    answer = json_of(api("posts/get", format="json"))
    assert answer["posts"] == []
    assert datetime.strptime(answer["date"], "%Y-%m-%dT%H:%M:%SZ")
    assert len(xml_of(api("posts/recent"))) == 0
    assert json_of(api("posts/dates", format="json"))["dates"] == {}
    assert json_of(api("tags/get", format="json")) == {}
    assert datetime.strptime(
        json_of(api("posts/update", format="json"))["update_time"], "%Y-%m-%dT%H:%M:%SZ"
    )


# Formats ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2010, 12, 11, 19, 48, 2, 999999, tzinfo=UTC), "2010-12-11T19:48:02Z"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
        (datetime.fromisoformat("2010-12-11T21:48:02+02:00"), "2010-12-11T19:48:02Z"),
    ],
)
def test_times_are_utc_with_a_literal_t_and_z(moment, text):
    assert format_datetime(moment) == text


def test_dates_are_zero_padded():
    assert format_date(date(5, 1, 9)) == "0005-01-09"


def test_meta_changes_when_the_post_does(alice):
    post = post_create(user=alice, url="https://example.com/", title="Example")
    before = post_meta(post)
    assert post_meta(Post.objects.select_related("link").get(pk=post.pk)) == before
    post_update(post=post, to_read=True)
    assert post_meta(post) != before
