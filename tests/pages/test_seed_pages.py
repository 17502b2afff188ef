import json
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError

from kwippy.posts import selectors
from kwippy.posts.models import Link, LinkPage


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--users", "5", "--posts", "60", "--tags", "10", verbosity=0)


def _seed(links: int) -> dict:
    output = StringIO()
    call_command("seed_pages", "--links", str(links), stdout=output)
    return json.loads(output.getvalue().splitlines()[-1])


def test_seed_pages_keeps_copies_whose_words_search_finds(demo):
    words = _seed(20)
    assert LinkPage.objects.filter(keep_copy=True).exclude(text="").count() == 20
    lengths = sorted(len(text) for text in LinkPage.objects.values_list("text", flat=True))
    assert lengths[0] < lengths[-1]
    assert len(words["page_only_words"]) == 5
    for word in words["page_only_words"]:
        (page,) = LinkPage.objects.filter(text__icontains=word)
        saver = page.link.posts.first().user
        found = selectors.posts_search(text=word, viewer=saver, scope="mine")
        assert [(post.link_id, post.matched_in_page_only) for post in found] == [
            (page.link_id, True)
        ]

    def pages_with(text: str) -> int:
        query = SearchQuery(text, search_type="websearch", config="english")
        return LinkPage.objects.filter(text_vector=query).count()

    assert [pages_with(word) >= 4 for word in words["common_words"]] == [True] * 5
    assert [pages_with(f'"{phrase}"') >= 1 for phrase in words["phrases"]] == [True] * 5


def test_seed_pages_adds_copies_only_to_links_without_one(demo):
    _seed(20)
    _seed(1000)
    assert LinkPage.objects.count() == Link.objects.filter(posts__isnull=False).distinct().count()
    with pytest.raises(CommandError):
        _seed(1)
