from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from kwippy.core.methods import post_only
from kwippy.pages import services
from kwippy.pages.jobs import links_fetch_now
from kwippy.pages.selectors import fetches_private
from kwippy.posts.normalize import InvalidURL


@login_required
@post_only()
def title_preview(request):
    """Say the title of the page at the address being typed into the add form, once it is read.

    The add form's script asks again every second or so: {"ready": false} until the page is read,
    then its title. Someone who keeps kwippy from fetching their private bookmarks' pages is not
    offered it: they may be about to save this one privately.
    """
    if not fetches_private(user_id=request.user.pk):
        return JsonResponse({"ready": True, "title": ""})
    try:
        preview = services.page_preview(url=request.POST.get("url", ""))
    except InvalidURL as invalid:
        return JsonResponse({"error": str(invalid)}, status=400)
    if preview.to_fetch:
        links_fetch_now(link_ids=[preview.link.pk], previewed=True)
    return JsonResponse({"ready": preview.ready, "title": preview.title})
