"""ASGI entry point, for servers that speak ASGI."""

import os
import sys

from config.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.asgi import get_asgi_application

    application = get_asgi_application()
except ConfigError as error:
    sys.exit(f"kwippy: configuration error: {error}")
