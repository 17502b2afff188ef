"""Every path, with or without a slash; bad input refused in Pinboard's shape, storing nothing."""

import string
import urllib.parse
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.accounts.models import ChangeStamp
from kwippy.api.views import METHODS
from kwippy.auth.models import AppPassword
from kwippy.posts.models import Link, Post, UserTag
from kwippy.posts.services import post_create
from tests.api.conftest import basic, body_of, json_of, xml_of
from tests.conftest import PASSWORD
from tests.posts.helpers import tag_counts_recounted, tag_counts_stored

ARGUMENTS = {
    "posts/add": {"url": "https://example.com/new", "description": "New"},
    "posts/delete": {"url": "https://example.com/one"},
    "tags/delete": {"tag": "web"},
    "tags/rename": {"old": "web", "new": "www"},
    "posts/update": {},
    "posts/get": {},
    "posts/recent": {},
    "posts/dates": {},
    "posts/all": {},
    "posts/suggest": {"url": "https://example.com/one"},
    "tags/get": {},
    "user/api_token": {},
    "user/secret": {},
    "notes/list": {},
}


def _state():
    """Return everything a write could touch."""
    return (
        list(Post.objects.order_by("id").values_list("id", "title", "tags", "updated")),
        list(Link.objects.order_by("id").values_list("id", "public_saves")),
        sorted(UserTag.objects.values_list("user_id", "name", "count", "public_count")),
        list(ChangeStamp.objects.order_by("user_id").values_list("user_id", "posts")),
        AppPassword.objects.count(),
    )


# Paths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_answers_with_and_without_a_trailing_slash(api, saved, method, slash):
    for fmt in ("xml", "json"):
        response = api(method + slash, format=fmt, **ARGUMENTS[method])
        assert response.status_code == 200, body_of(response)
        (json_of if fmt == "json" else xml_of)(response)


def test_every_method_of_the_issue_is_served():
    assert set(METHODS) == {
        "posts/update",
        "posts/add",
        "posts/delete",
        "posts/get",
        "posts/recent",
        "posts/dates",
        "posts/all",
        "posts/suggest",
        "tags/get",
        "tags/delete",
        "tags/rename",
        "user/api_token",
        "user/secret",
        "notes/list",
    }


@pytest.mark.parametrize(
    "path", ["posts/nope", "posts", "", "posts/add//", "Posts/Add", "notes/a/b", "posts/add/x"]
)
def test_an_unknown_method_is_404_in_pinboards_shape(api, path):
    response = api(path, format="json")
    assert response.status_code == 404
    assert json_of(response) == {"result_code": "unknown method"}


def test_api_paths_are_never_redirected(client):
    for path in ("/api/v1/posts/update", "/api/v1/posts/update/", "/api/v1/nothing"):
        assert client.get(path).status_code in (401, 404)


@pytest.mark.parametrize("verb", ["put", "delete", "patch", "head", "options"])
def test_other_http_methods_are_refused(client, secret, verb):
    response = getattr(client, verb)(f"/api/v1/posts/update?auth_token=alice:{secret}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_a_post_with_a_form_body_works_like_a_get(client, secret, alice):
    extended = "x" * 65536
    response = client.post(
        "/api/v1/posts/add?format=json",
        {
            "auth_token": f"alice:{secret}",
            "url": "https://example.com/long",
            "description": "Long",
            "extended": extended,
        },
    )
    assert json_of(response) == {"result_code": "done"}
    assert Post.objects.get(user=alice).description == extended


def test_answers_are_never_cached_and_vary_on_authorization(api, saved):
    response = api("posts/recent")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    refused = api("posts/add", format="json")
    assert "no-store" in refused["Cache-Control"]


# Bad input --------------------------------------------------------------------------------------

GOOD_ADD = {"url": "https://example.com/new", "description": "New"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"url": None}, "missing url"),
        ({"url": ""}, "missing url"),
        ({"url": "javascript:alert(1)"}, "bad url"),
        ({"url": "ftp://example.com/"}, "bad url"),
        ({"url": "http://"}, "bad url"),
        ({"url": "https://exa mple.com/"}, "bad url"),
        ({"url": "https://example.com/" + "a" * 2000}, "bad url"),
        ({"url": "https://example.com:99999/"}, "bad url"),
        ({"description": None}, "missing description"),
        ({"description": "   "}, "missing description"),
        ({"description": "x" * 256}, "description too long"),
        ({"description": "nul \x00 here"}, "bad description"),
        ({"extended": "x" * 65537}, "extended too long"),
        ({"extended": "bell \x07"}, "bad extended"),
        ({"tags": "a " + "t" * 256}, "tags too long"),
        ({"tags": " ".join(f"t{n}" for n in range(101))}, "too many tags"),
        ({"tags": "a\x00b"}, "bad tags"),
        ({"dt": "yesterday"}, "bad dt"),
        ({"dt": "2024-13-01T00:00:00Z"}, "bad dt"),
        ({"dt": "0001-01-01T00:00:00+01:00"}, "bad dt"),
        ({"dt": "2024-01-01T00:00:00Z" + " " * 40}, "bad dt"),
        ({"replace": "maybe"}, "bad replace"),
        ({"shared": "true"}, "bad shared"),
        ({"toread": "2"}, "bad toread"),
    ],
)
def test_bad_posts_add_arguments_are_refused_and_store_nothing(api, saved, changes, code):
    params = {**GOOD_ADD, **changes}
    params = {name: value for name, value in params.items() if value is not None}
    before = _state()
    response = api("posts/add", format="json", **params)
    assert response.status_code == 400
    assert json_of(response) == {"result_code": code}
    assert _state() == before
    xml = api("posts/add", **params)
    assert xml.status_code == 400
    assert xml_of(xml).attrib == {"code": code}
    assert _state() == before


@pytest.mark.parametrize(
    ("method", "params", "code"),
    [
        ("posts/delete", {}, "missing url"),
        ("posts/delete", {"url": "not a url"}, "bad url"),
        ("posts/get", {"dt": "2024-02-30"}, "bad dt"),
        ("posts/get", {"dt": "soon"}, "bad dt"),
        ("posts/get", {"url": "mailto:x@example.com"}, "bad url"),
        ("posts/get", {"tag": "a b c d"}, "too many tags"),
        ("posts/get", {"meta": "perhaps"}, "bad meta"),
        ("posts/recent", {"count": "-1"}, "bad count"),
        ("posts/recent", {"count": "ten"}, "bad count"),
        ("posts/recent", {"count": "1" * 10}, "bad count"),
        ("posts/recent", {"count": "\u0661"}, "bad count"),
        ("posts/dates", {"tag": "x" * 256}, "tag too long"),
        ("posts/all", {"start": "x"}, "bad start"),
        ("posts/all", {"results": "1e3"}, "bad results"),
        ("posts/all", {"fromdt": "2024"}, "bad fromdt"),
        ("posts/all", {"todt": "2024-01-01T25:00:00Z"}, "bad todt"),
        ("posts/suggest", {}, "missing url"),
        ("tags/delete", {}, "missing tag"),
        ("tags/delete", {"tag": "two tags"}, "bad tag"),
        ("tags/delete", {"tag": "x" * 256}, "tag too long"),
        ("tags/rename", {"new": "b"}, "missing old"),
        ("tags/rename", {"old": "web"}, "missing new"),
        ("tags/rename", {"old": "web", "new": "b\x01"}, "bad new"),
    ],
)
def test_bad_arguments_of_other_methods_are_refused_and_store_nothing(
    api, saved, method, params, code
):
    before = _state()
    response = api(method, format="json", **params)
    assert response.status_code == 400
    assert json_of(response) == {"result_code": code}
    assert _state() == before


def test_an_unknown_format_is_refused_in_xml(api):
    response = api("posts/update", format="yaml")
    assert response.status_code == 400
    assert xml_of(response).attrib == {"code": "bad format"}


def test_replace_no_on_an_existing_url_stores_nothing(api, saved):
    before = _state()
    response = api("posts/add", url="https://EXAMPLE.com/one", description="Other", replace="no")
    assert response.status_code == 200
    assert xml_of(response).attrib == {"code": "item already exists"}
    assert _state() == before


# Values -----------------------------------------------------------------------------------------


def test_a_creation_time_far_ahead_becomes_now(api, alice):
    api("posts/add", url="https://example.com/", description="Future", dt="2999-01-01T00:00:00Z")
    assert Post.objects.get(user=alice).created <= timezone.now()


def test_creation_times_in_other_offsets_are_stored_in_utc(api, alice):
    api(
        "posts/add",
        url="https://example.com/",
        description="Offset",
        dt="2024-01-01T02:00:00+02:00",
    )
    assert Post.objects.get(user=alice).created == datetime(2024, 1, 1, tzinfo=UTC)


def test_posts_get_accepts_a_date_or_a_datetime_for_dt(api, saved):
    for dt in ("2024-03-01", "2024-03-01T00:00:00Z"):
        answer = json_of(api("posts/get", dt=dt, format="json"))
        assert [p["description"] for p in answer["posts"]] == ["One"]


def test_posts_recent_never_returns_more_than_100(api, alice):
    Post.objects.bulk_create(
        Post(user=alice, link=Link.objects.create(url=f"https://{n}.example/", url_hash=f"{n}"))
        for n in range(105)
    )
    assert len(json_of(api("posts/recent", count="1000", format="json"))["posts"]) == 100


def test_the_api_shows_only_the_callers_posts_private_ones_included(api, saved):
    hrefs = {p["href"] for p in json_of(api("posts/all", format="json"))}
    assert hrefs == {
        "https://example.com/one",
        "https://example.com/two",
        "https://example.com/three",
    }
    one = json_of(api("posts/get", url="https://example.com/one", format="json"))["posts"]
    assert [p["description"] for p in one] == ["One"]


def test_adding_a_new_spelling_of_a_saved_url_replaces_the_same_post(api, saved, alice):
    api("posts/add", url="HTTPS://Example.COM:443/one", description="One again", tags="Mixed CASE")
    post = Post.objects.get(pk=saved[0].pk)
    assert (post.title, post.tags) == ("One again", ["mixed", "case"])
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)


# Query counts -----------------------------------------------------------------------------------


def _queries(api, method, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api(method, **params)
        body_of(response)
    assert response.status_code == 200
    return len(queries)


def _more_posts(alice, how_many):
    for n in range(how_many):
        post_create(
            user=alice,
            url=f"https://many.example/{n}",
            title=f"Many {n}",
            tags=f"python many t{n}",
            created=datetime(2024, 3, 2, 12, n % 60, tzinfo=UTC),
        )


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("posts/get", {}),
        ("posts/get", {"dt": "2024-03-02", "tag": "python"}),
        ("posts/recent", {"count": "100"}),
        ("posts/all", {"format": "json"}),
        ("posts/all", {"tag": "python", "meta": "yes"}),
        ("posts/dates", {}),
        ("posts/suggest", {"url": "https://example.com/one"}),
        ("tags/get", {}),
        ("tags/rename", {"old": "python", "new": "py"}),
    ],
)
def test_query_counts_do_not_grow_with_the_answer(api, saved, alice, method, params):
    api("posts/update")  # The app password's first use of the minute is written down.
    few = _queries(api, method, params)
    if method == "tags/rename":
        params = {"old": "py", "new": "python"}
    _more_posts(alice, 40)
    assert _queries(api, method, params) == few
    assert few <= 8


# Fuzz -------------------------------------------------------------------------------------------

_NAMES = ["url", "description", "extended", "tags", "tag", "dt", "replace", "shared", "toread"]
_NAMES += ["meta", "count", "start", "results", "fromdt", "todt", "old", "new", "format"]
_values = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.printable, max_size=300),
    st.sampled_from(["yes", "no", "json", "xml", "2024-03-02", "2024-03-02T10:00:00Z", "9" * 12]),
    st.sampled_from(["https://example.com/one", "https://example.com/" + "x" * 2100, ""]),
    st.integers(min_value=-5, max_value=10**12).map(str),
    st.builds(lambda n: "t " * n, st.integers(min_value=0, max_value=120)),
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from([*sorted(METHODS), "posts/nope", "tags/get/"]),
    params=st.dictionaries(st.sampled_from(_NAMES), _values, max_size=6),
)
def test_fuzzed_arguments_never_give_a_500_and_refusals_store_nothing(api, saved, method, params):
    before = _state()
    response = api(method, **params)
    assert response.status_code in (200, 400, 404)
    if response["Content-Type"].startswith("text/json"):
        json_of(response)
    else:
        xml_of(response)
    if response.status_code != 200:
        assert _state() == before
    for user in {post.user for post in saved}:
        assert tag_counts_stored(user) == tag_counts_recounted(user)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=200))
def test_fuzzed_raw_query_strings_never_give_a_500(client, secret, raw):
    query = urllib.parse.quote_from_bytes(raw, safe="=&+%")
    response = client.get(f"/api/v1/posts/add?auth_token=alice:{secret}&{query}")
    assert response.status_code in (200, 400)


def test_a_replace_without_shared_or_toread_keeps_them(api, saved):
    api("posts/add", url="https://example.com/two", description="Two, retitled")
    post = Post.objects.get(pk=saved[1].pk)
    assert (post.title, post.is_private, post.to_read) == ("Two, retitled", True, True)
    api("posts/add", url="https://example.com/two", description="Two", shared="yes", toread="no")
    post = Post.objects.get(pk=saved[1].pk)
    assert (post.is_private, post.to_read) == (False, False)


# Writes a browser sends for another site --------------------------------------------------------

WRITES = {
    "posts/add": {"url": "https://example.com/forged", "description": "Forged"},
    "posts/delete": {"url": "https://example.com/one"},
    "tags/delete": {"tag": "web"},
    "tags/rename": {"old": "web", "new": "forged"},
}
FOREIGN = [
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_ORIGIN": "https://elsewhere.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://elsewhere.example"},
]


@pytest.mark.parametrize("headers", FOREIGN)
@pytest.mark.parametrize("method", sorted(WRITES))
def test_a_write_a_browser_marks_as_from_another_site_is_refused(api, saved, method, headers):
    before = _state()
    response = api(method, format="json", headers=headers, **WRITES[method])
    assert response.status_code == 403
    assert json_of(response) == {"result_code": "cross-site request refused"}
    assert _state() == before


def test_basic_credentials_a_browser_resends_cannot_add_from_another_site(client, saved, alice):
    response = client.get(
        "/api/v1/posts/add",
        {"url": "https://example.com/forged", "description": "Forged"},
        HTTP_AUTHORIZATION=basic("alice", PASSWORD),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_SEC_FETCH_MODE="navigate",
    )
    assert response.status_code == 403
    assert xml_of(response).attrib == {"code": "cross-site request refused"}
    assert not Post.objects.filter(title="Forged").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://127.0.0.1:8000"},
    ],
)
def test_writes_from_scripts_and_from_the_site_itself_still_work(api, saved, headers):
    response = api("posts/add", format="json", headers=headers, **WRITES["posts/add"])
    assert json_of(response) == {"result_code": "done"}


@pytest.mark.parametrize("headers", FOREIGN)
def test_reads_from_another_site_answer_as_before(api, saved, headers):
    response = api("posts/recent", format="json", headers=headers)
    assert response.status_code == 200
    assert len(json_of(response)["posts"]) == 3


# Oversized requests -----------------------------------------------------------------------------


def test_a_body_over_djangos_limit_is_refused_in_pinboards_shape(client, secret, settings):
    body = "extended=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        f"/api/v1/posts/add?format=json&auth_token=alice:{secret}",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert json_of(response) == {"result_code": "request too large"}
    assert not Post.objects.exists()


def test_too_many_arguments_are_refused_in_pinboards_shape(client, secret, settings):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/api/v1/posts/recent?{fields}&auth_token=alice:{secret}")
    assert response.status_code == 400
    assert xml_of(response).attrib == {"code": "too many arguments"}
    posted = client.post(
        "/api/v1/posts/recent?format=json",
        fields,
        content_type="application/x-www-form-urlencoded",
    )
    assert posted.status_code == 400
    assert json_of(posted) == {"result_code": "too many arguments"}


# Notes ------------------------------------------------------------------------------------------


def test_notes_list_answers_pinboards_empty_list(api):
    assert json_of(api("notes/list", format="json")) == {"count": 0, "notes": []}
    root = xml_of(api("notes/list/"))
    assert (root.tag, list(root)) == ("notes", [])


def test_a_note_answers_item_not_found_in_pinboards_shape(api):
    response = api("notes/0123456789abcdef0123", format="json")
    assert response.status_code == 200
    assert json_of(response) == {"result_code": "item not found"}
    assert xml_of(api("notes/0123456789abcdef0123/")).attrib == {"code": "item not found"}


def test_notes_need_credentials(client):
    assert client.get("/api/v1/notes/list").status_code == 401
    assert client.get("/api/v1/notes/0123456789abcdef0123").status_code == 401


# posts/all's selection --------------------------------------------------------------------------


def test_posts_all_with_toread_answers_only_those_to_read_or_read(api, saved):
    unread = json_of(api("posts/all", format="json", toread="yes"))
    assert [post["href"] for post in unread] == ["https://example.com/two"]
    read = json_of(api("posts/all", format="json", toread="no"))
    assert [post["href"] for post in read] == [
        "https://example.com/three",
        "https://example.com/one",
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"toread": "maybe"}, "bad toread"),
        ({"toread": "unread"}, "bad toread"),
        ({"shared": "no"}, "unknown argument shared"),
        ({"unread": "yes"}, "unknown argument unread"),
        ({"tag": ","}, "bad tag"),
        ({"tag": ["python", "web"]}, "repeated tag"),
        ({"toread": ["yes", "no"]}, "repeated toread"),
        ({"fromdt": "last week"}, "bad fromdt"),
        ({"todt": "2024-02-30T00:00:00Z"}, "bad todt"),
    ],
)
def test_posts_all_refuses_arguments_that_would_widen_its_selection(api, saved, params, code):
    response = api("posts/all", format="json", **params)
    assert response.status_code == 400
    assert json_of(response) == {"result_code": code}


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fetch_site=st.one_of(
        st.none(), st.sampled_from(["cross-site", "same-site", "same-origin", "none", "NONE"])
    ),
    origin=st.one_of(
        st.none(),
        st.sampled_from(["null", "http://testserver", "http://127.0.0.1:8000", "http://[::1"]),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40),
    ),
)
def test_fuzzed_browser_headers_on_a_write_never_give_a_500(api, saved, fetch_site, origin):
    headers = {}
    if fetch_site is not None:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    response = api("tags/rename", format="json", headers=headers, old="web", new="www")
    assert response.status_code in (200, 403)
    if response.status_code == 403:
        assert json_of(response) == {"result_code": "cross-site request refused"}
