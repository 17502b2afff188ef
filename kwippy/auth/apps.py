from django.apps import AppConfig


class AuthConfig(AppConfig):
    name = "kwippy.auth"
    # The label of the app's first home (kwippy.httpauth): its tables keep their names.
    label = "httpauth"
    verbose_name = "Sign-in and app passwords"
