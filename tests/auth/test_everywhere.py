"""Every place that checks a password goes through the one throttle and takes no shortcut that
would tell a right password of an account that may not sign in there from a wrong one."""

import pytest

from kwippy.accounts.models import User
from kwippy.auth.throttle import MAX_FAILURES
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


def _admin_login(client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
    )


def test_admin_login_failures_lock_the_pair_out_even_with_the_right_password(client, root):
    for _ in range(MAX_FAILURES):
        assert _admin_login(client, "root", "wrong").status_code == 200
    response = _admin_login(client, "root", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_admin_login_failures_count_towards_basic_auth(guarded, client, root):
    for _ in range(MAX_FAILURES):
        _admin_login(client, "root", "wrong")
    assert guarded("/guarded/function/", auth=("root", PASSWORD)).status == 429


def test_a_non_staff_password_guessed_at_the_admin_counts_as_a_failure(client, alice):
    for _ in range(MAX_FAILURES):
        assert "_auth_user_id" not in _admin_login(client, "alice", PASSWORD).wsgi_request.session
    assert "Too many failed attempts" in _admin_login(client, "alice", PASSWORD).text


def test_a_wrong_old_password_on_the_change_form_is_throttled(client, alice):
    client.force_login(alice)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(MAX_FAILURES):
        response = client.post("/accounts/password/change/", {**data, "old_password": "wrong"})
        assert "incorrect" in response.text
    response = client.post("/accounts/password/change/", {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many failed attempts" in response.text
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_admin_checks_a_non_staff_password_in_full_every_time(client, alice, counting_hasher):
    # Even after a Basic client had the password remembered, the admin never takes that shortcut.
    assert _admin_login(client, "alice", PASSWORD).status_code == 200
    assert _admin_login(client, "alice", PASSWORD).status_code == 200
    assert counting_hasher.verifications == 2


def test_a_remembered_basic_check_gives_no_shortcut_at_the_admin(
    guarded, client, alice, counting_hasher
):
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200
    assert counting_hasher.verifications == 1
    _admin_login(client, "alice", PASSWORD)
    assert counting_hasher.verifications == 2


def test_an_inactive_accounts_right_password_is_hashed_every_time_and_never_remembered(
    guarded, alice, counting_hasher
):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    for _ in range(3):
        assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 401
    assert counting_hasher.verifications == 3
    # Nothing was remembered: once active again, the first check is a full one.
    User.objects.filter(pk=alice.pk).update(is_active=True)
    assert guarded("/guarded/function/", auth=("alice", PASSWORD)).status == 200
    assert counting_hasher.verifications == 4
