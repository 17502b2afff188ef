"""Usernames and e-mail addresses: one case folding for uniqueness, look-up and the throttle."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.accounts.identifiers import identifier_fold
from kwippy.accounts.models import User
from kwippy.auth.throttle import MAX_FAILURES, failure_record, lockout_seconds
from tests.conftest import PASSWORD

FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Letters that fold in surprising ways, mixed with plain ones.
identifiers = st.text(
    alphabet=st.sampled_from("aAlLiIcCeE@.İıßẞﬁＡＬ\u0307\x00 "), max_size=20
) | st.text(max_size=40)

# "ALICE" in full-width letters (U+FF21...), which NFKC makes plain letters.
FULL_WIDTH_ALICE = "\uff21\uff2c\uff29\uff23\uff25"


def _signup(client, username: str, email: str):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data)


@pytest.mark.parametrize("username", ["alice@example.com", "someone@", "@home"])
def test_a_username_that_looks_like_an_email_address_is_refused(client, alice, username):
    response = _signup(client, username, "mallory@example.com")
    assert response.status_code == 422
    assert "no @" in response.text
    assert not User.objects.filter(email="mallory@example.com").exists()
    assert authenticate(username="alice@example.com", password=PASSWORD) == alice


def test_an_email_spelled_with_a_dotted_capital_i_does_not_take_someones_sign_in(client, alice):
    # PostgreSQL's lower() makes "alİce" "alice"; the one folding keeps them apart.
    assert _signup(client, "mallory", "alİce@example.com").status_code == 302
    assert authenticate(username="alice@example.com", password=PASSWORD) == alice
    assert authenticate(username="alİce@example.com", password=PASSWORD).username == "mallory"


def test_a_username_spelled_with_a_dotted_capital_i_names_nobody_else(alice):
    assert authenticate(username="alİce", password=PASSWORD) is None


def test_usernames_equal_once_folded_are_one_name(client, db):
    assert _signup(client, "straße", "first@example.com").status_code == 302
    client.logout()
    response = _signup(client, "STRASSE", "second@example.com")
    assert response.status_code == 422
    assert "already exists" in response.text
    assert authenticate(username="STRASSE", password=PASSWORD).username == "straße"


def test_the_database_refuses_two_usernames_equal_once_folded(db):
    User.objects.create_user("straße", password=PASSWORD)
    with pytest.raises(IntegrityError):
        User.objects.create_user("STRASSE", password=PASSWORD)


def test_emails_equal_once_folded_are_one_address(client, alice):
    response = _signup(client, "mallory", "ALICE@EXAMPLE.COM")
    assert response.status_code == 422
    assert "exists already" in response.text


def test_sign_in_folds_what_is_typed_as_the_account_was_stored(alice):
    # NFKC, then case folding: full-width letters are the letters they look like.
    assert authenticate(username=FULL_WIDTH_ALICE, password=PASSWORD) == alice
    assert authenticate(username="ALICE@EXAMPLE.COM", password=PASSWORD) == alice


def test_every_spelling_that_names_an_account_shares_its_throttle_window(alice):
    for _ in range(MAX_FAILURES):
        failure_record(client="192.0.2.1", identifier=FULL_WIDTH_ALICE)
    assert lockout_seconds(client="192.0.2.1", identifier="alice") > 0


def test_folded_values_follow_a_changed_username_and_email(alice):
    alice.username = "Alicia"
    alice.email = "Alicia@Example.com"
    alice.save(update_fields=["username", "email"])
    alice.refresh_from_db()
    assert (alice.username_folded, alice.email_folded) == ("alicia", "alicia@example.com")


def test_bulk_created_accounts_are_folded_too(db):
    User.objects.bulk_create([User(username="Zoë", email="ZOE@example.com")])
    assert User.objects.get(username_folded=identifier_fold("ZOË")).email_folded == (
        "zoe@example.com"
    )


def test_the_admin_refuses_a_username_equal_once_folded_with_a_form_error(client, db):
    User.objects.create_user("straße", password=PASSWORD)
    staff = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(staff)
    data = {"username": "STRASSE", "usable_password": "false"}
    response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 200
    assert "already exists" in response.text
    assert not User.objects.filter(username="STRASSE").exists()


@FUZZ
@given(identifier=identifiers)
def test_any_identifier_names_nobody_or_the_account_it_folds_to(alice, identifier):
    user = authenticate(username=identifier, password=PASSWORD)
    assert user is None or identifier_fold(identifier) in (user.username_folded, user.email_folded)


@FUZZ
@given(identifier=identifiers)
def test_any_identifier_on_the_login_form_gets_a_form_answer(client, alice, identifier):
    response = client.post("/accounts/login/", {"username": identifier, "password": "wrong"})
    assert response.status_code in (200, 422, 429)
