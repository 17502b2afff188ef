"""`{% remembered_url %}`: `{% url %}` for the addresses pages write often, remembered.

Every page's header and feed links, and lists' tag links, ask for the same few addresses
request after request; `reverse()` works each out again for tens of microseconds. Same
arguments and result as `{% url %}` (kwippy.core.urls.reverse_remembered), with one difference:
`{% url … as name %}` gives "" for an address the URLconf lacks, this raises, `as` or not. So
what a page renders under any URLconf (base.html's feed links, on the error pages) keeps
`{% url %}`.
"""

from django import template

from kwippy.core.urls import reverse_remembered

register = template.Library()


@register.simple_tag
def remembered_url(viewname: str, *args) -> str:
    return reverse_remembered(viewname, *args)
