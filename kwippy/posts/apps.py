from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "kwippy.posts"
    label = "posts"
