"""Addresses of pages that lists and feeds link by the hundred."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_remembered(viewname: str, *args) -> str:
    """Return `reverse(viewname, args=args)`, remembered in this process.

    A list or a feed links a hundred tags and people or more, and `reverse()` costs tens of
    microseconds a call: remembered, the URLconf still writes every address, once. Arguments
    are strings, or lists of strings (the `tags` path converter's).
    """
    key = tuple(tuple(arg) if isinstance(arg, list) else arg for arg in args)
    # A request may name its own URLconf; otherwise the setting's (which tests may change).
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _remembered(urlconf, get_script_prefix(), viewname, key)


@functools.lru_cache(maxsize=16384)
def _remembered(urlconf, prefix: str, viewname: str, args: tuple) -> str:
    # `reverse()` reads this thread's URLconf and script prefix: both are part of the key.
    return reverse(viewname, urlconf=urlconf, args=list(args))
