import json

from django.test import override_settings

from tests.memcached import MemcachedProcess


def test_healthz_reports_every_service_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "object_cache": "ok",
        "session_store": "ok",
    }


def test_healthz_is_503_and_names_the_session_store_when_it_is_down(client, db, settings):
    with MemcachedProcess() as sessions:
        caches = {**settings.CACHES}
        caches["sessions"] = {**caches["sessions"], "LOCATION": [sessions.address]}
        with override_settings(CACHES=caches):
            assert client.get("/healthz").status_code == 200
            sessions.stop()
            response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["session_store"] == "down"
    assert body["object_cache"] == "ok"
    assert body["database"] == "ok"
