from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kwippy.accounts"
    label = "accounts"
