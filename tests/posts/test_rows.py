"""A bookmark's row, written in Python (kwippy.posts.rows): whatever people type comes back as
text, in its place, and never as markup."""

from datetime import UTC, datetime

import lxml.html
import pytest
from django.template.defaultfilters import date as date_filter
from hypothesis import given, settings
from hypothesis import strategies as st

from kwippy.accounts.models import User
from kwippy.posts.models import Link, LinkHealth, LinkPage, Post
from kwippy.posts.rows import RowOptions, post_rows_html

# What lxml can hold: no control characters but the line breaks, no lone surrogates.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from("<>&\"'\n"),
    max_size=60,
)
TAG = st.text(st.sampled_from("ab<>&\"'é+%/."), min_size=1, max_size=12).filter(
    lambda tag: tag.strip() == tag
)


def _post(*, title: str, url: str, description: str, tags: list[str], name: str) -> Post:
    owner = User(pk=7, username="alice", display_name=name)
    link = Link(pk=3, url=url, public_id="AbCdEfGhIjKl", public_saves=1)
    # Its page, as the owner's lists join it (selectors.posts_with_health): gone.
    LinkPage(link=link, health=LinkHealth.GONE, status_code=410)
    created = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)
    return Post(
        pk=11,
        user=owner,
        link=link,
        title=title,
        description=description,
        tags=tags,
        created=created,
        to_read=True,
    )


def _row(post: Post, **options) -> lxml.html.HtmlElement:
    html = post_rows_html([post], options=RowOptions(**options))
    (article,) = lxml.html.fragment_fromstring(html, create_parent="div")
    return article


@settings(max_examples=200, deadline=None)
@given(title=TEXT, url=TEXT, description=TEXT, tags=st.lists(TAG, max_size=4), name=TEXT)
def test_typed_text_comes_back_as_text_in_its_place(title, url, description, tags, name):
    post = _post(title=title, url=url, description=description, tags=tags, name=name)
    here = "/u/alice/?q=<b>&x=\"'"
    article = _row(post, viewer_id=7, is_owner=True, here=here, csrf_token="tok")

    (heading,) = article.xpath("h2[@class='post-title']/a")
    assert heading.text_content() == title
    assert heading.get("href") == url
    (checkbox,) = article.xpath("input[@class='select-post']")
    assert checkbox.get("aria-label") == f"Select “{title}”"
    assert [a.text_content() for a in article.xpath(".//a[@class='tag']")] == tags
    (byline,) = article.xpath(".//span[@class='byline']/a")
    assert byline.text_content() == (name or "alice")
    descriptions = article.xpath("p[@class='post-description']")
    if description:
        (shown,) = descriptions
        assert shown.text_content() == description.replace("\r", "").replace("\n", "")
    else:
        assert descriptions == []
    (next_field,) = article.xpath(".//form/input[@name='next']")
    assert next_field.get("value") == here
    # Nothing typed became an element: the row has only the elements the markup writes.
    written = {"article", "input", "h2", "a", "p", "br", "footer", "ul", "li", "span", "time"}
    assert {element.tag for element in article.iter()} <= written | {"form", "button"}
    assert not article.xpath(".//script | .//img | .//iframe")


CHECKBOX, FORM = "input[@class='select-post']", ".//form"
ACTION, BADGE = ".//a[@class='action']", ".//span[@class='badge']"
HEALTH = ".//span[@class='badge health'][@title='The page is gone (it answered 410)']"


@pytest.mark.parametrize(
    ("options", "present", "absent"),
    [
        ({}, [], [CHECKBOX, FORM, ACTION, BADGE, HEALTH]),
        ({"viewer_id": 8}, [ACTION], [FORM, BADGE, HEALTH]),
        ({"viewer_id": 7}, [BADGE, ACTION], [FORM, CHECKBOX, HEALTH]),
        ({"viewer_id": 7, "is_owner": True}, [FORM, CHECKBOX, HEALTH], []),
    ],
)
def test_each_viewer_sees_only_their_parts(options, present, absent):
    post = _post(title="T", url="https://example.org/", description="", tags=["a"], name="")
    article = _row(post, **options)
    for selector in present:
        assert article.xpath(selector), selector
    for selector in absent:
        assert not article.xpath(selector), selector


@given(
    created=st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    )
)
def test_the_time_is_written_as_djangos_date_filter_writes_it(created):
    post = _post(title="T", url="https://example.org/", description="", tags=[], name="")
    post.created = created
    (time,) = _row(post).xpath(".//time")
    assert time.get("datetime") == date_filter(created, "c")
    assert time.get("title") == date_filter(created, "j M Y, H:i") + " UTC"
