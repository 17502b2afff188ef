from kwippy.posts.models import LinkPage


def page_write(*, link, **fields) -> LinkPage:
    """Write what a fetch would have found of a link's page; the save made its row already."""
    page, _ = LinkPage.objects.update_or_create(link=link, defaults=fields)
    return page
