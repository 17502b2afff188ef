"""How the import pages write a length of time."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(length: timedelta) -> str:
    """Write a length of time to the second under a minute, else in hours and minutes."""
    seconds = max(0, round(length.total_seconds()))
    if seconds < 60:
        return ngettext("%d second", "%d seconds", seconds) % seconds
    hours, minutes = divmod(round(seconds / 60), 60)
    parts = [ngettext("%d hour", "%d hours", hours) % hours] if hours else []
    if minutes or not hours:
        parts.append(ngettext("%d minute", "%d minutes", minutes) % minutes)
    return " ".join(parts)
