"""Imports as jobs: the stored file's life, and the job run by real workers (tests/jobs.py)."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from kwippy.portability import services
from kwippy.portability.models import Import, ImportBatch, ImportFile
from kwippy.portability.templatetags.portability_format import duration
from kwippy.posts.models import Post
from kwippy.posts.services import BulkUpsertResult, PostValues
from tests.jobs import WorkerProcess, procfile_option, wait_until
from tests.portability.helpers import generated_file, imports_run_queued

FIXTURES = Path(__file__).parent / "fixtures"


def queue(owner, data: bytes, name: str = "bookmarks.html") -> Import:
    return services.import_queue(
        owner=owner, filename=name, data=data, folders_as_tags=True, unmarked_private=True
    )


class TestStoredFiles:
    def test_a_failed_imports_file_is_kept_for_a_day_then_deleted(self, alice):
        recent, old = queue(alice, b"not bookmarks"), queue(alice, b"not bookmarks either")
        imports_run_queued()
        Import.objects.filter(pk=old.pk).update(
            finished=timezone.now() - timedelta(days=1, hours=1)
        )
        assert services.import_files_delete_expired(now=timezone.now()) == 1
        assert list(ImportFile.objects.values_list("upload_id", flat=True)) == [recent.pk]

    def test_the_file_of_a_queued_or_running_import_is_never_deleted(self, alice):
        queue(alice, (FIXTURES / "pinboard.html").read_bytes())
        Import.objects.update(created=timezone.now() - timedelta(days=3))
        assert services.import_files_delete_expired(now=timezone.now()) == 0


def stored_posts(user) -> list[tuple]:
    return list(
        Post.objects.filter(user=user)
        .order_by("link__url")
        .values_list(
            "link__url", "title", "description", "tags", "is_private", "to_read", "created"
        )
    )


def import_state(pk: int) -> Import:
    return Import.objects.get(pk=pk)


class TestImportJobs:
    def test_an_upload_is_imported_by_the_bulk_worker(self, job_workers, alice):
        client = Client()
        client.force_login(alice)
        response = client.post(
            "/import/",
            {"file": io.BytesIO(generated_file(300)), "folders_as_tags": "on"},
        )
        page = response["Location"]
        upload = Import.objects.get(owner=alice)
        wait_until(lambda: import_state(upload.pk).is_finished, "the import to finish")

        assert import_state(upload.pk).state == Import.State.DONE
        assert Post.objects.filter(user=alice).count() == 300
        assert not ImportFile.objects.exists()
        html = client.get(page).content.decode()
        assert "Import finished" in html
        assert "http-equiv" not in html

    def test_a_persons_second_import_waits_for_the_first(self, job_workers, alice, bob):
        assert int(procfile_option("bulk", "concurrency")) > 1
        first = queue(alice, generated_file(4000, site="first"))
        second = queue(alice, generated_file(4000, site="second"))
        wait_until(
            lambda: Import.objects.filter(owner=alice, state=Import.State.DONE).count() == 2,
            "both imports to finish",
            seconds=180,
        )
        assert import_state(second.pk).started >= import_state(first.pk).finished

    def test_a_worker_killed_mid_import_goes_on_to_a_clean_runs_posts_and_summary(
        self, jobs_table, alice, bob
    ):
        # The last 4,000 bookmarks are later copies of the first 4,000: written before the kill,
        # they must still count as duplicates, and the pages as created, after it.
        data = generated_file(24_000, distinct=20_000)
        with WorkerProcess("interactive"):
            with WorkerProcess("bulk") as doomed:
                upload = queue(alice, data)
                wait_until(
                    lambda: import_state(upload.pk).result.get("written", 0) >= 4_000,
                    "the import to write some bookmarks",
                    seconds=120,
                )
                doomed.kill()
            assert not import_state(upload.pk).is_finished
            written = Post.objects.filter(user=alice).count()
            checkpoint = ImportBatch.objects.filter(file_id=upload.pk).latest("pk")
            # The checkpoint is exactly where the posts are: saved in the same transactions.
            assert checkpoint.result["written"] == written
            assert 0 < checkpoint.result["read"] < 24_000
            with WorkerProcess("bulk"):
                wait_until(
                    lambda: import_state(upload.pk).is_finished,
                    "the retried import to finish",
                    seconds=300,
                )
        assert import_state(upload.pk).state == Import.State.DONE
        assert not ImportBatch.objects.exists()
        clean = services.bookmarks_import(user=bob, stream=io.BytesIO(data))
        assert import_state(upload.pk).result == clean.as_json()
        assert (clean.read, clean.imported, clean.duplicates) == (24_000, 20_000, 4_000)
        assert stored_posts(alice) == stored_posts(bob)
        assert len(stored_posts(alice)) == 20_000


def test_an_imports_state_read_back_from_its_checkpoints_is_the_state_it_saved(alice):
    upload = queue(alice, generated_file(3))
    moment = datetime(2020, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
    before = PostValues("Old title", "", ["a", "b"], True, False, moment, moment)
    state = services.ImportState()
    state.result.read, state.result.duplicates = 4, 1
    for outcome in (
        BulkUpsertResult(created={"new"}, updated={"changed": before}),
        BulkUpsertResult(updated={"new": before}, unchanged={"same"}),
    ):
        state.record(outcome)
        ImportBatch.objects.create(file_id=upload.pk, **state.batch_fields(outcome))

    saved = ImportBatch.objects.filter(file_id=upload.pk).order_by("pk")
    assert services.ImportState.from_batches(saved) == state
    assert state.originals == {"new": None, "changed": before}


class TestProgressFigures:
    @pytest.mark.parametrize(
        ("seconds", "text"),
        [
            (0, "0 seconds"),
            (42, "42 seconds"),
            (170, "3 minutes"),
            (3600, "1 hour"),
            (3_960, "1 hour 6 minutes"),
        ],
    )
    def test_a_duration_is_written_in_seconds_then_hours_and_minutes(self, seconds, text):
        assert duration(timedelta(seconds=seconds)) == text

    def test_the_estimate_follows_the_pace_of_the_file_read_so_far(self, alice):
        upload = queue(alice, b"x" * 400)
        now = timezone.now()
        assert upload.remaining_estimate(now=now) is None
        upload.state, upload.started, upload.bytes_read = (
            Import.State.RUNNING,
            now - timedelta(seconds=30),
            100,
        )
        assert upload.remaining_estimate(now=now) == timedelta(seconds=90)
