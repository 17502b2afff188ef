"""`{% remembered_url %}`: `{% url %}` for the addresses pages write often, remembered.

Every page's header and feed links, and lists' tag links, ask for the same few addresses
request after request; `reverse()` works each out again for tens of microseconds. Same
arguments and result as `{% url %}`, `as name` included (kwippy.core.urls.reverse_remembered).
"""

from django import template

from kwippy.core.urls import reverse_remembered

register = template.Library()


@register.simple_tag
def remembered_url(viewname: str, *args) -> str:
    return reverse_remembered(viewname, *args)
