from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kwippy.core.methods import post_only
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
@post_only(lambda request, session_id: "Sign out that session")
def session_end_view(request, session_id: str):
    """Sign out one of the person's other sessions."""
    if not session_end(user=request.user, session_id=session_id):
        raise Http404("No such session.")
    messages.success(request, "That session is signed out.")
    return redirect("kwippy_sessions:list")


@never_cache
@login_required
@post_only(lambda request: "Sign out everywhere else")
def session_end_others_view(request):
    """Sign out every session of the person but this one."""
    ended = session_end_others(user=request.user, keep_key=request.session.session_key)
    noun = "session" if ended == 1 else "sessions"
    messages.success(request, f"Signed out everywhere else ({ended} {noun}).")
    return redirect("kwippy_sessions:list")
