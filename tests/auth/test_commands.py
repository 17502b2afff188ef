import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from kwippy.auth.models import AppPassword


def create_app_password(*args: str) -> str:
    out = io.StringIO()
    call_command("create_app_password", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_the_command_prints_a_secret_that_signs_the_person_in(alice):
    secret = create_app_password("--user", "Alice", "feed reader")
    assert authenticate(None, username="alice", app_password=secret) == alice
    assert list(AppPassword.objects.filter(user=alice).values_list("name", flat=True)) == [
        "feed reader"
    ]


def test_replace_revokes_the_app_password_of_that_name_first(alice):
    old = create_app_password("--user", "alice", "feed reader")
    new = create_app_password("--user", "alice", "feed reader", "--replace")
    assert authenticate(None, username="alice", app_password=old) is None
    assert authenticate(None, username="alice", app_password=new) == alice


def test_a_name_in_use_without_replace_is_refused(alice):
    create_app_password("--user", "alice", "feed reader")
    with pytest.raises(CommandError, match="already have an app password named"):
        create_app_password("--user", "alice", "feed reader")


def test_an_unknown_user_is_refused(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        create_app_password("--user", "nobody", "feed reader")


@pytest.mark.parametrize("name", ["", "   ", "x" * 500])
def test_a_name_the_settings_page_would_refuse_is_refused(alice, name):
    with pytest.raises(CommandError, match=r"^name: "):
        create_app_password("--user", "alice", name)
    assert not AppPassword.objects.exists()
