"""The settings page's section this app owns: where the person is signed in."""

from django import template

from kwippy.sessions.index import session_list_for_request

register = template.Library()


@register.inclusion_tag("sessions/_sessions.html", takes_context=True)
def sessions_section(context) -> dict:
    """Render the signed-in person's sessions, with ways to sign them out."""
    return {"sessions": session_list_for_request(context["request"])}
