"""The settings page's section this app owns: importing and exporting bookmark files."""

from django import template

register = template.Library()


@register.inclusion_tag("portability/_settings.html")
def import_export_section() -> dict:
    """Render the ways to bring bookmarks in and take them out."""
    return {}
