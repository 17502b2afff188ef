"""Answer in Pinboard's shapes: XML by default, JSON with `format=json`.

Clients parse these shapes exactly: result codes as an XML attribute, tags/get counts as JSON
strings, `tag` in XML where JSON says `tags`, times as `2010-12-11T19:48:02Z`. ElementTree builds
the XML, so every attribute and text is escaped; characters XML 1.0 cannot carry (rows written
before the API refused them may hold some) are replaced with U+FFFD.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from xml.etree.ElementTree import Element, SubElement, tostring
from xml.sax.saxutils import quoteattr

from django.http import HttpResponse, StreamingHttpResponse

from kwippy.api.params import Params
from kwippy.core.characters import NOT_XML
from kwippy.posts.models import Post

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n'
XML_TYPE = "text/xml; charset=utf-8"
# Pinboard's own JSON type: aiopinboard refuses an answer of any other, application/json included.
JSON_TYPE = "text/json; charset=utf-8"
# posts/all streams: this many posts are serialised between two writes to the client.
STREAM_BATCH = 500


class Format(StrEnum):
    XML = "xml"
    JSON = "json"


def format_of(params: Params) -> Format | None:
    """Return the format a request asks for (XML when it names none); None for an unknown one."""
    value = params.get("format") or "xml"
    try:
        return Format(value.lower())
    except ValueError:
        return None


def format_datetime(moment: datetime) -> str:
    """Return a time as Pinboard writes it: UTC, `2010-12-11T19:48:02Z`."""
    m = moment.astimezone(UTC)
    # Not strftime: its %Y does not pad years before 1000 on every platform.
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def format_date(day: date) -> str:
    """Return a date as Pinboard writes it: `2010-12-11`."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def post_meta(post: Post) -> str:
    """Return the post's change signature: an MD5 that changes whenever anything shown does."""
    state = "\x00".join(
        [
            post.link.url,
            post.title,
            post.description,
            " ".join(post.tags),
            "private" if post.is_private else "shared",
            "toread" if post.to_read else "read",
            post.created.astimezone(UTC).isoformat(),
        ]
    )
    return hashlib.md5(state.encode("utf-8", "replace"), usedforsecurity=False).hexdigest()


def post_fields(post: Post) -> dict[str, str]:
    """Return a post as Pinboard's JSON object, in Pinboard's key order."""
    return {
        "href": post.link.url,
        "description": post.title,
        "extended": post.description,
        "meta": post_meta(post),
        "hash": post.link.url_hash,
        "time": format_datetime(post.created),
        "shared": "no" if post.is_private else "yes",
        "toread": "yes" if post.to_read else "no",
        "tags": " ".join(post.tags),
    }


def _xml_safe(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def _post_element(post: Post, *, meta: bool) -> Element:
    # JSON always carries `meta` (the pinboard package reads it unconditionally); XML, as on
    # Pinboard, only when asked with meta=yes.
    fields = post_fields(post)
    attributes = {
        "href": fields["href"],
        "description": fields["description"],
        "extended": fields["extended"],
        "hash": fields["hash"],
        "tag": fields["tags"],
        "time": fields["time"],
        "shared": fields["shared"],
        "toread": fields["toread"],
    }
    if meta:
        attributes["meta"] = fields["meta"]
    return Element("post", {key: _xml_safe(value) for key, value in attributes.items()})


def _xml(root: Element, status: int = 200) -> HttpResponse:
    body = XML_DECLARATION + tostring(root, encoding="unicode")
    return HttpResponse(body, content_type=XML_TYPE, status=status)


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), content_type=JSON_TYPE, status=status)


def result_code(fmt: Format, code: str, *, status: int = 200) -> HttpResponse:
    """Return `<result code="…" />` or `{"result_code": "…"}`."""
    if fmt is Format.JSON:
        return _json({"result_code": code}, status)
    return _xml(Element("result", {"code": _xml_safe(code)}), status)


def result(fmt: Format, value: str) -> HttpResponse:
    """Return `<result>…</result>` or `{"result": "…"}` (tags/delete, tags/rename, user/…)."""
    if fmt is Format.JSON:
        return _json({"result": value})
    root = Element("result")
    root.text = _xml_safe(value)
    return _xml(root)


def update_time(fmt: Format, moment: datetime) -> HttpResponse:
    """Return posts/update's answer: when the person's posts last changed."""
    if fmt is Format.JSON:
        return _json({"update_time": format_datetime(moment)})
    return _xml(Element("update", {"time": format_datetime(moment)}))


def posts(
    fmt: Format, *, username: str, moment: datetime, items: list[Post], meta: bool
) -> HttpResponse:
    """Return posts/get's or posts/recent's answer: posts in an envelope with a date and user."""
    if fmt is Format.JSON:
        return _json(
            {
                "date": format_datetime(moment),
                "user": username,
                "posts": [post_fields(post) for post in items],
            }
        )
    root = Element("posts", {"dt": format_datetime(moment), "user": username})
    root.extend(_post_element(post, meta=meta) for post in items)
    return _xml(root)


def _batches(items: Iterable[Post]) -> Iterator[list[Post]]:
    batch = []
    for post in items:
        batch.append(post)
        if len(batch) == STREAM_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _json_array(items: Iterable[Post]) -> Iterator[str]:
    yield "["
    separator = ""
    for batch in _batches(items):
        yield separator + ",".join(json.dumps(post_fields(post)) for post in batch)
        separator = ","
    yield "]"


def _xml_posts(username: str, items: Iterable[Post], meta: bool) -> Iterator[str]:
    yield f"{XML_DECLARATION}<posts user={quoteattr(_xml_safe(username))}>"
    for batch in _batches(items):
        yield "".join(
            tostring(_post_element(post, meta=meta), encoding="unicode") for post in batch
        )
    yield "</posts>"


def all_posts(
    fmt: Format, *, username: str, items: Iterable[Post], meta: bool
) -> StreamingHttpResponse:
    """Return posts/all's answer, streamed: a bare JSON array, or `<posts user="…">`."""
    if fmt is Format.JSON:
        return StreamingHttpResponse(_json_array(items), content_type=JSON_TYPE)
    return StreamingHttpResponse(_xml_posts(username, items, meta), content_type=XML_TYPE)


def dates(
    fmt: Format, *, username: str, tags: list[str], counts: list[tuple[date, int]]
) -> HttpResponse:
    """Return posts/dates's answer: each day with its number of posts (as a string in JSON)."""
    tag = " ".join(tags)
    if fmt is Format.JSON:
        return _json(
            {
                "user": username,
                "tag": tag,
                "dates": {format_date(day): str(count) for day, count in counts},
            }
        )
    root = Element("dates", {"tag": _xml_safe(tag), "user": username})
    for day, count in counts:
        SubElement(root, "date", {"count": str(count), "date": format_date(day)})
    return _xml(root)


def suggestions(fmt: Format, *, popular: list[str], recommended: list[str]) -> HttpResponse:
    """Return posts/suggest's answer: `[{"popular": […]}, {"recommended": […]}]`."""
    if fmt is Format.JSON:
        return _json([{"popular": popular}, {"recommended": recommended}])
    root = Element("suggested")
    for kind, tags in (("popular", popular), ("recommended", recommended)):
        for tag in tags:
            SubElement(root, kind).text = _xml_safe(tag)
    return _xml(root)


def empty_notes(fmt: Format) -> HttpResponse:
    """Return notes/list's answer while kwippy keeps no notes: `{"count": 0, "notes": []}`."""
    if fmt is Format.JSON:
        return _json({"count": 0, "notes": []})
    return _xml(Element("notes"))


def tag_counts(fmt: Format, counts: list[tuple[str, int]]) -> HttpResponse:
    """Return tags/get's answer: each tag with its count (as a string in JSON)."""
    if fmt is Format.JSON:
        return _json({name: str(count) for name, count in counts})
    root = Element("tags")
    for name, count in counts:
        SubElement(root, "tag", {"count": str(count), "tag": _xml_safe(name)})
    return _xml(root)
