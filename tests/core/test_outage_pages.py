import pytest
from django.test import Client

pytestmark = pytest.mark.urls("tests.core.urls_outage")


@pytest.mark.parametrize("path", ["/database-down/", "/connection-lost/"])
def test_a_database_outage_is_a_503_that_says_when_to_come_back(db, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert b"unavailable for a moment" in response.content


def test_any_service_unavailable_is_a_503_with_its_own_retry_after(db):
    response = Client(raise_request_exception=False).get("/search-index-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"unavailable for a moment" in response.content


def test_any_other_failure_is_our_500_page(db):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert "Retry-After" not in response
