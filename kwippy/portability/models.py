"""An import of a bookmark file run by a job, and the uploaded file it reads, kept in PostgreSQL.

The file lives in the database, not on the web machine's disk, so a worker on any machine reads it.
It is its own row, so listing imports never loads megabytes of bytes.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Import(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports"
    )
    created = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=16, choices=State, default=State.QUEUED)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    folders_as_tags = models.BooleanField()
    unmarked_private = models.BooleanField()
    bytes_read = models.PositiveBigIntegerField(default=0)
    # services.ImportResult.as_json(): counts read, written, duplicates, skipped with reasons.
    result = models.JSONField(default=dict)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "-created"])]

    def __str__(self) -> str:
        return f"{self.filename} for {self.owner} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("portability:import-progress", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent_read(self) -> int:
        return int(100 * self.bytes_read / self.size) if self.size else 100

    def elapsed(self, *, now: datetime) -> timedelta | None:
        """Return how long the import has run, or ran."""
        if not self.started:
            return None
        return (self.finished or now) - self.started

    def remaining_estimate(self, *, now: datetime) -> timedelta | None:
        """Return how long a running import should still take, at the pace it has read so far."""
        if self.state != self.State.RUNNING or not self.started or not self.bytes_read:
            return None
        return (now - self.started) * ((self.size - self.bytes_read) / self.bytes_read)


class ImportFile(models.Model):
    upload = models.OneToOneField(
        Import, on_delete=models.CASCADE, primary_key=True, related_name="file"
    )
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"file of {self.upload}"


class ImportBatch(models.Model):
    """A batch of an import written to the posts, saved in the same transaction as its posts.

    A retried import (its worker was killed) goes on after the last one, with the counts it left:
    it never writes a batch twice, and its summary is a single run's. They go with the file.
    """

    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="batches")
    # services.ImportResult.as_json() once the batch was written: `read` is where the file stood.
    result = models.JSONField()
    # What the batch did to each URL (services.ImportState.record reads it back).
    outcome = models.JSONField()

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.file_id}"
