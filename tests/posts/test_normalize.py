"""URL normalisation: two spellings of one address are one link, two addresses never are."""

import pytest

from kwippy.posts.normalize import normalize_url


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("HTTPS://App.Example:443/#/inbox", "https://app.example/#/inbox"),
        ("https://paste.example/?id=1#key=abc", "https://paste.example/?id=1#key=abc"),
        ("http://x.example:80#top", "http://x.example/#top"),
        ("https://x.example/a#", "https://x.example/a"),
    ],
)
def test_the_fragment_is_kept_while_host_and_default_port_are_normalised(raw, stored):
    assert normalize_url(raw) == stored


def test_addresses_differing_only_by_fragment_stay_distinct():
    urls = ["https://app.example/", "https://app.example/#/inbox", "https://app.example/#/settings"]
    assert len({normalize_url(url) for url in urls}) == 3
