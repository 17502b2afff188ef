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
