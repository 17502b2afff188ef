from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kwippy.core"
    label = "core"
