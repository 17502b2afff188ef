"""Turn bench/run.py's JSON results into docs/performance.md (standard library only)."""

import json
from pathlib import Path

PAGES = ["home (visitor)", "home (signed in)", "profile", "tag", "url", "search"]
# The pages issue 16 added, in the order the table shows them after the ones above.
NEW_PAGES = [
    "tag narrowed",
    "search tag: site:",
    "search network",
    "person oldest",
    "person by title",
    "person all tags",
    "person tags by count",
    "people",
    "people most followed",
    "followers",
    "following",
    "to-read",
]
# Issue 15's searches inside the kept copies of pages, in their own section too.
PAGE_TEXT_SEARCHES = [
    "search page text: rare word",
    "search page text: common word",
    "search page text: phrase",
]


def growth(by_size: dict[str, dict]) -> dict[str, dict[str, float]]:
    """Return, per page, each size's p95 as a multiple of the smallest size's p95."""
    sizes = sorted(by_size, key=int)
    smallest = by_size[sizes[0]]["pages"]
    table: dict[str, dict[str, float]] = {}
    for page, figures in smallest.items():
        base = figures["p95_ms"]
        table[page] = {
            size: round(by_size[size]["pages"][page]["p95_ms"] / base, 2)
            for size in sizes
            if page in by_size[size]["pages"] and base
        }
    return table


def latest(results: Path, kind: str) -> Path:
    """Return the file of the latest `full` or `quick` run: each run replaces the one before."""
    return results / f"latest-{kind}.json"


def newest(results: Path, kind: str) -> dict | None:
    path = latest(results, kind)
    return json.loads(path.read_text()) if path.exists() else None


def posts(size: str) -> str:
    n = int(size)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def provenance(figures: dict) -> list[str]:
    """Return a line saying which run measured a benchmark kept from an earlier run (`--only`),
    and how busy the machine was while it ran."""
    lines = []
    measured_by = figures.get("measured_by")
    if measured_by:
        lines.append(
            f"Kept from the run of {measured_by['date']} (commit {measured_by['commit']}, "
            f"`{measured_by['services']}` services; load average "
            f"{', '.join(map(str, measured_by['load_average_before']))} before it)."
        )
    load = figures.get("load_average")
    if load:
        lines.append(
            f"Load average while it ran: {', '.join(map(str, load['before']))} before, "
            f"{', '.join(map(str, load['after']))} after."
        )
    return [" ".join(lines), ""] if lines else []


def pages_side_by_side(meanwhile: dict) -> list[str]:
    """Return the table of other pages' times on the idle site and during the imports."""
    lines = [
        f"Meanwhile {meanwhile['clients']} visitors read other pages, each one request every "
        f"{meanwhile['visitor_interval_s']:g} s, during every first import and, before any, for "
        f"{meanwhile['idle_seconds']:g} s on the idle site. p50 / p95 in ms; the goal is a p95 "
        f"under {meanwhile['goal_ms']:.0f} ms during the import.",
        "",
        "| page | idle p50 / p95 | during the import p50 / p95 | requests during | goal |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for page, during in meanwhile["during"].items():
        idle = meanwhile["idle"].get(page)
        idle_cell = f"{idle['p50_ms']:.1f} / {idle['p95_ms']:.1f}" if idle else "—"
        verdict = "met" if during["p95_ms"] < meanwhile["goal_ms"] else "missed"
        lines.append(
            f"| {page} | {idle_cell} | {during['p50_ms']:.1f} / {during['p95_ms']:.1f} "
            f"| {during['requests']} | {verdict} |"
        )
    failures = meanwhile["failures"]
    if failures["idle"] or failures["during"]:
        lines += [
            "",
            f"Failed requests: {failures['idle']} idle, {failures['during']} during the imports.",
        ]
    return [*lines, ""]


def pages_behind_links(size: str, largest: dict) -> list[str]:
    """Return issue 15's figures: search inside the pages' kept copies, and what a copy costs."""
    copies = largest.get("page_copies")
    searches = [page for page in ["search", *PAGE_TEXT_SEARCHES] if page in largest["pages"]]
    if not copies or len(searches) < 2:
        return []
    lines = [
        "### The pages behind the links (issue 15)",
        "",
        f"Search at {posts(size)} posts with the kept copies of {copies['copies']:,} pages "
        "(`manage.py seed_pages`: made-up text, a median of "
        f"{copies['median_characters']:,} characters): a word in one page only, words in a "
        "third of the pages or more, and phrases of two words found in a hundred pages, beside "
        "the search of titles' words (which now looks through the pages too). p50 / p95 in ms, "
        "from the table above.",
        "",
        "| search | p50 / p95 | p95 / goal |",
        "| --- | ---: | ---: |",
    ]
    for page in searches:
        figures = largest["pages"][page]
        lines.append(
            f"| {page} | {figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} "
            f"| {figures['p95_to_goal']:.2f} |"
        )
    lines += [
        "",
        f"A kept copy costs a median of {copies['median_bytes']:,} bytes on disk: its text and "
        "search vector as stored (compressed, in the row or in TOAST; median "
        f"{copies['median_stored_bytes']:,} bytes) and its share of the search index, in "
        "proportion to its distinct words (median "
        f"{copies['median_index_bytes']:,} bytes). The page's row with everything else it "
        f"holds: median {copies['median_row_bytes']:,} bytes. On average per copy, the table "
        f"with its TOAST takes {copies['table_bytes_per_copy']:,} bytes and the index "
        f"{copies['index_bytes_per_copy']:,}.",
        "",
    ]
    return lines


def section(result: dict, title: str) -> list[str]:
    machine = result["machine"]
    before, after = machine["load_average_before"], machine["load_average_after"]
    lines = [
        f"## {title}",
        "",
        f"- date: {result['date']}; commit {result['commit'] or 'unknown'}; took "
        f"{result['seconds_taken'] / 60:.1f} min",
        f"- command: `{result['command']}` against the `{result['services']}` services "
        "(`scripts/services`), gunicorn with `DEBUG=0`",
        f"- machine: {machine['cpu_model']}, {machine['cores']} cores, "
        f"{machine['memory_gb']} GB memory, {machine['platform']}, Python {machine['python']}, "
        f"PostgreSQL {machine.get('postgresql', '?')}",
        f"- load average (1, 5, 15 min): {', '.join(map(str, before))} before, "
        f"{', '.join(map(str, after))} after",
        "",
    ]
    bench = result["benchmarks"]

    sessions = bench.get("session_engines", {})
    lines += ["### Session engines, signed in", "", *provenance(sessions)]
    if "skipped" in sessions:
        lines += [f"Skipped: {sessions['skipped']}.", ""]
    elif sessions:
        lines += [
            f"gunicorn {sessions['workers']} sync workers, wrk with {sessions['connections']} "
            f"connections, {sessions['rounds']} alternating rounds of {sessions['seconds']:g} s. "
            "Median requests per second, and the median of each round's ratio to Django's `db`.",
            "",
            "| engine | minimal page, req/s | ratio to db | home (20 posts), req/s | ratio to db |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        names = {"kwippy": "kwippy (ours)", "db": "Django `db`", "cache": "Django `cache`"}
        for engine, pages in sessions["engines"].items():
            cells = []
            for page in ("minimal", "home"):
                figures = pages.get(page)
                cells += (
                    [
                        f"{figures['median_requests_per_second']:.0f}",
                        f"{figures['median_ratio_to_db']:.2f}x",
                    ]
                    if figures
                    else ["—", "—"]
                )
            lines.append(f"| {names.get(engine, f'`{engine}`')} | " + " | ".join(cells) + " |")
        lines.append("")

    basic, feeds = bench.get("feed_polls_basic_auth"), bench.get("feed_polls_304")
    if basic and feeds:
        lines += [
            "### Feed polls",
            "",
            *provenance(basic),
            f"gunicorn {basic['workers']} workers, 50-item RSS feeds, one poll at a time; "
            f"medians of {basic['rounds']} rounds (Basic auth, {basic['hasher']}) and "
            f"{feeds['rounds']} rounds (304s).",
            "",
            "| poll | median ms | ratio to anonymous |",
            "| --- | ---: | ---: |",
        ]
        for name, figures in basic["polls"].items():
            lines.append(
                f"| {name} | {figures['median_ms']:.2f} | {figures['ratio_to_anonymous']:.2f}x |"
            )
        lines += ["", "| poll | median ms |", "| --- | ---: |"]
        for name, figures in feeds["polls"].items():
            lines.append(f"| {name} | {figures['median_ms']:.2f} |")
        lines += ["", "| ratio | value |", "| --- | ---: |"]
        for label, ratio in feeds["ratios"].items():
            lines.append(f"| {label} | {ratio:.2f} |")
        lines.append("")

    pages = bench.get("pages_at_scale")
    if pages:
        sizes = sorted(pages["sizes"], key=int)
        largest = pages["sizes"][sizes[-1]]
        first = pages["sizes"][sizes[0]]
        data = ", ".join(f"{value:,} {name}" for name, value in largest["data"].items())
        lines += [
            "### Pages at scale",
            "",
            *provenance(pages),
            f"Over HTTP ({first['served_by']}), one request at a time, "
            f"{first['pages']['home (visitor)']['requests']} requests per page and size with "
            f"random people, tags of every frequency, links and search words. Largest data set: "
            f"{data}. p50 / p95 in ms; growth is each size's p95 over the "
            f"{posts(sizes[0])} p95. The goal is a p95 under {first['goal_ms']:.0f} ms: the "
            f"last columns are the {posts(sizes[-1])} p95 over the goal (under 1 meets it), and "
            "over the visitors' home page's p95 in the same run, which a busy machine slows alike.",
            "",
            "| "
            + " | ".join(
                [
                    "page",
                    *(f"{posts(size)} posts p50 / p95" for size in sizes),
                    *(f"growth {posts(size)}" for size in sizes[1:]),
                    f"{posts(sizes[-1])} p95 / goal",
                    f"{posts(sizes[-1])} p95 / home (visitor)",
                ]
            )
            + " |",
            "| --- |" + " ---: |" * (2 * len(sizes) + 1),
        ]
        shown = [*PAGES, *NEW_PAGES, *PAGE_TEXT_SEARCHES]
        for page in [*shown, *(p for p in largest["pages"] if p not in shown)]:
            if page not in largest["pages"]:
                continue
            cells = []
            for size in sizes:
                figures = pages["sizes"][size]["pages"].get(page)
                cells.append(
                    f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}" if figures else "—"
                )
            for size in sizes[1:]:
                ratio = pages["growth"].get(page, {}).get(size)
                cells.append(f"{ratio:.2f}x" if ratio is not None else "—")
            cells.append(f"{largest['pages'][page]['p95_to_goal']:.2f}")
            home = largest["pages"].get("home (visitor)", {}).get("p95_ms")
            p95 = largest["pages"][page]["p95_ms"]
            cells.append(f"{p95 / home:.2f}" if home else "—")
            lines.append(f"| {page} | " + " | ".join(cells) + " |")
        loads = ", ".join(
            f"{posts(size)}: {pages['sizes'][size]['load_average_before']}" for size in sizes
        )
        lines += ["", f"Load average when each size started: {loads}.", ""]
        lines += pages_behind_links(sizes[-1], largest)

    portability = bench.get("import_export")
    if portability:
        # Runs before the benchmarks went through HTTP called the services in their own process.
        through = portability.get("through", "the import and export services in one process")
        one_by_one = portability.get("one_by_one", "`post_create`")
        one_by_one_ms = portability.get("one_by_one_ms", portability.get("one_post_create_ms"))
        served_by = f" ({portability['served_by']})" if "served_by" in portability else ""
        lines += [
            "### Import and export",
            "",
            *provenance(portability),
            f"{portability['bookmarks']:,} bookmarks ({portability['file_mb']} MB Netscape file; "
            f"{portability['imported']:,} kept after duplicates and unsafe URLs), through "
            f"{through}{served_by}, median of {portability['runs']} runs; "
            f"exported URLs {'match' if portability['same_urls'] else 'DO NOT match'} the file's.",
            "",
            "| step | median s | bookmarks/s | goal |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, figures in portability["steps"].items():
            goal = f"< {figures['goal_s']:.0f} s" if figures["goal_s"] else ""
            lines.append(
                f"| {name} | {figures['median_s']:.2f} | {figures['bookmarks_per_second']:,} "
                f"| {goal} |"
            )
        lines += [
            "",
            f"One {one_by_one} per bookmark costs {one_by_one_ms:.2f} ms: "
            f"the batched import is {portability['batched_speedup_per_bookmark']}x faster per "
            "bookmark.",
            "",
        ]
        if "meanwhile" in portability:
            lines += pages_side_by_side(portability["meanwhile"])

    jobs = bench.get("job_latency")
    if jobs:
        before, after = jobs["bulk_before"], jobs["bulk_after"]
        lines += [
            "### Job latency",
            "",
            *provenance(jobs),
            f"From `defer()` to the start of an `interactive` job that does nothing: "
            f"{jobs['jobs']} jobs queued one every {jobs['interval_s']:g} s by a site process, "
            "taken by the Procfile's interactive lane (LISTEN/NOTIFY), first on an idle engine, "
            f"then with {jobs['bulk_imports']} imports of {jobs['bulk_bookmarks']:,} bookmarks "
            f"on the bulk lane ({before['doing']} running and {before['todo']} waiting when the "
            f"phase began, {after['doing']} and {after['todo']} when it ended). The goal is a "
            f"median under {jobs['goal_ms']:.0f} ms.",
            "",
            "| phase | median ms | p95 ms | max ms | goal |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for phase, figures in jobs["phases"].items():
            verdict = "met" if figures["median_ms"] < jobs["goal_ms"] else "missed"
            lines.append(
                f"| {phase} | {figures['median_ms']:.1f} | {figures['p95_ms']:.1f} "
                f"| {figures['max_ms']:.1f} | {verdict} |"
            )
        lines.append("")
    fetching = bench.get("fetching")
    if fetching:
        lines += [
            "### Fetching pages",
            "",
            *provenance(fetching),
            f"{fetching['pages']} bare URLs saved on the add page, each an article (about 20 KB "
            f"of text in 25 KB of markup) on one of {fetching['hosts']} local sites, then read by "
            "the interactive lane as one job worker process (`jobs_worker --concurrency=1`), "
            "then by two: fetched over HTTP through the one fetcher (its per-host limits "
            "included), charset, metadata and main text read (trafilatura), the page's row and "
            "the post's title written. Pages a second from the first page kept to the last.",
            "",
            "| workers | pages | kept with title and text | seconds | pages/s | median gap ms |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for phase in fetching["phases"]:
            lines.append(
                f"| {phase['workers']} | {phase['pages']} | {phase['with_title_and_text']} "
                f"| {phase['seconds']:.1f} | {phase['pages_per_second']:.1f} "
                f"| {phase['median_gap_ms']:.1f} |"
            )
        lines.append("")
    person = bench.get("heavy_person")
    if person and "skipped" not in person:
        lines += [
            "### A person with many bookmarks",
            "",
            *provenance(person),
            f"Someone with {person['bookmarks']:,} bookmarks (imported: tags, some private, some "
            f"to read) among {person['others_posts']:,} posts of others, signed in as them: "
            f"gunicorn {person['workers']} sync workers, wrk with {person['connections']} "
            f"connections, {person['rounds']} alternating rounds of {person['seconds']:g} s. "
            "Median requests per second and p50, and the median of each round's ratio to the home "
            f"page; the goal is {person['goal_ratio']}x the home page or better. Load average "
            f"{person['load_average_before']} before, {person['load_average_after']} after.",
            "",
            "| page | address | req/s | p50 ms | ratio to home | goal |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for name, figures in person["pages"].items():
            ratio = figures["median_ratio_to_home"]
            verdict = (
                "" if name == "home" else ("met" if ratio >= person["goal_ratio"] else "missed")
            )
            lines.append(
                f"| {name} | `{figures['path']}` | {figures['median_requests_per_second']:.0f} "
                f"| {figures['median_p50_ms']:.1f} | {ratio:.2f}x | {verdict} |"
            )
        lines.append("")
    elif person:
        lines += ["### A person with many bookmarks", "", f"Skipped: {person['skipped']}.", ""]
    return lines


def document(results: Path) -> str:
    """Return docs/performance.md: the newest full run and the newest quick run."""
    lines = [
        "# Performance",
        "",
        "Written by `bench/run.py` from its JSON results in `bench/results/` (the latest full",
        "and quick runs); do not edit by hand. `make bench` runs everything at full size (10k,",
        "100k and 1M posts, 100,000 bookmarks in and out, a person with 100,000 bookmarks; it",
        "builds the large data sets once, then keeps them); `make bench-quick` runs the same",
        "benchmarks small, in a few minutes. Every figure is a median or percentile over many",
        "requests or rounds, never a single run, and the comparisons (ratios) are measured side",
        "by side in the same run. A busy machine shifts every figure: the load average is given",
        "with each run.",
        "",
    ]
    full, quick = newest(results, "full"), newest(results, "quick")
    if full:
        lines += section(full, "Full run (`make bench`)")
    else:
        lines += ["## Full run (`make bench`)", "", "Not recorded yet.", ""]
    if quick:
        lines += section(quick, "Quick run (`make bench-quick`)")
    return "\n".join(lines).rstrip() + "\n"
