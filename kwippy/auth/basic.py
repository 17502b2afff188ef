"""Parse an HTTP `Authorization: Basic` header (RFC 7617), and nothing else.

Django has no parser for Basic credentials, so this is ours. It is pure (a string in, a pair or
None out) and strict: anything that is not exactly one Basic credential — another scheme, base64
that does not round-trip, bytes that are not UTF-8, control characters, no colon, an empty
user-id, an oversized header — is None, and the caller answers with a 401 challenge.
"""

import base64
import binascii
import re
from typing import NamedTuple

# A username is at most 150 characters, an email 254, and passwords have no business being longer
# than a few hundred: a 4 KiB header is already generous, and refusing more bounds the work.
MAX_HEADER_LENGTH = 4096

# RFC 7235: credentials = auth-scheme 1*SP token68. Web servers trim the surrounding whitespace.
_CREDENTIALS = re.compile(r"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([A-Za-z0-9+/]+=*)[ \t]*")
# RFC 7617 section 2: neither the user-id nor the password may contain a control character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BasicCredentials(NamedTuple):
    user_id: str
    password: str


def parse_basic_authorization(header: str | None) -> BasicCredentials | None:
    """Return the user-id and password of a Basic `Authorization` header, or None."""
    if not header or len(header) > MAX_HEADER_LENGTH:
        return None
    match = _CREDENTIALS.fullmatch(header)
    if match is None or match[1].lower() != "basic":
        return None
    token = match[2].encode("ascii")
    try:
        raw = base64.b64decode(token, validate=True)
    except binascii.Error:
        return None
    # Only the canonical encoding: no stray bits in the last character, no extra padding.
    if base64.b64encode(raw) != token:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    user_id, colon, password = text.partition(":")
    if not colon or not user_id or _CONTROL.search(text):
        return None
    return BasicCredentials(user_id, password)
