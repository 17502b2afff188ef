from django.apps import AppConfig
from django.urls import register_converter

from kwippy.posts.tagpaths import TagsConverter


class PostsConfig(AppConfig):
    name = "kwippy.posts"
    label = "posts"

    def ready(self):
        register_converter(TagsConverter, "tags")
