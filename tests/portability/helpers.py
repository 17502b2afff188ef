"""Helpers the portability tests share."""

from kwippy.portability.netscape import NetscapeBookmark, NetscapeParser


def netscape_parse(text: str) -> list[NetscapeBookmark]:
    """Return every bookmark in the text of a Netscape bookmark file."""
    return list(NetscapeParser().read([text]))
