"""Tag paths: every tag, whatever its characters, has an address that leads back to it."""

from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from kwippy.posts.tagpaths import parse_tag_segment, tag_segment
from kwippy.posts.templatetags.kwippy import tag_path

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
    path = tag_path(tag_list)
    segment = path.removeprefix("/t/").removesuffix("/")
    # What the server hands Django after decoding the address once.
    decoded = unquote(segment)
    assert "/" not in decoded
    assert parse_tag_segment(decoded) == list(dict.fromkeys(tag_list))


def test_plus_in_a_decoded_segment_separates_tags():
    assert parse_tag_segment("python+django") == ["python", "django"]
    assert parse_tag_segment(tag_segment(["c++"])) == ["c++"]
    assert parse_tag_segment("c++") == ["c"]
    assert parse_tag_segment("") == []
