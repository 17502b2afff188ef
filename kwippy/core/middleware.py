"""Refuse requests whose address carries a NUL character, before any view sees them.

PostgreSQL text cannot hold NUL. Django's form fields refuse it already, but path and query
arguments (a tag, a username, a search, a cursor) reach queries without a form, where a NUL turns
into a database error and a 500. One check here answers all of them with a 400. The Pinboard API
is left to itself: it checks its own arguments and must answer in Pinboard's error shape.
"""

from django.core.exceptions import BadRequest

API_PREFIX = "/api/"


def refuse_null_characters(get_response):
    def middleware(request):
        if request.path.startswith(API_PREFIX):
            return get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address contains a NUL character.")
        return get_response(request)

    return middleware
