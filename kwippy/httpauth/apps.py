from django.apps import AppConfig


class HttpAuthConfig(AppConfig):
    name = "kwippy.httpauth"
    label = "httpauth"
    verbose_name = "HTTP authentication"
