import pytest

from kwippy.accounts.models import User
from tests.auth.hashers import CountingMD5PasswordHasher
from tests.auth.helpers import fetch
from tests.conftest import PASSWORD


@pytest.fixture
def guarded(live_server, settings):
    """Serve the test-only guarded views; return a function that fetches one of their paths."""
    settings.ROOT_URLCONF = "tests.auth.urls"

    def get(path: str, **kwargs):
        return fetch(live_server.url + path, **kwargs)

    return get


@pytest.fixture
def dave(db):
    """Someone whose email address has capitals and belongs to nobody else."""
    return User.objects.create_user("dave", email="Dave.Doe@Example.com", password=PASSWORD)


@pytest.fixture
def counting_hasher(settings):
    """Hash passwords with a hasher that counts its work, from zero."""
    settings.PASSWORD_HASHERS = ["tests.auth.hashers.CountingMD5PasswordHasher"]
    CountingMD5PasswordHasher.hashes = CountingMD5PasswordHasher.verifications = 0
    return CountingMD5PasswordHasher
