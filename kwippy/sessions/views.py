from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kwippy.sessions.index import session_end, session_end_others, session_list_for_request


@never_cache
@login_required
@require_GET
def session_list_view(request):
    """List where the signed-in person is signed in, with ways to sign those sessions out."""
    sessions = session_list_for_request(request)
    return render(request, "sessions/list.html", {"sessions": sessions})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def session_end_view(request, session_id: str):
    """Ask whether to sign out one of the person's other sessions; on POST, sign it out."""
    if request.method == "GET":
        others = [s for s in session_list_for_request(request) if not s.is_current]
        chosen = [s for s in others if s.id == session_id]
        if not chosen:
            raise Http404("No such session.")
        return render(request, "sessions/confirm_end.html", {"sessions": chosen, "one": True})
    if not session_end(user=request.user, session_id=session_id):
        raise Http404("No such session.")
    messages.success(request, "That session is signed out.")
    return redirect("kwippy_sessions:list")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def session_end_others_view(request):
    """Ask whether to sign out every session of the person but this one; on POST, do it."""
    if request.method == "GET":
        others = [s for s in session_list_for_request(request) if not s.is_current]
        return render(request, "sessions/confirm_end.html", {"sessions": others, "one": False})
    ended = session_end_others(user=request.user, keep_key=request.session.session_key)
    noun = "session" if ended == 1 else "sessions"
    messages.success(request, f"Signed out everywhere else ({ended} {noun}).")
    return redirect("kwippy_sessions:list")
