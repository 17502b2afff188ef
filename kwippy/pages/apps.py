from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "kwippy.pages"
    label = "pages"
    verbose_name = "The pages behind the links: fetched, checked, kept"

    def ready(self) -> None:
        from kwippy.pages import receivers  # noqa: F401  (connects the receivers)
