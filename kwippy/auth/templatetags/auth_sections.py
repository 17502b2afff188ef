"""The settings page's sign-in section, which this app owns: app passwords."""

from django import template

from kwippy.auth.forms import AppPasswordForm
from kwippy.auth.selectors import app_password_list

register = template.Library()


@register.inclusion_tag("auth/_settings.html", takes_context=True)
def app_passwords_section(context) -> dict:
    """Render the signed-in person's app passwords and the form that makes one."""
    request = context["request"]
    return {
        "app_passwords": app_password_list(user=request.user),
        "app_password_form": AppPasswordForm(),
    }
