"""The pages behind the links, as their savers see them: the add form's title preview, the cached
copy, deleting it, and the choice to fetch the pages of one's private bookmarks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kwippy.core.methods import post_only
from kwippy.core.security import csp_override
from kwippy.pages import selectors, services
from kwippy.pages.forms import PagePreferenceForm
from kwippy.pages.jobs import links_fetch_now
from kwippy.posts.models import Link
from kwippy.posts.normalize import InvalidURL

# A copy is another site's words served from ours: it may run nothing, load nothing from
# anywhere, and sit in no frame. Only the site's stylesheet (and icon) load, and the site bar's
# search still submits here.
COPY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def _saved_link(request, public_id: str) -> Link:
    # 404, never 403, to anyone who did not save it: a 403 would tell that someone did.
    link = selectors.link_get_for_saver(public_id=public_id, user=request.user)
    if link is None:
        raise Http404("No such copy.")
    return link


@csp_override(COPY_POLICY)
def link_copy(request, public_id: str):
    """Show the readable text of a link's page as kwippy fetched it, to those who saved it."""
    link = _saved_link(request, public_id)
    page = selectors.link_page_get(link=link)
    text = page.text if page is not None else ""
    context = {
        "link": link,
        "page": page,
        "title": (page.title if page is not None else "") or link.url,
        "paragraphs": [line.strip() for line in text.splitlines() if line.strip()],
    }
    return render(request, "pages/copy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def link_copy_delete(request, public_id: str):
    """Ask whether to delete a link's copy; on POST, delete it, for everyone who saved it."""
    link = _saved_link(request, public_id)
    if request.method == "GET":
        page = selectors.link_page_get(link=link)
        return render(request, "pages/copy_delete.html", {"link": link, "page": page})
    services.link_copy_delete(link=link, user=request.user)
    messages.success(request, "Copy deleted. kwippy will not keep one of this page again.")
    return redirect("pages:copy", public_id=link.public_id)


@login_required
@post_only()
def page_preference(request):
    """Save whether the pages of the person's private bookmarks are fetched."""
    form = PagePreferenceForm(request.POST)
    form.is_valid()  # A checkbox is always valid: absent is off.
    fetch_private = form.cleaned_data["fetch_private"]
    deleted = services.page_preference_set(user=request.user, fetch_private=fetch_private)
    if fetch_private:
        messages.success(request, "The pages of your private bookmarks will be fetched.")
    else:
        messages.success(
            request,
            "The pages of your private bookmarks will not be fetched any more"
            + (f"; {deleted} cached cop{pluralize(deleted, 'y,ies')} deleted." if deleted else "."),
        )
    return redirect(reverse("settings") + "#pages")


@login_required
@post_only()
def title_preview(request):
    """Say the title of the page at the address being typed into the add form, once it is read.

    The add form's script asks again every second or so: {"ready": false} until the page is read,
    then its title. Someone who keeps kwippy from fetching their private bookmarks' pages is not
    offered it: they may be about to save this one privately.
    """
    if not selectors.fetches_private(user_id=request.user.pk):
        return JsonResponse({"ready": True, "title": ""})
    try:
        preview = services.page_preview(url=request.POST.get("url", ""))
    except InvalidURL as invalid:
        return JsonResponse({"error": str(invalid)}, status=400)
    if preview.to_fetch:
        links_fetch_now(link_ids=[preview.link.pk], previewed=True)
    return JsonResponse({"ready": preview.ready, "title": preview.title})
