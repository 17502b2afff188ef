"""Arguments become typed values or an ApiError naming the argument, whatever the text."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwippy.api import params
from kwippy.api.errors import ApiError
from kwippy.core.characters import NOT_XML
from kwippy.posts.tags import TAG_MAX_LENGTH

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _outcome(read):
    """Return (value, None) or (None, the refusal's code)."""
    try:
        return read(), None
    except ApiError as refused:
        return None, refused.code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-12-11T19:48:02Z", datetime(2010, 12, 11, 19, 48, 2, tzinfo=UTC)),
        ("2010-12-11T21:48:02+02:00", datetime(2010, 12, 11, 19, 48, 2, tzinfo=UTC)),
        ("2010-12-11T19:48:02", datetime(2010, 12, 11, 19, 48, 2, tzinfo=UTC)),
        ("2010-12-11 19:48:02", datetime(2010, 12, 11, 19, 48, 2, tzinfo=UTC)),
    ],
)
def test_datetimes_are_read_in_utc(text, expected):
    assert params.datetime_arg({"dt": text}, "dt") == expected


@pytest.mark.parametrize(
    "text",
    ["tomorrow", "2010-12-32T00:00:00Z", "9999-12-31T23:59:59-01:00", "2010-12-11T19:48:02Z!"],
)
def test_bad_datetimes_name_the_argument(text):
    with pytest.raises(ApiError) as refused:
        params.datetime_arg({"fromdt": text}, "fromdt")
    assert (refused.value.code, refused.value.status) == ("bad fromdt", 400)


def test_a_creation_time_up_to_ten_minutes_ahead_is_kept_and_further_is_now():
    soon = NOW + timedelta(minutes=9)
    assert params.creation_time({"dt": soon.isoformat()}, now=NOW) == soon
    later = NOW + timedelta(minutes=11)
    assert params.creation_time({"dt": later.isoformat()}, now=NOW) == NOW
    assert params.creation_time({}, now=NOW) is None


def test_a_dates_day_is_the_day_as_written():
    assert params.date_arg({"dt": "2010-12-11"}, "dt") == date(2010, 12, 11)
    assert params.date_arg({"dt": "2010-12-11T23:30:00-05:00"}, "dt") == date(2010, 12, 11)


@pytest.mark.parametrize(
    ("text", "value"), [("yes", True), ("no", False), ("YES", True), ("1", True), ("0", False)]
)
def test_yes_and_no(text, value):
    assert params.yes_no({"shared": text}, "shared", default=not value) is value


def test_absent_and_empty_arguments_take_the_default():
    assert params.yes_no({"shared": ""}, "shared", default=True) is True
    assert params.number({}, "count", default=15, maximum=100) == 15
    assert params.tags_for_post({"tags": ""}) == []
    assert params.url({"url": ""}, required=False) is None


def test_numbers_are_capped_at_their_maximum():
    assert params.number({"count": "250"}, "count", default=15, maximum=100) == 100


def test_tags_are_split_on_spaces_and_commas_and_stored_in_lower_case():
    assert params.tags_for_post({"tags": "Python  django,web python"}) == [
        "python",
        "django",
        "web",
    ]


@given(text=st.text(max_size=60))
def test_any_datetime_text_is_a_utc_datetime_or_a_bad_argument(text):
    value, code = _outcome(lambda: params.datetime_arg({"dt": text}, "dt"))
    assert code == "bad dt" if code else value is None or value.tzinfo == UTC


@given(text=st.text(max_size=60))
def test_any_date_text_is_a_date_or_a_bad_argument(text):
    value, code = _outcome(lambda: params.date_arg({"dt": text}, "dt"))
    assert code == "bad dt" if code else value is None or isinstance(value, date)


@given(text=st.text(max_size=400))
def test_any_tags_text_is_storable_tags_or_a_bad_argument(text):
    tags, code = _outcome(lambda: params.tags_for_post({"tags": text}))
    assert code in (None, "bad tags", "tags too long", "too many tags")
    for tag in tags or []:
        assert 0 < len(tag) <= TAG_MAX_LENGTH
        assert tag == tag.lower()
        assert not any(c.isspace() or c == "," for c in tag)
        assert not NOT_XML.search(tag)


@given(text=st.text(max_size=80))
def test_any_number_text_is_a_whole_number_or_a_bad_argument(text):
    value, code = _outcome(lambda: params.number({"start": text}, "start", default=0))
    assert code == "bad start" if code else 0 <= value < 10**9
