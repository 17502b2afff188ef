"""The app passwords the API hands out can be derived again, and only by this site."""

import pytest

from kwippy.api.services import API_TOKEN_NAME, FEED_SECRET_NAME, app_password_derived_secret
from kwippy.auth.models import AppPassword
from kwippy.auth.services import (
    APP_PASSWORD_SHAPE,
    MAX_APP_PASSWORDS,
    AppPasswordError,
    app_password_create,
    app_password_digest,
)


def test_a_derived_secret_is_an_app_password_stored_only_as_its_hash(alice):
    secret = app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    assert APP_PASSWORD_SHAPE.fullmatch(secret)
    stored = AppPassword.objects.get(user=alice, name=API_TOKEN_NAME)
    assert stored.digest == app_password_digest(secret)
    assert secret not in str(AppPassword.objects.values().get(pk=stored.pk))


def test_each_person_and_name_gets_its_own_secret(alice, bob):
    secrets = {
        app_password_derived_secret(user=user, name=name)
        for user in (alice, bob)
        for name in (API_TOKEN_NAME, FEED_SECRET_NAME)
    }
    assert len(secrets) == 4


def test_a_secret_made_under_a_retired_key_still_derives(alice, settings):
    secret = app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert app_password_derived_secret(user=alice, name=API_TOKEN_NAME) == secret


def test_a_secret_no_key_derives_is_replaced(alice, settings):
    secret = app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    settings.SECRET_KEY = "another-key-" + "x" * 50
    replacement = app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    assert replacement != secret
    assert AppPassword.objects.filter(user=alice, name=API_TOKEN_NAME).count() == 1


def test_a_hand_made_app_password_under_the_reserved_name_is_replaced(alice):
    _, hand_made = app_password_create(user=alice, name=API_TOKEN_NAME)
    secret = app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    assert secret != hand_made
    assert AppPassword.objects.get(user=alice, name=API_TOKEN_NAME).digest == (
        app_password_digest(secret)
    )


def test_no_secret_is_made_past_the_app_password_limit(alice):
    for n in range(MAX_APP_PASSWORDS):
        app_password_create(user=alice, name=f"reader {n}")
    with pytest.raises(AppPasswordError):
        app_password_derived_secret(user=alice, name=API_TOKEN_NAME)
    assert not AppPassword.objects.filter(name=API_TOKEN_NAME).exists()
