"""Write a person's bookmarks as a Netscape bookmark file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kwippy.portability import services
from kwippy.portability.management.commands.import_bookmarks import user_named


class Command(BaseCommand):
    help = "Export a user's posts, private ones included, as a Netscape bookmark file."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the username to export")
        parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")

    def handle(self, *args, **options):
        user = user_named(options["user"])
        output = options["output"]
        if output is None:
            for chunk in services.bookmarks_export(user=user):
                self.stdout.write(chunk, ending="")
            return
        try:
            with output.open("w", encoding="utf-8", newline="\n") as file:
                for chunk in services.bookmarks_export(user=user):
                    file.write(chunk)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        count = user.posts.count()
        self.stderr.write(
            f"export_bookmarks: wrote {count} bookmarks of {user.username} to {output}"
        )
