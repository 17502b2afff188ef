import pytest
from django.contrib.auth import authenticate, get_user
from django.core.cache import caches
from django.test import RequestFactory

from kwippy.accounts.models import User
from kwippy.auth.backends import AccountPasswordBackend, AppPasswordBackend
from kwippy.auth.services import app_password_create
from tests.auth.helpers import stored_items
from tests.conftest import PASSWORD


def test_the_account_password_works_with_username_or_email_in_any_case(dave):
    assert authenticate(username="DAVE", password=PASSWORD) == dave
    assert authenticate(username="dave.doe@example.com", password=PASSWORD) == dave
    assert authenticate(username="dave", password="wrong") is None
    assert authenticate(username="nobody", password=PASSWORD) is None


def test_an_email_two_accounts_share_names_neither(alice):
    User.objects.create_user("alice2", email="ALICE@example.com", password=PASSWORD)
    assert authenticate(username="alice@example.com", password=PASSWORD) is None


def test_a_username_that_is_someone_elses_email_names_neither(alice):
    User.objects.create_user("alice@example.com", email="x@example.com", password=PASSWORD)
    assert authenticate(username="alice@example.com", password=PASSWORD) is None


@pytest.mark.parametrize("identifier", ["nobody", "nobody@example.com", "shared@example.com"])
def test_an_identifier_that_names_nobody_costs_the_hash_a_wrong_password_does(
    alice, counting_hasher, identifier
):
    # Two accounts share this email, so it names neither.
    User.objects.create_user("sharer1", email="shared@example.com")
    User.objects.create_user("sharer2", email="SHARED@example.com")
    assert authenticate(username="alice", password="wrong") is None
    assert counting_hasher.hashes == 1
    assert authenticate(username=identifier, password=PASSWORD) is None
    assert counting_hasher.hashes == 2


def test_inactive_accounts_are_refused(alice):
    alice.is_active = False
    alice.save()
    assert authenticate(username="alice", password=PASSWORD) is None


def test_a_repeated_remembered_check_skips_the_hasher(alice, counting_hasher):
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    assert counting_hasher.verifications == 1
    for _ in range(3):
        assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    assert counting_hasher.verifications == 1
    # The identifier does not matter, the account and password do.
    assert authenticate(username="alice@example.com", password=PASSWORD, remember=True) == alice
    assert counting_hasher.verifications == 1


def test_a_check_that_does_not_ask_to_remember_always_hashes(alice, counting_hasher):
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    for _ in range(2):
        assert authenticate(username="alice", password=PASSWORD) == alice
    assert counting_hasher.verifications == 3


def test_a_wrong_password_is_always_hashed_and_never_remembered(alice, counting_hasher):
    for _ in range(2):
        assert authenticate(username="alice", password="wrong", remember=True) is None
    assert counting_hasher.verifications == 2


def test_a_password_change_invalidates_the_remembered_check_at_once(alice, counting_hasher):
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    alice.set_password("a brand new password")
    alice.save()
    assert authenticate(username="alice", password=PASSWORD, remember=True) is None
    assert authenticate(username="alice", password="a brand new password") == alice


def test_deactivation_takes_effect_at_once_despite_a_remembered_check(alice, counting_hasher):
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert authenticate(username="alice", password=PASSWORD, remember=True) is None


def test_remembered_checks_live_in_the_object_cache_not_the_session_store(alice):
    objects, sessions = stored_items("default"), stored_items("sessions")
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    assert stored_items("default") == objects + 1
    assert stored_items("sessions") == sessions


def test_a_remembered_check_survives_only_while_the_object_cache_keeps_it(alice, counting_hasher):
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    caches["default"].clear()
    assert authenticate(username="alice", password=PASSWORD, remember=True) == alice
    assert counting_hasher.verifications == 2


def test_an_app_password_is_checked_without_the_password_hasher(alice, counting_hasher):
    _, secret = app_password_create(user=alice, name="reader")
    assert authenticate(username="alice", password=secret, app_password=secret) == alice
    assert counting_hasher.verifications == 0


def test_an_app_password_is_not_an_account_password(alice):
    _, secret = app_password_create(user=alice, name="reader")
    assert authenticate(username="alice", password=secret) is None


def test_the_account_password_is_not_an_app_password(alice):
    assert authenticate(username="alice", app_password=PASSWORD) is None


def test_an_app_password_works_only_with_its_own_account(alice, bob):
    _, secret = app_password_create(user=alice, name="reader")
    assert authenticate(username="bob", app_password=secret) is None
    assert authenticate(username="alice@example.com", app_password=secret) == alice


def test_an_inactive_accounts_app_password_costs_what_a_wrong_one_does(alice, counting_hasher):
    _, secret = app_password_create(user=alice, name="reader")
    alice.is_active = False
    alice.save()
    assert authenticate(username="alice", password=secret, app_password=secret) is None
    wrong = "kwp_" + "a" * 32
    assert authenticate(username="alice", password=wrong, app_password=wrong) is None
    assert counting_hasher.verifications == 2


def test_both_backends_restore_a_session_user(alice):
    for backend in (AppPasswordBackend(), AccountPasswordBackend()):
        assert backend.get_user(alice.pk) == alice


def test_a_session_naming_the_app_password_backend_restores_its_user(alice, client):
    client.force_login(alice, backend="kwippy.auth.backends.AppPasswordBackend")
    request = RequestFactory().get("/")
    request.session = client.session
    assert get_user(request) == alice


def test_an_app_password_costs_one_query_once_its_use_is_recorded(alice, django_assert_num_queries):
    _, secret = app_password_create(user=alice, name="reader")
    with django_assert_num_queries(2):  # the lookup, and recording the first use
        assert authenticate(username="alice", password=secret, app_password=secret) == alice
    with django_assert_num_queries(1):
        assert authenticate(username="alice", password=secret, app_password=secret) == alice


def test_a_remembered_account_password_costs_one_query(alice, django_assert_num_queries):
    credentials = {"password": PASSWORD, "app_password": PASSWORD, "remember": True}
    assert authenticate(username="alice", **credentials) == alice
    with django_assert_num_queries(1):
        assert authenticate(username="alice", **credentials) == alice
