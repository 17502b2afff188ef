"""The task engine: transactional enqueue, the two lanes, stalled jobs retried."""

import contextlib
import time

from django.db import connection, transaction

from drills.stack import Stack
from tests.job_tasks import job_hold, job_mark
from tests.jobs import WorkerProcess, job_rows, newest_worker_id, procfile_option, wait_until


class SaveFailed(Exception):
    pass


def test_a_job_queued_in_a_rolled_back_transaction_is_not_queued(jobs_table, tmp_path):
    with contextlib.suppress(SaveFailed), transaction.atomic():
        job_mark.defer(path=str(tmp_path / "rolled-back"))
        queued = job_rows(job_mark.name)
        raise SaveFailed
    assert queued == [("todo", 0)]
    assert job_rows(job_mark.name) == []


def test_a_job_queued_in_a_committed_transaction_is_run_by_a_worker(job_workers, tmp_path):
    with transaction.atomic():
        job_mark.defer(path=str(tmp_path / "committed"))
    wait_until((tmp_path / "committed").exists, "the job to run")


def test_an_interactive_job_runs_while_bulk_jobs_fill_their_lane(job_workers, tmp_path):
    slots = int(procfile_option("bulk", "concurrency"))
    holds = [tmp_path / f"hold-{n}" for n in range(slots + 1)]
    for hold in holds:
        job_hold.defer(path=str(hold))
    wait_until(
        lambda: sum(h.with_suffix(".started").exists() for h in holds) == slots,
        "the bulk lane to fill",
    )

    job_mark.defer(path=str(tmp_path / "interactive"))
    wait_until((tmp_path / "interactive").exists, "the interactive job")

    assert not any(h.with_suffix(".done").exists() for h in holds)
    assert [status for status, _ in job_rows(job_hold.name)].count("doing") == slots
    for hold in holds:
        hold.with_suffix(".release").touch()
    wait_until(lambda: all(h.with_suffix(".done").exists() for h in holds), "the bulk jobs")


def test_a_job_whose_worker_is_killed_is_retried_and_finishes(jobs_table, tmp_path):
    hold = tmp_path / "hold"
    with WorkerProcess("interactive"):
        with WorkerProcess("bulk") as doomed:
            job_hold.defer(path=str(hold))
            wait_until(hold.with_suffix(".started").exists, "the job to start")
            doomed.kill()
        assert job_rows(job_hold.name) == [("doing", 0)]
        hold.with_suffix(".release").touch()
        with WorkerProcess("bulk"):
            wait_until(hold.with_suffix(".done").exists, "the retried job to finish")
            wait_until(lambda: job_rows(job_hold.name) == [], "the job to be done")


def test_a_worker_comes_back_on_its_own_after_postgres_restarts(jobs_table, tmp_path):
    postgres = Stack(services="test")
    with WorkerProcess("interactive") as lane:
        before = newest_worker_id()
        postgres.postgres_stop()
        time.sleep(2)
        postgres.postgres_start()
        # This process's connection went with the server, as the worker's did.
        connection.close()
        wait_until(lambda: newest_worker_id() > before, "the worker to register again")
        assert lane.process.poll() is None, lane.output()
        job_mark.defer(path=str(tmp_path / "after"))
        wait_until((tmp_path / "after").exists, "a job queued after the restart")
        assert lane.process.poll() is None
