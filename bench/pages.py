"""Time kwippy's main pages against whatever data the database holds (a script, not a test).

Build the data first, then run this against the same database:

    manage.py seed_demo --users 10000 --posts 1000000 --tags 50000
    python bench/pages.py [--requests 200] [--gunicorn] [--json results.json]

Each page is requested in-process through Django's test client (the full middleware, view and
template stack, without a network hop), or with `--gunicorn` over HTTP from a gunicorn serving the
same database (2 sync workers, one request at a time), after a warm-up, with varied arguments:
random people, tags of every frequency, links and search words. It prints the median and 95th
percentile per page, side by side, and the ratio of each to the 100 ms goal; `--json` also writes
them as data (bench/run.py reads them).
"""

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production mode: persistent connections, no query log. The key only signs this run's cookies.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from kwippy.accounts.models import Follow, User  # noqa: E402
from kwippy.posts.models import Link, Post, UserTag  # noqa: E402

GOAL_MS = 100.0


class InProcess:
    """Requests through Django's test client, in this process."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, path: str) -> tuple[int, str]:
        response = self.client.get(path)
        return response.status_code, response.content.decode()


class OverHTTP:
    """Requests to a running server on one kept-alive connection, with the client's cookie."""

    def __init__(self, port: int, client: Client):
        self.port = port
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        self.headers = {"Host": "localhost"}
        if cookie is not None:
            self.headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie.value}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, str]:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read().decode()
        if response.will_close:
            self.connection.close()
        return response.status, body


def sample_rows(sql: str, k: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, [k])
        return [row[0] if len(row) == 1 else row for row in cursor.fetchall()]


def targets(rng: random.Random, n: int) -> dict[str, list[str]]:
    """Return, per page kind, `n` addresses to request."""
    usernames = sample_rows(
        "SELECT username FROM accounts_user WHERE username LIKE 'user%%' "
        "ORDER BY random() LIMIT %s",
        n,
    )
    # Tags of every frequency: the most used, the middle, the rare.
    tag_rows = sample_rows(
        "SELECT name, sum(public_count) AS n FROM posts_usertag GROUP BY name "
        "HAVING sum(public_count) > 0 ORDER BY n DESC LIMIT %s",
        50_000,
    )
    tags = [name for name, _ in tag_rows]
    thirds = [tags[: len(tags) // 100 or 1], tags[len(tags) // 100 : len(tags) // 3], tags[-1000:]]
    tag_sample = [rng.choice(thirds[i % 3]) for i in range(n)]
    links = sample_rows(
        "SELECT public_id FROM posts_link WHERE public_saves > 0 ORDER BY random() LIMIT %s", n
    )
    words = sample_rows(
        "SELECT split_part(title, ' ', (1 + id %% 3)::int) FROM posts_post "
        "WHERE NOT is_private ORDER BY random() LIMIT %s",
        n,
    )
    return {
        "home (visitor)": ["/"] * n,
        "home (signed in)": ["/"] * n,
        "home page 5": [],
        "profile": [f"/u/{name}/" for name in usernames],
        "person tag": [],
        "tag": [f"/t/{tag}/" for tag in tag_sample],
        "tag a+b": [f"/t/{a}+{b}/" for a, b in zip(tag_sample, reversed(tag_sample), strict=True)],
        "url": [f"/url/{public_id}/" for public_id in links],
        "search": [f"/search/?q={word.lower()}" for word in words if word],
        "popular": ["/popular/"] * n,
        "_usernames": usernames,
    }


def fill_dependent(
    client: InProcess | OverHTTP, pages: dict[str, list[str]], rng: random.Random, n: int
):
    """Add the addresses that come from following links: later pages, a person's tags."""
    later = []
    for _ in range(max(1, n // 10)):
        path = "/"
        for _ in range(4):
            body = client.get(path)[1]
            marker = 'rel="next" href="'
            start = body.find(marker)
            if start < 0:
                break
            path = body[start + len(marker) : body.index('"', start + len(marker))]
            path = path.replace("&amp;", "&")
        later.append(path)
    pages["home page 5"] = [rng.choice(later) for _ in range(n)]
    person_tags = []
    for name in pages["_usernames"][:n]:
        tag = (
            UserTag.objects.filter(user__username=name, public_count__gt=0)
            .values_list("name", flat=True)
            .first()
        )
        if tag:
            person_tags.append(f"/u/{name}/t/{tag}/")
    pages["person tag"] = person_tags


def timed(client: InProcess | OverHTTP, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        start = time.perf_counter()
        status, _ = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    return times


def measure(n: int, seed: int, fetchers) -> dict:
    """Request every page kind `n` times; return the data's size and each page's timings."""
    rng = random.Random(seed)
    sizes = {
        "posts": Post.objects.count(),
        "people": User.objects.count(),
        "links": Link.objects.count(),
        "distinct tags": UserTag.objects.values("name").distinct().count(),
        "follows": Follow.objects.count(),
    }
    print("data: " + ", ".join(f"{value:,} {name}" for name, value in sizes.items()))
    # Other work on the machine skews every figure: say how busy it was.
    load_before = os.getloadavg()[0]
    print(f"load average before: {load_before:.2f} on {os.cpu_count()} cores")

    visitor_client = Client(HTTP_HOST="localhost")
    member_client = Client(HTTP_HOST="localhost")
    busy = (Follow.objects.values("follower").order_by("follower").first() or {"follower": None})[
        "follower"
    ]
    if busy is not None:
        member_client.force_login(User.objects.get(pk=busy))
    visitor, member = fetchers(visitor_client), fetchers(member_client)

    pages = targets(rng, n)
    fill_dependent(visitor, pages, rng, n)
    pages.pop("_usernames")

    figures = {}
    print(f"{'page':<18} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/goal':>9}")
    for name, paths in pages.items():
        if not paths:
            continue
        client = member if name == "home (signed in)" else visitor
        timed(client, paths[: max(5, n // 10)])  # warm-up: connections, templates, caches
        times = sorted(timed(client, paths))
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        figures[name] = {
            "requests": len(times),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(times[-1], 2),
            "p95_to_goal": round(p95 / GOAL_MS, 3),
        }
        print(
            f"{name:<18} {len(times):>8} {p50:>8.1f} {p95:>8.1f} {times[-1]:>8.1f} "
            f"{p95 / GOAL_MS:>9.2f}"
        )
    load_after = os.getloadavg()[0]
    print(f"load average after: {load_after:.2f}")
    return {
        "data": sizes,
        "goal_ms": GOAL_MS,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "pages": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gunicorn", action="store_true", help="request over HTTP from gunicorn")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    server = None
    if args.gunicorn:
        from bench.basic_auth import PORT, _start_gunicorn

        server = _start_gunicorn(dict(os.environ), ready_path="/healthz")
        fetchers = lambda client: OverHTTP(PORT, client)  # noqa: E731
    else:
        fetchers = InProcess
    try:
        result = measure(args.requests, args.seed, fetchers)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    result["served_by"] = "gunicorn, 2 sync workers" if args.gunicorn else "in-process test client"
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
