"""Feed addresses (a contract with feed readers): RSS 2.0 at each path, Atom 1.0 at path + atom/."""

from django.urls import path

from kwippy.auth.decorators import logged_in_or_basicauth
from kwippy.feeds import feeds
from kwippy.feeds.base import AtomFeed

private = logged_in_or_basicauth(realm="kwippy feeds")

urlpatterns = [
    path("feeds/recent/", feeds.RecentFeed(), name="feed_recent"),
    path("feeds/recent/atom/", feeds.RecentFeed(AtomFeed), name="feed_recent_atom"),
    path("feeds/popular/", feeds.PopularFeed(), name="feed_popular"),
    path("feeds/popular/atom/", feeds.PopularFeed(AtomFeed), name="feed_popular_atom"),
    path("feeds/t/<tags:tags>/", feeds.TagFeed(), name="feed_tag"),
    path("feeds/t/<tags:tags>/atom/", feeds.TagFeed(AtomFeed), name="feed_tag_atom"),
    path("feeds/u/<str:username>/", feeds.PersonFeed(), name="feed_person"),
    path("feeds/u/<str:username>/atom/", feeds.PersonFeed(AtomFeed), name="feed_person_atom"),
    path("feeds/u/<str:username>/t/<tags:tags>/", feeds.PersonFeed(), name="feed_person_tag"),
    path(
        "feeds/u/<str:username>/t/<tags:tags>/atom/",
        feeds.PersonFeed(AtomFeed),
        name="feed_person_tag_atom",
    ),
    path("feeds/private/", private(feeds.PrivateFeed()), name="feed_private"),
    path("feeds/private/atom/", private(feeds.PrivateFeed(AtomFeed)), name="feed_private_atom"),
    path("feeds/private/t/<tags:tags>/", private(feeds.PrivateFeed()), name="feed_private_tag"),
    path(
        "feeds/private/t/<tags:tags>/atom/",
        private(feeds.PrivateFeed(AtomFeed)),
        name="feed_private_tag_atom",
    ),
    path("feeds/network/", private(feeds.NetworkFeed()), name="feed_network"),
    path("feeds/network/atom/", private(feeds.NetworkFeed(AtomFeed)), name="feed_network_atom"),
    path("feeds/toread/", private(feeds.ToReadFeed()), name="feed_toread"),
    path("feeds/toread/atom/", private(feeds.ToReadFeed(AtomFeed)), name="feed_toread_atom"),
]
