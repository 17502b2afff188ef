#!/usr/bin/env python3
"""Time two revisions' pages side by side, on one machine in one run (a script, not a test).

    KWIPPY_PORT_OFFSET=N .venv/bin/python bench/compare.py BASE [HEAD]
        [--posts 10000] [--requests 100] [--rounds 3] [--json figures.json]

A refactor should leave speed alone, and a feature should say what it costs; figures from runs on
different days say neither, because these machines are noisy. So each revision is checked out
(a detached git worktree, removed afterwards; HEAD is this checkout as it stands unless named) and
gets a database of its own on the dev profile's PostgreSQL, built by its own `migrate` and
`seed_demo` with the same arguments, and its static files collected in its own checkout. Today's
bench/pages.py then measures each in turn for `--rounds` rounds, the order swapped every round so
that neither side always runs first. Printed per page both serve: the median over rounds of each
side's p50 and p95, and HEAD's p95 over BASE's.

Both revisions run on this virtualenv: a revision that needs packages it lacks cannot be compared.
Pages today's bench cannot find in an older revision's markup are left out, and named.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site  # noqa: E402
from bench.site import say  # noqa: E402
from config.local_services import profile  # noqa: E402


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare(services, name: str, tree: Path, args) -> dict[str, str]:
    """Build the revision's database and static files; return its environment."""
    database = f"kwippy_bench_compare_{name}"
    env = site.environment(services, database, "config.settings", root=tree)
    site.database_create(services, database)
    say(f"{name}: migrating, collecting static files, seeding {args.posts:,} posts")
    site.manage(env, "migrate", "--noinput", "-v0", root=tree)
    site.manage(env, "collectstatic", "--noinput", "-v0", root=tree)
    seed = ["--users", str(args.people), "--posts", str(args.posts), "--tags", str(args.tags)]
    site.manage(env, "seed_demo", *seed, root=tree)
    return env


def measure(services, name: str, tree: Path, env: dict[str, str], args, scratch: Path) -> dict:
    """Run bench/pages.py against the revision once; return its per-page figures."""
    # Both revisions share the object cache, and their keys alike: start each run empty.
    site.object_cache_flush(services)
    output = scratch / f"{name}.json"
    data = ["--people", str(args.people), "--tags", str(args.tags), "--posts", str(args.posts)]
    command = [sys.executable, str(ROOT / "bench" / "pages.py"), *data]
    command += ["--requests", str(args.requests), "--tree", str(tree), "--json", str(output)]
    command += ["--skip-missing"]
    say(f"{name}: measuring")
    if subprocess.run(command, env=env, check=False).returncode != 0:
        sys.exit(f"bench: measuring {name} failed")
    return json.loads(output.read_text())["pages"]


def summarize(names: list[str], rounds: dict[str, list[dict]]) -> dict:
    """Return, per page both sides served in every round, the medians and the p95 ratio."""
    base, head = names
    pages = [
        page
        for page in rounds[base][0]
        if all(page in figures for side in names for figures in rounds[side])
    ]
    table = {}
    for page in pages:
        row = {}
        for side in names:
            row[side] = {
                key: round(statistics.median(figures[page][key] for figures in rounds[side]), 2)
                for key in ("p50_ms", "p95_ms")
            }
        row["p95_ratio"] = round(row[head]["p95_ms"] / row[base]["p95_ms"], 2)
        table[page] = row
    left_out = sorted({page for figures in rounds[head] for page in figures} - set(pages))
    return {"pages": table, "left_out": left_out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the revision to compare against")
    parser.add_argument("head", nargs="?", help="the revision compared (default: this checkout)")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    # The same proportions as bench/run.py's data sets.
    args.people, args.tags = max(10, args.posts // 100), max(100, args.posts // 20)

    subprocess.run([str(ROOT / "scripts" / "services"), "up"], check=True)
    services = profile("dev")
    with tempfile.TemporaryDirectory(prefix="kwippy-compare-") as scratch_name:
        scratch = Path(scratch_name)
        trees: dict[str, Path] = {}
        added: list[Path] = []
        try:
            for revision in (args.base, args.head):
                if revision is None:
                    changed = git("status", "--porcelain", "--untracked-files=no")
                    trees[git("rev-parse", "--short", "HEAD") + ("_changed" if changed else "")] = (
                        ROOT
                    )
                    continue
                name = git("rev-parse", "--short", revision)
                tree = scratch / name
                git("worktree", "add", "--detach", str(tree), revision)
                added.append(tree)
                trees[name] = tree
            names = list(trees)
            if len(names) != 2:
                sys.exit("bench: BASE and HEAD are the same revision")
            envs = {name: prepare(services, name, trees[name], args) for name in names}
            rounds: dict[str, list[dict]] = {name: [] for name in names}
            for number in range(args.rounds):
                for name in names if number % 2 == 0 else reversed(names):
                    rounds[name].append(
                        measure(services, name, trees[name], envs[name], args, scratch)
                    )
        finally:
            for tree in added:
                git("worktree", "remove", "--force", str(tree))

    result = summarize(names, rounds)
    base, head = names
    print(f"\n{args.posts:,} posts, {args.rounds} rounds of {args.requests} requests per page")
    print(f"{'page':<22} {base + ' p50/p95':>22} {head + ' p50/p95':>22} {'p95 ratio':>10}")
    for page, row in result["pages"].items():
        sides = [f"{row[side]['p50_ms']:.1f} / {row[side]['p95_ms']:.1f}" for side in names]
        print(f"{page:<22} {sides[0]:>22} {sides[1]:>22} {row['p95_ratio']:>9.2f}x")
    if result["left_out"]:
        print("left out (not found in both): " + ", ".join(result["left_out"]))
    if args.json:
        data = {"base": base, "head": head, "posts": args.posts, "rounds": args.rounds, **result}
        args.json.write_text(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    main()
