"""Time a large Netscape import and export against the local development services.

    scripts/services up && python manage.py migrate
    python bench/import_export.py [--bookmarks 100000] [--repeat 1] [--per-post 1000]
                                  [--json results.json]

Generates a bookmark file shaped like a long-lived account (folders, tags, descriptions, private
and to-read marks, a few duplicates and unsafe URLs), imports it into a fresh user, imports it
again (the no-change path), exports it back, and times each step. For scale it also times the
one-post-at-a-time services on a sample, and the parser alone. The user and their links are
deleted at the end. A script, not a test: it prints times, it asserts none. `--json` also writes
the figures as data (bench/run.py reads them).
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from kwippy.accounts.models import User  # noqa: E402
from kwippy.portability import netscape, services  # noqa: E402
from kwippy.posts import services as post_services  # noqa: E402
from kwippy.posts.models import Link, Post  # noqa: E402
from kwippy.posts.normalize import InvalidURL, normalize_url  # noqa: E402

IMPORT_GOAL = 60.0
EXPORT_GOAL = 10.0
WORDS = [
    "python",
    "django",
    "postgres",
    "memcached",
    "cache",
    "http",
    "css",
    "design",
    "typography",
    "recipe",
    "cooking",
    "linux",
    "kernel",
    "network",
    "security",
    "privacy",
    "rust",
    "golang",
    "javascript",
    "browser",
    "search",
    "index",
    "queue",
    "async",
    "testing",
    "deploy",
    "docker",
    "music",
    "film",
    "books",
    "history",
    "science",
    "math",
    "physics",
    "travel",
    "maps",
    "photo",
]


def generate(count: int, seed: int, run: str) -> list[netscape.NetscapeBookmark]:
    """Return `count` bookmarks in file order, grouped in folders as browsers write them."""
    rng = random.Random(seed)
    vocabulary = [f"{rng.choice(WORDS)}-{i}" if i >= len(WORDS) else WORDS[i] for i in range(3000)]
    folders = [()] + [
        (rng.choice(WORDS).title(),) + ((rng.choice(WORDS).title(),) if rng.random() < 0.4 else ())
        for _ in range(60)
    ]
    start = datetime(2008, 1, 1, tzinfo=UTC).timestamp()
    bookmarks = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.005:
            url = f"javascript:void(bookmarklet{i})"
        elif roll < 0.01 and bookmarks:
            url = rng.choice(bookmarks).url  # a duplicate: the later copy wins
        else:
            host = f"{rng.choice(WORDS)}{rng.randrange(20000)}.example"
            url = f"https://{host}/{run}/{i}/{rng.getrandbits(40):010x}?ref=bench&amp=1"
        added = int(start + rng.random() * 16 * 365 * 86400)
        tags = tuple(rng.sample(vocabulary, k=rng.choice((0, 1, 2, 3, 3, 4, 5))))
        bookmarks.append(
            netscape.NetscapeBookmark(
                url=url,
                title=" ".join(rng.choices(WORDS, k=rng.randint(2, 9))).capitalize(),
                description=(
                    " ".join(rng.choices(WORDS, k=rng.randint(5, 40))) if rng.random() < 0.3 else ""
                ),
                tags=tags,
                add_date=datetime.fromtimestamp(added, UTC),
                last_modified=datetime.fromtimestamp(added + rng.randrange(86400 * 30), UTC),
                private=rng.random() < 0.2,
                to_read=rng.random() < 0.1,
                folders=folders[rng.randrange(len(folders))] if rng.random() < 0.5 else (),
            )
        )
    bookmarks.sort(key=lambda bookmark: bookmark.folders)
    return bookmarks


def stored_urls(bookmarks: list[netscape.NetscapeBookmark]) -> set[str]:
    """Return the URLs kwippy keeps of these bookmarks, normalised."""
    urls = set()
    for bookmark in bookmarks:
        try:
            urls.add(normalize_url(bookmark.url))
        except InvalidURL:
            continue
    return urls


def timed(action):
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def fresh_user(name: str) -> User:
    return User.objects.create(username=name, email=f"{name}@example.com", password="!")


def delete_user(user: User) -> None:
    """Delete the user, their posts, and the links nobody else saved."""
    link_ids = list(Post.objects.filter(user=user).values_list("link_id", flat=True))
    user.delete()
    for offset in range(0, len(link_ids), 10_000):
        Link.objects.filter(pk__in=link_ids[offset : offset + 10_000], posts=None).delete()


def import_file(user: User, path: Path) -> services.ImportResult:
    with path.open("rb") as stream:
        return services.bookmarks_import(user=user, stream=stream)


def export_file(user: User, path: Path) -> None:
    with path.open("w", encoding="utf-8") as file:
        for chunk in services.bookmarks_export(user=user):
            file.write(chunk)


def median_line(label: str, times: list[float], count: int, goal: float | None = None) -> str:
    median = statistics.median(times)
    spread = f" (min {min(times):.2f}, max {max(times):.2f})" if len(times) > 1 else ""
    verdict = ""
    if goal is not None:
        verdict = f"   goal < {goal:.0f} s: {'met' if median < goal else 'MISSED'}"
    rate = count / median if median else float("inf")
    return f"{label:<34}{median:8.2f} s {rate:>10,.0f}/s{spread}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookmarks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; medians printed")
    parser.add_argument("--per-post", type=int, default=1000, help="sample for the slow path")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    run = f"{int(time.time())}"

    print(
        f"kwippy import/export benchmark: {options.bookmarks:,} bookmarks, {options.repeat} run(s)"
    )
    print(f"database {connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}")
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "bookmarks.html"
        started = time.perf_counter()
        bookmarks = generate(options.bookmarks, options.seed, run)
        with source.open("w", encoding="utf-8") as file:
            for chunk in netscape.render(bookmarks):
                file.write(chunk)
        generated = time.perf_counter() - started
        size = source.stat().st_size
        print(f"generated {size / 1e6:.1f} MB in {generated:.1f} s")

        parse_times, import_times, again_times, export_times = [], [], [], []
        for attempt in range(options.repeat):
            parse_time, parsed = timed(
                lambda: sum(
                    1
                    for _ in netscape.NetscapeParser().read(netscape.decode([source.read_bytes()]))
                )
            )
            parse_times.append(parse_time)
            user = fresh_user(f"bench-{run}-{attempt}")
            try:
                import_time, result = timed(lambda user=user: import_file(user, source))
                again_time, again = timed(lambda user=user: import_file(user, source))
                target = Path(directory) / "export.html"
                export_time, _ = timed(lambda user=user, target=target: export_file(user, target))
                exported = netscape.parse(target.read_text(encoding="utf-8"))
            finally:
                delete_user(user)
            import_times.append(import_time)
            again_times.append(again_time)
            export_times.append(export_time)

        posts = result.imported
        print(
            f"import: read {result.read:,}, imported {result.imported:,}, "
            f"skipped {result.skipped_total:,}, duplicates merged {result.duplicates:,}; "
            f"again: imported {again.imported}, updated {again.updated}, "
            f"unchanged {again.unchanged:,}"
        )
        same = {b.url for b in exported} == stored_urls(bookmarks)
        print(f"export: {len(exported):,} bookmarks, {'the same' if same else 'NOT THE SAME'} URLs")

        sample = bookmarks[: options.per_post]
        user = fresh_user(f"bench-{run}-per-post")
        try:
            started = time.perf_counter()
            for bookmark in sample:
                with contextlib.suppress(post_services.PostExists, ValueError):
                    post_services.post_create(
                        user=user,
                        url=bookmark.url,
                        title=bookmark.title or bookmark.url,
                        description=bookmark.description,
                        tags=bookmark.tags,
                        is_private=bool(bookmark.private),
                        to_read=bool(bookmark.to_read),
                        created=bookmark.add_date,
                    )
            per_post = (time.perf_counter() - started) / len(sample)
        finally:
            delete_user(user)
        batched = statistics.median(import_times) / parsed

        print()
        print(f"{'step':<34}{'median':>10} {'bookmarks':>11}")
        print(median_line("parse only (no database)", parse_times, parsed))
        print(median_line("import into a fresh user", import_times, parsed, IMPORT_GOAL))
        print(median_line("import the same file again", again_times, parsed))
        print(median_line("export", export_times, posts, EXPORT_GOAL))
        print(
            f"one post_create per bookmark ({len(sample):,} sampled): "
            f"{per_post * 1000:.2f} ms each, {per_post * parsed:.0f} s for the file; "
            f"the batched import is {per_post / batched:.1f}x faster per bookmark"
        )
    if options.json:

        def step(times: list[float], count: int, goal: float | None = None) -> dict:
            median = statistics.median(times)
            return {
                "median_s": round(median, 3),
                "runs_s": [round(t, 3) for t in times],
                "bookmarks_per_second": round(count / median) if median else None,
                "goal_s": goal,
            }

        result = {
            "bookmarks": options.bookmarks,
            "file_mb": round(size / 1e6, 1),
            "runs": options.repeat,
            "read": result.read,
            "imported": result.imported,
            "exported": len(exported),
            "same_urls": same,
            "steps": {
                "parse only (no database)": step(parse_times, parsed),
                "import into a fresh user": step(import_times, parsed, IMPORT_GOAL),
                "import the same file again": step(again_times, parsed),
                "export": step(export_times, posts, EXPORT_GOAL),
            },
            "one_post_create_ms": round(per_post * 1000, 3),
            "batched_speedup_per_bookmark": round(per_post / batched, 1),
        }
        options.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
