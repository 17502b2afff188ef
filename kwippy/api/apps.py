from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kwippy.api"
    label = "api"
    verbose_name = "Pinboard v1 API"
