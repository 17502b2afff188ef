"""Two feeds of posts for the Basic-auth benchmark: everyone's public posts, and one's own."""

from django.contrib.syndication.views import Feed
from django.urls import path

from kwippy.auth.decorators import logged_in_or_basicauth
from kwippy.posts import selectors
from kwippy.posts.models import Post

FEED_SIZE = 50


class _PostsFeed(Feed):
    link = "/"

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.description

    def item_link(self, post: Post) -> str:
        return post.url

    def item_pubdate(self, post: Post):
        return post.created


class PublicPostsFeed(_PostsFeed):
    title = "kwippy: recent bookmarks"
    description = "Everyone's public bookmarks."

    def items(self):
        return selectors.public_recent_posts()[:FEED_SIZE]


class PrivatePostsFeed(_PostsFeed):
    title = "kwippy: your bookmarks"
    description = "All your bookmarks, private ones included."

    def get_object(self, request):
        return request.user

    def items(self, user):
        return selectors.network_posts(user=user).filter(user=user)[:FEED_SIZE]


urlpatterns = [
    path("feeds/public/", PublicPostsFeed()),
    path("feeds/private/", logged_in_or_basicauth(realm="kwippy feeds")(PrivatePostsFeed())),
]
