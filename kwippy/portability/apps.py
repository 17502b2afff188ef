from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "kwippy.portability"
    label = "portability"
    verbose_name = "Bookmark import and export"
