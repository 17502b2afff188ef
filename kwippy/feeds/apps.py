from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kwippy.feeds"
    label = "feeds"
