"""Read a method's arguments into typed values, or raise ApiError naming the bad one.

Pinboard's types: `yes`/`no` strings, UTC datetimes with a literal `T` and `Z`, dates, tags of at
most 255 characters without whitespace, titles of at most 255 characters and texts of at most
65,536. An empty argument counts as absent (clients send `tags=` for no tags). Nothing is cut
short to fit: an over-long value is refused, so that a client never stores less than it sent
without being told.
"""

import re
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from kwippy.api.errors import ApiError
from kwippy.core.characters import NOT_XML
from kwippy.posts.normalize import InvalidURL, is_in_future, normalize_url
from kwippy.posts.tags import MAX_TAGS, TagTooLong, TooManyTags, tags_clean

MAX_FILTER_TAGS = 3
_DATETIME_MAX_LENGTH = 40
_NUMBER = re.compile(r"[0-9]{1,9}")
_YES_NO = {"yes": True, "no": False, "1": True, "0": False}
# An argument's name is repeated in its refusal only when it looks like one.
_ARGUMENT_NAME = re.compile(r"[a-z_]{1,32}")

Params = Mapping[str, str]


def _raw(params: Params, name: str) -> str | None:
    return params.get(name) or None


def _storable(value: str, name: str) -> str:
    # Refused, so that every stored value can be answered in both formats.
    if NOT_XML.search(value):
        raise ApiError(f"bad {name}")
    return value


def required_text(params: Params, name: str, *, max_length: int) -> str:
    """Return a required text argument, stripped; refuse it missing, blank or over-long."""
    value = (_raw(params, name) or "").strip()
    if not value:
        raise ApiError(f"missing {name}")
    if len(value) > max_length:
        raise ApiError(f"{name} too long")
    return _storable(value, name)


def optional_text(params: Params, name: str, *, max_length: int) -> str:
    """Return an optional text argument ("" when absent); refuse it over-long."""
    value = _raw(params, name) or ""
    if len(value) > max_length:
        raise ApiError(f"{name} too long")
    return _storable(value, name)


def url(params: Params, name: str = "url", *, required: bool = True) -> str | None:
    """Return the normalised http(s) URL argument; refuse anything else, or its absence."""
    value = _raw(params, name)
    if value is None:
        if required:
            raise ApiError(f"missing {name}")
        return None
    try:
        return normalize_url(value)
    except InvalidURL:
        raise ApiError(f"bad {name}") from None


def yes_no(params: Params, name: str, *, default: bool | None) -> bool | None:
    """Return a yes/no argument as a bool (`1`/`0` too: the pinboard package sends meta so)."""
    value = _raw(params, name)
    if value is None:
        return default
    try:
        return _YES_NO[value.lower()]
    except KeyError:
        raise ApiError(f"bad {name}") from None


def _tags(params: Params, name: str, *, limit: int, too_many: str) -> list[str]:
    value = _raw(params, name)
    if value is None:
        return []
    try:
        return tags_clean(_storable(value, name), limit=limit)
    except TagTooLong:
        raise ApiError(f"{name} too long") from None
    except TooManyTags:
        raise ApiError(too_many) from None


def tags_for_post(params: Params, name: str = "tags") -> list[str]:
    """Return the tags to store on a post (space-separated, at most 100)."""
    return _tags(params, name, limit=MAX_TAGS, too_many=f"too many {name}")


def tag_filter(params: Params, name: str = "tag") -> list[str]:
    """Return the tags a listing is filtered by: at most three, all of which a post must carry.

    A value that names no tag (only commas or spaces) is refused rather than read as no filter.
    """
    tags = _tags(params, name, limit=MAX_FILTER_TAGS, too_many=f"too many {name}s")
    if not tags and _raw(params, name) is not None:
        raise ApiError(f"bad {name}")
    return tags


def only_arguments(params: QueryDict, names: Collection[str]) -> None:
    """Refuse an argument outside `names`, or one given more than once.

    For the methods whose answer a client may act on wholesale (a script deleting what posts/all
    selected): an argument they ignored, or the one value of several they read, would select
    more than the client meant without telling it.
    """
    for name, values in params.lists():
        if name not in names:
            shown = f" {name}" if _ARGUMENT_NAME.fullmatch(name) else ""
            raise ApiError(f"unknown argument{shown}")
        if len(values) > 1:
            raise ApiError(f"repeated {name}")


def one_tag(params: Params, name: str) -> str:
    """Return a required single tag argument, as stored (lower case)."""
    tags = _tags(params, name, limit=1, too_many=f"bad {name}")
    if not tags:
        raise ApiError(f"missing {name}")
    return tags[0]


def _parsed_datetime(value: str) -> datetime | None:
    if len(value) > _DATETIME_MAX_LENGTH:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def datetime_arg(params: Params, name: str) -> datetime | None:
    """Return a datetime argument in UTC (`2010-12-11T19:48:02Z`); None when absent."""
    value = _raw(params, name)
    if value is None:
        return None
    parsed = _parsed_datetime(value)
    if parsed is None:
        raise ApiError(f"bad {name}")
    return parsed


def creation_time(params: Params, name: str = "dt", *, now: datetime) -> datetime | None:
    """Return a post's creation time; one more than ten minutes ahead becomes `now`."""
    when = datetime_arg(params, name)
    if when is not None and is_in_future(when, now=now):
        return now
    return when


def date_arg(params: Params, name: str) -> date | None:
    """Return a date argument (`2010-12-11`, or a datetime's day as written); None when absent.

    The pinboard package formats every `dt` it is given as a datetime, dates included.
    """
    value = _raw(params, name)
    if value is None:
        return None
    if len(value) <= _DATETIME_MAX_LENGTH:
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None:
            return moment.date()
    raise ApiError(f"bad {name}")


def number(
    params: Params, name: str, *, default: int | None, maximum: int | None = None
) -> int | None:
    """Return a whole-number argument, capped at `maximum`; `default` when absent."""
    value = _raw(params, name)
    if value is None:
        return default
    if not _NUMBER.fullmatch(value):
        raise ApiError(f"bad {name}")
    result = int(value)
    return result if maximum is None else min(result, maximum)
