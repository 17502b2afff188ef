"""The admin lists jobs (Procrastinate's admin) and retries failed ones."""

from django.db import connection

from tests.conftest import make_user
from tests.job_tasks import job_mark
from tests.jobs import job_rows

JOBS = "/admin/procrastinate/procrastinatejob/"


def test_the_admin_lists_jobs_and_retries_a_failed_one(client, db, tmp_path):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    job_id = job_mark.defer(path=str(tmp_path / "mark"))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed', attempts = 1 WHERE id = %s", [job_id]
        )

    listing = client.get(JOBS, {"status": "failed"})
    assert listing.status_code == 200
    assert "job_mark" in listing.text

    response = client.post(JOBS, {"action": "retry", "_selected_action": [job_id]})
    assert response.status_code == 302
    assert [status for status, _ in job_rows(job_mark.name)] == ["todo"]


def test_people_who_are_not_staff_see_no_jobs(client, alice):
    client.force_login(alice)
    assert client.get(JOBS).status_code == 302
