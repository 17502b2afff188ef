from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kwippy.portability import selectors, services
from kwippy.portability.forms import ImportForm
from kwippy.portability.models import Import


@login_required
@require_http_methods(["GET", "POST"])
def import_bookmarks(request):
    """Show the upload form; store an uploaded bookmark file, queue its import, show its page."""
    if request.method == "GET":
        return render(request, "portability/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portability/import.html", {"form": form}, status=422)
    upload = form.cleaned_data["file"]
    queued = services.import_queue(
        owner=request.user,
        filename=upload.name,
        data=upload.read(),
        folders_as_tags=form.cleaned_data["folders_as_tags"],
        unmarked_private=not form.cleaned_data["unmarked_public"],
    )
    return redirect(queued)


@never_cache
@login_required
@require_GET
def import_progress(request, import_id: int):
    """Show how far an import has come, and its summary once it has finished.

    Until then the page updates itself, unless the person stopped it (`?updates=off`).
    """
    try:
        upload = selectors.import_owned(owner=request.user, import_id=import_id)
    except Import.DoesNotExist:
        raise Http404("No such import.") from None
    now = timezone.now()
    updating = not upload.is_finished and request.GET.get("updates") != "off"
    context = {
        "upload": upload,
        "updating": updating,
        "result": services.ImportResult.from_json(upload.result),
        "elapsed": upload.elapsed(now=now),
        "remaining": upload.remaining_estimate(now=now),
    }
    response = render(request, "portability/import_progress.html", context)
    if updating:
        # The HTTP header, not a <meta> in <noscript>: the same reload, but axe-core flags every
        # timed <meta> refresh as a time limit nobody can turn off (WCAG 2.2.1), as it cannot see
        # the "Stop updating" link the page puts first; kwippy.js cancels it and updates in place.
        response["Refresh"] = str(settings.KWIPPY_IMPORT_PAGE_REFRESH_SECONDS)
    return response


@never_cache
@login_required
@require_GET
def export_bookmarks(request):
    """Download all of the person's bookmarks as a Netscape bookmark file."""
    chunks = (chunk.encode() for chunk in services.bookmarks_export(user=request.user))
    response = StreamingHttpResponse(chunks, content_type="text/html; charset=utf-8")
    filename = f"kwippy-{request.user.username}-{timezone.now():%Y-%m-%d}.html"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
