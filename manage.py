#!/usr/bin/env python
"""Run Django's management commands for kwippy."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from config.env import ConfigError

    try:
        # Load the settings here, so that a bad variable stops with its one line.
        settings.INSTALLED_APPS  # noqa: B018
    except ConfigError as error:
        sys.exit(f"kwippy: configuration error: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
