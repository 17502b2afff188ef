"""Import a Netscape bookmark file into a person's account, with a progress bar, or queue it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kwippy.accounts.models import User
from kwippy.accounts.selectors import users_named
from kwippy.portability import services


def user_named(name: str) -> User:
    """Return the user with this username (any capitalisation), or raise CommandError."""
    try:
        return users_named(username=name).get()
    except User.DoesNotExist:
        raise CommandError(f"there is no user named {name!r}") from None


class Command(BaseCommand):
    help = "Import a Netscape bookmark file (browsers, Pinboard, Delicious) into a user's posts."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the bookmark file (.html)")
        parser.add_argument("--user", required=True, help="the username to import into")
        parser.add_argument(
            "--no-folder-tags",
            action="store_true",
            help="do not tag bookmarks with the names of the folders they are in",
        )
        parser.add_argument(
            "--unmarked-public",
            action="store_true",
            help="make bookmarks without a PRIVATE mark public (they are private by default)",
        )
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument(
            "--queue",
            action="store_true",
            help="store the file and queue its import for a worker, as /import/ does",
        )

    def handle(self, *args, **options):
        user = user_named(options["user"])
        path = options["file"]
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            stream = path.open("rb")
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        if options["queue"]:
            with stream:
                queued = services.import_queue(
                    owner=user,
                    filename=path.name,
                    data=stream.read(),
                    folders_as_tags=not options["no_folder_tags"],
                    unmarked_private=not options["unmarked_public"],
                )
            self.stdout.write(
                f"import_bookmarks: queued import {queued.pk} of {path} into {user.username}; "
                f"follow it at {queued.get_absolute_url()}"
            )
            return
        total = path.stat().st_size
        with (
            stream,
            tqdm(total=total, unit="B", unit_scale=True, desc="import", disable=None) as bar,
        ):
            try:
                result = services.bookmarks_import(
                    user=user,
                    stream=stream,
                    folders_as_tags=not options["no_folder_tags"],
                    unmarked_private=not options["unmarked_public"],
                    batch_size=options["batch_size"],
                    progress=bar.update,
                )
            except services.NotABookmarkFile as error:
                raise CommandError(f"{path}: {error}") from None
        self.stdout.write(f"import_bookmarks: {path} into {user.username}")
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
