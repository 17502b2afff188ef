"""Helpers the portability tests share."""

from kwippy.portability.jobs import import_run
from kwippy.portability.models import Import
from kwippy.portability.netscape import NetscapeBookmark, NetscapeParser


def netscape_parse(text: str) -> list[NetscapeBookmark]:
    """Return every bookmark in the text of a Netscape bookmark file."""
    return list(NetscapeParser().read([text]))


def imports_run_queued() -> None:
    """Run every queued import here, as the bulk worker would: for tests that need no worker."""
    for pk in Import.objects.filter(state=Import.State.QUEUED).values_list("pk", flat=True):
        import_run(import_id=pk)


def generated_file(count: int, *, site: str = "example", distinct: int | None = None) -> bytes:
    """Return a Netscape bookmark file of `count` bookmarks, tagged and dated.

    With `distinct`, bookmark n links to page n % distinct: the file holds pages again, with
    other titles and tags, `count - distinct` bookmarks after their first copy.
    """
    distinct = distinct or count
    rows = "".join(
        f'<DT><A HREF="https://{site}.test/page/{n % distinct}" ADD_DATE="{1_500_000_000 + n}" '
        f'TAGS="t{n % 7},batch{n // 1000}">Page {n}</A>\n<DD>Note {n}\n'
        for n in range(count)
    )
    return f"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n{rows}</DL>\n".encode()
