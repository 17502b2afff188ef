"""Create an app password for a person and print its secret: for scripts and feed readers."""

from django.core.management.base import BaseCommand, CommandError

from kwippy.auth import selectors, services
from kwippy.auth.forms import AppPasswordForm


class Command(BaseCommand):
    help = (
        "Create a named app password for a user and print its secret (shown this once) on "
        "standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name", help="what the app password is for, as the settings page lists it"
        )
        parser.add_argument("--user", required=True, help="the username or email of its owner")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="revoke the user's app password of the same name first, if there is one",
        )

    def handle(self, *args, **options):
        user = selectors.user_get_by_identifier(identifier=options["user"])
        if user is None:
            raise CommandError(f"there is no user named {options['user']!r}")
        # The settings page's form says what a name may be.
        form = AppPasswordForm({"name": options["name"]})
        if not form.is_valid():
            raise CommandError(f"name: {' '.join(form.errors['name'])}")
        name = form.cleaned_data["name"]
        if options["replace"]:
            for old in selectors.app_password_list(user=user).filter(name=name):
                services.app_password_revoke(user=user, app_password_id=old.pk)
        try:
            _, secret = services.app_password_create(user=user, name=name)
        except services.AppPasswordError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(secret)
        self.stderr.write(f"create_app_password: “{name}” for {user.username}")
