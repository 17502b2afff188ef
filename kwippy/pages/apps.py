from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "kwippy.pages"
    label = "pages"
    verbose_name = "The pages behind the links: fetched, checked, kept"
