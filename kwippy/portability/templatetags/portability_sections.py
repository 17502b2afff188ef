"""The settings page's section this app owns: importing and exporting bookmark files."""

from django import template

from kwippy.portability import selectors

register = template.Library()


@register.inclusion_tag("portability/_settings.html", takes_context=True)
def import_export_section(context) -> dict:
    """Render the ways to bring bookmarks in and take them out, and the person's recent imports."""
    return {"imports": list(selectors.imports_recent(owner=context["request"].user))}
