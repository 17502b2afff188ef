import json

from django.test import override_settings

from tests.jobs import WorkerProcess, wait_until
from tests.memcached import MemcachedProcess


def test_healthz_reports_every_service_and_a_worker_up(client, jobs_table):
    with WorkerProcess("interactive"):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "database": "ok",
        "object_cache": "ok",
        "session_store": "ok",
        "workers": "ok",
    }


def test_healthz_with_every_worker_down_says_so_and_pages_still_work(client, jobs_table):
    assert json.loads(client.get("/healthz").content)["workers"] == "down"
    with WorkerProcess("interactive") as worker:
        assert json.loads(client.get("/healthz").content)["workers"] == "ok"
        worker.kill()
        wait_until(
            lambda: json.loads(client.get("/healthz").content)["workers"] == "down",
            "the killed worker's heartbeat to go stale",
        )
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"


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
