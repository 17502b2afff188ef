"""Search inside pages: a link's kept copy is searched at the lowest weight, and only through a
post the searcher may see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kwippy.accounts.services import follow_create
from kwippy.posts import selectors, services
from kwippy.posts.models import Link
from tests.pages.helpers import page_write

FOUND_IN_PAGE = "Found in the page\N{RIGHT SINGLE QUOTATION MARK}s text"


def _save(user, url, title, **extra):
    return services.post_create(user=user, url=url, title=title, **extra)


def _page(url, text, **extra):
    """Keep a copy of the page at `url`, as the fetch job would."""
    return page_write(link=Link.objects.get(url=url), text=text, **extra)


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [post.title for post in response.context["page"]]


def _search(client, q, **extra):
    return _titles(client.get("/search/", {"q": q, **extra}))


def test_a_word_only_in_the_page_finds_the_post_and_says_so(client, alice):
    _save(alice, "https://quiet.example/", "A quiet title")
    _page("https://quiet.example/", "The article explains marmalade at length.")
    response = client.get("/search/", {"q": "marmalade"})
    assert _titles(response) == ["A quiet title"]
    assert FOUND_IN_PAGE in response.text


def test_a_post_whose_own_words_match_is_not_marked(client, alice):
    _save(alice, "https://jam.example/", "Marmalade recipes")
    _page("https://jam.example/", "Marmalade, marmalade and more marmalade.")
    response = client.get("/search/", {"q": "marmalade"})
    assert _titles(response) == ["Marmalade recipes"]
    assert FOUND_IN_PAGE not in response.text


def test_page_text_ranks_below_everything_a_person_typed(client, alice, bob):
    # The page-only match is the newest and its page says the word again and again.
    _save(alice, "https://title.example/", "Quince jelly")
    _save(alice, "https://tags.example/", "Tagged", tags="quince")
    _save(alice, "https://notes.example/", "Noted", description="about quince")
    _save(alice, "https://www.quince.example/", "Only the address")
    _save(alice, "https://page.example/", "Only the page")
    _page("https://page.example/", "quince " * 500)
    assert _search(client, "quince") == [
        "Quince jelly",
        "Tagged",
        "Noted",
        "Only the address",
        "Only the page",
    ]


def test_page_text_ranks_below_words_far_apart_in_the_notes(client, alice):
    # Two words far apart rank near nothing by their own weights, yet still above a page's text.
    _save(
        alice,
        "https://far.example/",
        "Words far apart",
        description="medlar " + "x " * 200 + "pear",
    )
    _save(alice, "https://page.example/", "Only the page")
    _page("https://page.example/", "medlar pear " * 500)
    assert _search(client, "medlar pear") == ["Words far apart", "Only the page"]


def test_a_page_matching_more_often_ranks_higher_among_pages(client, alice):
    _save(alice, "https://once.example/", "Once")
    _save(alice, "https://often.example/", "Often")
    _page("https://often.example/", "Sorrel soup. Sorrel grows wild; sorrel is sour. " * 3)
    _page("https://once.example/", "A long page about many greens, sorrel among them.")
    assert _search(client, "sorrel") == ["Often", "Once"]


def test_a_copy_not_kept_is_not_searched(client, alice):
    _save(alice, "https://gone.example/", "Dropped copy")
    _page("https://gone.example/", "rhubarb", keep_copy=False)
    assert _search(client, "rhubarb") == []


def test_filters_phrases_and_or_work_with_page_text(client, alice):
    _save(alice, "https://a.example/x", "First", tags="food")
    _save(alice, "https://b.example/y", "Second", tags="garden")
    _save(alice, "https://c.org/z", "Third", tags="food")
    _page("https://a.example/x", "How to candy citrus peel at home.")
    _page("https://b.example/y", "Citrus trees in pots need sun.")
    _page("https://c.org/z", "Nothing about fruit: bread only.")
    assert set(_search(client, "citrus")) == {"First", "Second"}
    assert _search(client, "citrus tag:food") == ["First"]
    assert _search(client, "citrus site:b.example") == ["Second"]
    assert _search(client, '"candy citrus"') == ["First"]
    assert _search(client, '"citrus candy"') == []
    assert set(_search(client, "bread OR candy")) == {"First", "Third"}
    assert _search(client, "citrus -pots") == ["First"]
    # Every word of an alternative is in the page, or every one in the post: not some of each.
    assert _search(client, "first pots") == []


def test_words_only_to_leave_out_are_not_looked_for_in_pages(alice):
    _save(alice, "https://leave.example/", "Leave out")
    _page("https://leave.example/", "Nothing of note.")
    assert "posts_page_links_matching" in str(
        selectors.posts_search(text="note -x", viewer=alice).query
    )
    for text in ("-note", '-"of note"', "-note -x", "tag:t OR -note"):
        query = str(selectors.posts_search(text=text, viewer=alice).query)
        assert "posts_page_links_matching" not in query


def test_pages_are_read_only_while_posts_own_words_find_few(client, alice, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 3)
    for i in range(2):
        _save(alice, f"https://{i}.example/", f"Lovage {i}")
    # The newest match, yet only in its page.
    _save(alice, "https://in-page.example/", "Found in its page")
    _page("https://in-page.example/", "All about lovage.")
    assert "Found in its page" in _search(client, "lovage")
    _save(alice, "https://2.example/", "Lovage 2", created=timezone.now() - timedelta(days=1))
    assert sorted(_search(client, "lovage")) == ["Lovage 0", "Lovage 1", "Lovage 2"]


def test_pages_through_own_and_page_matches_without_repeats(client, alice, settings):
    settings.KWIPPY_PAGE_SIZE = 3
    for i in range(5):
        _save(alice, f"https://own{i}.example/", f"Fennel {i}")
        _save(alice, f"https://page{i}.example/", f"Page {i}")
        _page(f"https://page{i}.example/", "fennel " * (i + 1) + "and other herbs " * 20)
    seen, cursor = [], None
    while True:
        response = client.get("/search/", {"q": "fennel", **({"before": cursor} if cursor else {})})
        seen += _titles(response)
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
    assert len(seen) == 10
    assert sorted(seen[:5]) == [f"Fennel {i}" for i in range(5)]
    assert seen[5:] == [f"Page {i}" for i in reversed(range(5))]


# Privacy -----------------------------------------------------------------------------------------

SECRET_URL = "https://private-only.example/diary"
SECRET_WORD = "zanzibarish"


@pytest.fixture
def secret_page(alice, bob):
    """A link alice alone saved, privately, whose kept copy holds a word nobody typed; bob follows
    alice and has a public post of his own that the word is not in."""
    follow_create(follower=bob, followee=alice)
    _save(alice, SECRET_URL, "Dear diary", is_private=True)
    _save(bob, "https://bob.example/", "Bob's page")
    _page(SECRET_URL, f"Today I went to {SECRET_WORD} and back.")


@pytest.mark.parametrize("scope", ["everyone", "network", "mine", ""])
def test_a_privately_saved_pages_text_is_never_found_by_others(client, bob, secret_page, scope):
    for query in (SECRET_WORD, f"{SECRET_WORD} OR nothing", f"tag:x OR {SECRET_WORD}"):
        assert _search(client, query, scope=scope) == []
        client.force_login(bob)
        response = client.get("/search/", {"q": query, "scope": scope})
        assert _titles(response) == []
        assert "Dear diary" not in response.text
        client.logout()


@pytest.mark.parametrize("scope", ["everyone", "mine", "network"])
def test_a_privately_saved_pages_text_is_found_by_its_saver(client, alice, secret_page, scope):
    client.force_login(alice)
    response = client.get("/search/", {"q": SECRET_WORD, "scope": scope})
    assert _titles(response) == ["Dear diary"]
    assert FOUND_IN_PAGE in response.text


def test_a_pages_text_is_found_through_a_public_save_of_the_same_link(
    client, alice, bob, charlie, secret_page
):
    _save(charlie, SECRET_URL, "Charlie's public save")
    assert _search(client, SECRET_WORD) == ["Charlie's public save"]
    client.force_login(bob)
    assert _search(client, SECRET_WORD) == ["Charlie's public save"]
    # Bob follows alice, not charlie: his network holds only alice's private save.
    assert _search(client, SECRET_WORD, scope="network") == []


def test_a_phrase_is_found_in_a_page_only_with_its_words_in_order(client, alice):
    _save(alice, "https://jam.example/seville", "A winter recipe")
    _save(alice, "https://jam.example/other", "Another recipe")
    _page("https://jam.example/seville", "Seville oranges make the bitter marmalade of winter.")
    _page("https://jam.example/other", "The marmalade is bitter, and so are the oranges.")
    assert _search(client, '"bitter marmalade"') == ["A winter recipe"]
    assert _search(client, '"marmalade bitter"') == []
    assert sorted(_search(client, "bitter marmalade")) == ["A winter recipe", "Another recipe"]
