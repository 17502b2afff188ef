from django.shortcuts import render

from kwippy.posts import selectors

HOME_PAGE_SIZE = 20


def home(request):
    """Show the network timeline to a signed-in person, everyone's public posts otherwise."""
    if request.user.is_authenticated:
        posts = selectors.network_posts(user=request.user)
    else:
        posts = selectors.public_recent_posts()
    return render(request, "posts/home.html", {"posts": posts[:HOME_PAGE_SIZE]})
