"""Test-only views guarded by the decorators: a function, a class-based view and a Feed."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import path
from django.views import View

from config.urls import urlpatterns as site_urlpatterns
from kwippy.auth.decorators import has_perm_or_basicauth, logged_in_or_basicauth
from kwippy.posts.models import Post


@logged_in_or_basicauth
def whoami(request):
    """Say who is asking."""
    return HttpResponse(f"you are {request.user.username}", content_type="text/plain")


def plain_whoami(request):
    """Say who is asking, undecorated."""
    return HttpResponse(f"you are {request.user.username}", content_type="text/plain")


class WhoAmI(View):
    """Say who is asking, from a class."""

    def get(self, request):
        return HttpResponse(f"class says {request.user.username}", content_type="text/plain")


class OwnPostsFeed(Feed):
    """Everything the asking person saved, private posts included."""

    title = "Your bookmarks"
    link = "/"
    description = "All your bookmarks."

    def get_object(self, request):
        return request.user

    def items(self, user):
        return Post.objects.filter(user=user).select_related("link").order_by("-created")

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.description

    def item_link(self, post):
        return post.url


urlpatterns = [
    path("guarded/function/", whoami),
    path("guarded/function-parens/", logged_in_or_basicauth()(plain_whoami)),
    path("guarded/class/", logged_in_or_basicauth(realm='kwippy "classes"')(WhoAmI.as_view())),
    path("guarded/feed/", logged_in_or_basicauth()(OwnPostsFeed())),
    path("guarded/perm/", has_perm_or_basicauth("posts.view_post")(plain_whoami)),
    path(
        "guarded/perm-feed/",
        has_perm_or_basicauth(["posts.view_post"], realm="staff")(OwnPostsFeed()),
    ),
    *site_urlpatterns,
]
