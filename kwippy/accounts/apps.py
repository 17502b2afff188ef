from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kwippy.accounts"
    label = "accounts"

    def ready(self):
        from kwippy.accounts import receivers  # noqa: F401
