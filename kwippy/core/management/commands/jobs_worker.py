"""Run a job worker on some queues, back on its own after a database outage (core/worker.py)."""

from django.core.management.base import BaseCommand

from kwippy.core.worker import worker_serve


class Command(BaseCommand):
    help = (
        "Run a job worker on the given queues until SIGTERM or Ctrl-C; when PostgreSQL goes away "
        "it waits for it and starts again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the worker's name in the logs")
        parser.add_argument(
            "--queues", required=True, help="the queues it serves, separated by commas"
        )
        parser.add_argument("--concurrency", type=int, default=1, help="jobs run at once")

    def handle(self, *args, name: str, queues: str, concurrency: int, **options):
        worker_serve(name=name, queues=queues.split(","), concurrency=concurrency)
