import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwippy.auth.basic import MAX_HEADER_LENGTH, BasicCredentials, parse_basic_authorization
from tests.conftest import basic_authorization


def _basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


def test_it_returns_the_user_id_and_password():
    assert parse_basic_authorization(_basic(b"alice:secret")) == BasicCredentials("alice", "secret")


def test_it_splits_at_the_first_colon():
    assert parse_basic_authorization(_basic(b"alice:a:b::c")) == ("alice", "a:b::c")


def test_it_decodes_utf8():
    header = _basic("zoë:pässwörd ✓".encode())
    assert parse_basic_authorization(header) == ("zoë", "pässwörd ✓")


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC", "bAsIc"])
def test_the_scheme_is_case_insensitive(scheme):
    token = base64.b64encode(b"a:b").decode()
    assert parse_basic_authorization(f"{scheme} {token}") == ("a", "b")


def test_surrounding_whitespace_and_several_spaces_are_tolerated():
    token = base64.b64encode(b"a:b").decode()
    assert parse_basic_authorization(f"  Basic   {token}\t") == ("a", "b")


def test_an_empty_password_is_well_formed():
    assert parse_basic_authorization(_basic(b"alice:")) == ("alice", "")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic ",
        "Basic=",
        "Bearer " + base64.b64encode(b"a:b").decode(),
        "Basicx " + base64.b64encode(b"a:b").decode(),
        "Basic " + base64.b64encode(b"a:b").decode() + " extra",
        "Basic YWxpY2U",  # missing padding
        "Basic YWxpY2U=",  # wrong padding
        "Basic YWxpY2U6eA===",  # extra padding
        "Basic YR==",  # stray bits in the last character
        "Basic YWxp Y2U6eA==",
        "Basic YWxpY2U6eA==YWxpY2U6eA==",
        "Basic YWxpY2U6eA==\x00",
        "Basic\u00a0YTpi",  # YTpi is "a:b"
        "\u0392asic YTpi",  # a Greek capital beta, not a B
        "Basic \uff39\uff34\uff50\uff49",  # fullwidth YTpi
        _basic(b"alice"),
        _basic(b":password"),
        _basic(b"\xff:password"),
        _basic(b"alice:\xc3("),
        _basic(b"al\x00ice:password"),
        _basic(b"alice:pass\x00word"),
        _basic(b"alice:pass\x7fword"),
        _basic(b"alice:pass\nword"),
        "Basic " + "A" * MAX_HEADER_LENGTH,
    ],
)
def test_malformed_headers_are_none(header):
    assert parse_basic_authorization(header) is None


def test_the_unmangled_form_of_those_headers_parses():
    assert parse_basic_authorization("Basic YTpi") == ("a", "b")


_user_ids = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters=":"),
    min_size=1,
    max_size=60,
)
_passwords = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=80)


@given(user_id=_user_ids, password=_passwords)
def test_any_clean_credentials_round_trip(user_id, password):
    assert parse_basic_authorization(basic_authorization(user_id, password)) == (user_id, password)


@given(header=st.text(max_size=400))
def test_any_text_is_parsed_or_refused_without_raising(header):
    result = parse_basic_authorization(header)
    assert result is None or (result.user_id and ":" not in result.user_id)


@given(raw=st.binary(max_size=300), scheme=st.sampled_from(["Basic", "basic", "BASIC"]))
def test_any_bytes_in_base64_are_parsed_or_refused_without_raising(raw, scheme):
    result = parse_basic_authorization(f"{scheme} {base64.b64encode(raw).decode()}")
    if result is not None:
        assert f"{result.user_id}:{result.password}".encode() == raw
