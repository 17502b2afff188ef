"""A job worker that comes back on its own when PostgreSQL goes away and returns.

What Procrastinate 3.10's worker does when its database goes (read in its source, and seen in the
jobs-postgres drill, docs/reliability.md): it does not reconnect. Its LISTEN connection fails to
reconnect while the server refuses connections, and the failed side task stops the worker
(`Worker._monitor_side_tasks`); a failed heartbeat or periodic deferrer does the same, and a failed
job fetch ends its loop with a ConnectorException. `manage.py procrastinate worker` then exits
(status 1, or 0 when the worker managed to stop cleanly once the database was back). Procrastinate
leaves bringing it back to whatever runs it (its issues #1116 and #1108 say as much).

Restarted by what runs it, or back in its own process? Back in its own process, because what runs
it here does not restart it: honcho (`make run`, the Compose worker) restarts nothing, and stops
every process of the Procfile when one exits, so a 5-second database restart would also stop the
web server. A supervisor's restart policy would do, but every way of running kwippy would need
one, with its own limits on restarts in a row.

So `worker_serve` runs Procrastinate's worker, and when the worker ends without having been asked
to (a signal), it waits until PostgreSQL answers again, a query a second, and runs a new worker in
the same process. The new one registers afresh. Jobs the lost one held, left "doing" because it
could not record their end, go back to the queue through `jobs_retry_stalled` once the lost
registration's heartbeat is stale (kwippy/core/jobs.py): such a job may run twice, and every job
is idempotent (a mail may arrive twice, an import goes on from its last batch).
"""

import asyncio
import logging
import signal

from procrastinate import exceptions
from procrastinate.contrib.django import app
from procrastinate.worker import Worker

log = logging.getLogger(__name__)

DATABASE_POLL_SECONDS = 1.0


async def _database_answers() -> bool:
    try:
        return await app.check_connection_async()
    except exceptions.ConnectorException:
        return False


async def _worker_run(*, name: str, queues: list[str], concurrency: int) -> None:
    stopping = asyncio.Event()
    worker: Worker | None = None

    def stop() -> None:
        stopping.set()
        if worker is not None:
            worker.stop()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    app.perform_import_paths()
    while not stopping.is_set():
        worker = Worker(
            app=app,
            **{
                **app.worker_defaults,
                "name": name,
                "queues": queues,
                "concurrency": concurrency,
                # Ours above: a signal stops this loop too, not just the worker of the moment.
                "install_signal_handlers": False,
            },
        )
        try:
            await worker.run()
        except exceptions.ConnectorException as error:
            # Procrastinate's own message says only "Database error."; psycopg's says which.
            log.warning("jobs: the %s worker lost the database: %s", name, error.__cause__ or error)
        if stopping.is_set():
            break
        log.warning("jobs: the %s worker stopped; it starts again once the database answers", name)
        while not stopping.is_set() and not await _database_answers():
            await asyncio.sleep(DATABASE_POLL_SECONDS)


def worker_serve(*, name: str, queues: list[str], concurrency: int) -> None:
    """Run a job worker on `queues` until SIGTERM or SIGINT, again after each database outage."""

    async def serve() -> None:
        async with app.open_async():
            await _worker_run(name=name, queues=queues, concurrency=concurrency)

    # The worker's own connections (a pool, and one for LISTEN), as `manage.py procrastinate
    # worker` opens them: Django's connection suits the web processes' deferring only.
    with app.replace_connector(app.connector.get_worker_connector()):
        asyncio.run(serve())
