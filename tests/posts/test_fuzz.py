"""Whatever people put in an address or a search box, the answer is a page, never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.posts import services

anything = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
)
# No per-example deadline: on a busy machine it measures the machine, not the code.
FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def some_posts(alice):
    services.post_create(user=alice, url="https://x.example/", title="Tagged", tags="c++ a/b x")


@FUZZ
@given(text=anything)
def test_any_tag_path_answers_without_error(client, some_posts, text):
    segment = quote(text, safe="+")
    for path in (f"/t/{segment}/", f"/u/alice/t/{segment}/"):
        assert client.get(path).status_code in (200, 302, 404)


@FUZZ
@given(text=anything)
def test_any_search_answers_without_error(client, some_posts, text):
    assert client.get("/search/", {"q": text}).status_code == 200


@FUZZ
@given(url=anything, title=anything, tags=anything)
def test_any_add_form_input_is_saved_or_refused_with_a_form_error(client, alice, url, title, tags):
    client.force_login(alice)
    response = client.post("/add/", {"url": url, "title": title, "tags": tags})
    assert response.status_code in (302, 422)


# Pieces of tag paths as they arrive: percent signs encoded once or twice, escapes of our own
# tag-path scheme, separators and dots.
path_pieces = st.lists(
    st.sampled_from(
        [
            "%",
            "%25",
            "%2525",
            "00",
            "%00",
            "%2500",
            "2B",
            "%2B",
            "%252B",
            "2E",
            "%2E",
            "%252E",
            "+",
            ".",
            "..",
            "a",
            "é",
            "%C3%A9",
            "%ZZ",
            "%2",
            "%2F",
        ]
    ),
    max_size=8,
).map("".join)


@FUZZ
@given(segment=path_pieces)
def test_any_percent_encoded_tag_path_answers_without_error(client, some_posts, segment):
    for path in (
        f"/t/{segment}/",
        f"/u/alice/t/{segment}/",
        f"/feeds/t/{segment}/",
        f"/feeds/u/alice/t/{segment}/atom/",
    ):
        assert client.get(path).status_code in (200, 302, 400, 404)
