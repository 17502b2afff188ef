from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kwippy.portability import services
from kwippy.portability.forms import ImportForm


@login_required
@require_http_methods(["GET", "POST"])
def import_bookmarks(request):
    """Show the upload form; import an uploaded bookmark file and show what happened."""
    if request.method == "GET":
        return render(request, "portability/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.bookmarks_import(
                user=request.user,
                stream=form.cleaned_data["file"],
                folders_as_tags=form.cleaned_data["folders_as_tags"],
                unmarked_private=not form.cleaned_data["unmarked_public"],
            )
        except services.NotABookmarkFile as error:
            form.add_error("file", str(error))
        else:
            context = {"form": ImportForm(), "result": result}
            return render(request, "portability/import.html", context)
    return render(request, "portability/import.html", {"form": form}, status=422)


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
