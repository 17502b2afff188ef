"""Tag paths: every tag, whatever its characters, has an address that leads back to it."""

from urllib.parse import unquote

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from kwippy.core.urls import reverse_remembered
from kwippy.posts.tagpaths import MAX_TAGS_IN_PATH, TagsConverter

converter = TagsConverter()

tags = (
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zs"], blacklist_characters=","),
        min_size=1,
        max_size=30,
    )
    .map(str.lower)
    .filter(lambda t: t.strip() == t and t)
)


@given(st.lists(tags, min_size=1, max_size=4, unique=True))
def test_tag_paths_round_trip_through_one_server_decoding(tag_list):
    path = reverse("tag", args=[tag_list])
    segment = path.removeprefix("/t/").removesuffix("/")
    # What the server hands Django after decoding the address once.
    decoded = unquote(segment)
    assert "/" not in decoded
    assert converter.to_python(decoded) == list(dict.fromkeys(tag_list))


def test_plus_in_a_decoded_segment_separates_tags():
    assert converter.to_python("python+django") == ["python", "django"]
    assert converter.to_python(converter.to_url(["c++"])) == ["c++"]
    assert converter.to_python("c++") == ["c"]
    assert converter.to_python("") == []


def _is_dot_segment(segment: str) -> bool:
    # The URL standard treats ".", "..", and their "%2e" spellings (one level of encoding) as
    # "this directory" and "the parent": browsers rewrite /t/./ to /t/ before sending it.
    return segment.lower().replace("%2e", ".") in (".", "..")


@pytest.mark.parametrize("tags", [["."], [".."], ["..."], [".", ".."]])
def test_dot_only_tags_get_paths_browsers_send_unchanged(tags):
    paths = (
        reverse("tag", args=[tags]),
        reverse("profile_tag", args=["alice", tags]),
        reverse("feed_tag", args=[tags]),
    )
    for path in paths:
        assert not any(_is_dot_segment(segment) for segment in path.split("/"))
        segment = path.rstrip("/").rpartition("/")[2]
        assert converter.to_python(unquote(segment)) == tags


@pytest.mark.parametrize("segment", ["%00", "%2500", "a+%00", "%2500+a", "%%00", "%250"])
def test_a_decoded_segment_is_never_decoded_into_a_nul(segment):
    assert not any("\x00" in tag for tag in converter.to_python(segment))


def test_a_path_names_at_most_ten_tags():
    many = [f"t{i}" for i in range(MAX_TAGS_IN_PATH + 5)]
    assert converter.to_python("+".join(many)) == many[:MAX_TAGS_IN_PATH]


def test_a_tag_page_shows_only_the_first_ten_tags_of_its_path(client, db):
    page = client.get(reverse("tag", args=[[f"t{i}" for i in range(12)]])).text
    assert '<span class="tag">t9</span>' in page
    assert '<span class="tag">t10</span>' not in page


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("tag", ["c++"], "/t/c%252B%252B/"),
        ("tag", [["c++"]], "/t/c%252B%252B/"),
        ("tag", [("python", "web")], "/t/python+web/"),
        ("profile_tag", ["alice", "a/b"], "/u/alice/t/a%252Fb/"),
        ("feed_tag_atom", ["."], "/feeds/t/%252E/atom/"),
        ("feed_private_tag", ["100%"], "/feeds/private/t/100%2525/"),
        ("feed_person_tag", ["alice", ["é", ".."]], "/feeds/u/alice/t/%C3%A9+%252E%252E/"),
    ],
)
def test_reverse_writes_the_escaped_tags_quoted_once_more(name, args, path):
    assert reverse(name, args=args) == path


@given(
    tags=st.lists(
        st.text(min_size=1, max_size=8).filter(lambda t: "\x00" not in t), min_size=1, max_size=3
    )
)
def test_a_remembered_tag_url_is_the_address_reverse_writes(tags):
    assert reverse_remembered("tag", tags) == reverse("tag", args=[tags])
    assert reverse_remembered("profile_tag", "alice", tags) == reverse(
        "profile_tag", args=["alice", tags]
    )


def test_a_remembered_tag_url_follows_the_script_prefix():
    assert reverse_remembered("tag", "c++") == "/t/c%252B%252B/"
    set_script_prefix("/bookmarks/")
    try:
        assert reverse_remembered("tag", "c++") == "/bookmarks/t/c%252B%252B/"
    finally:
        set_script_prefix("/")


def test_a_remembered_address_follows_the_urlconf_setting(settings):
    assert reverse_remembered("tag", "c++") == "/t/c%252B%252B/"
    # An address remembered under one URLconf is not given under another that lacks it.
    settings.ROOT_URLCONF = "tests.core.urls_outage"
    with pytest.raises(NoReverseMatch):
        reverse_remembered("tag", "c++")
