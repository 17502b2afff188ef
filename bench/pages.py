"""Time kwippy's main pages over HTTP against a database `seed_demo` filled (a script, not a test).

Build the data first, then run this against the same database (its environment, as bench/run.py
gives it, or the development one):

    manage.py seed_demo --users 10000 --posts 1000000 --tags 50000
    manage.py seed_pages --links 100000 > pages.txt   # optional: its last line is the words
    python bench/pages.py --people 10000 --tags 50000 [--requests 200] [--json results.json]
                          [--page-words "$(tail -1 pages.txt)"]

A gunicorn serves that database (2 sync workers, DEBUG=0) and each page is requested one at a time,
after a warm-up, with varied arguments: random people, tags of every frequency, and the links,
people's tags, sites, search words and related tags their pages show. Besides the timelines,
tags, people's pages, links and search, it asks for a tag narrowed by a related tag, searches
with `tag:` and `site:` and through one's network, a person's list oldest first and by title,
their all-tags page by name and by count, the people directory (newest and most followed),
followers and following, and the reading list; the signed-in pages are asked by `user0` to
`user9` in turn, each of their own. Given the words `manage.py seed_pages` printed
(`--page-words`), it also searches the kept copies of pages: a word in one page only, words in a
third of the pages or more, and phrases. `seed_demo` names its people `user0`, `user1`, …
and its tags `tag0`, `tag1`, …, the low numbers the most used. It prints the median and 95th
percentile per page, side by side, and the ratio of each to the 100 ms goal; `--json` also writes
them as data (bench/run.py reads them).
"""

import argparse
import html
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import PORT, ROOT, SECRET_KEY, Browser, Server, link_ids

GOAL_MS = 100.0
# What seed_demo gives everyone it makes.
DEMO_PASSWORD = "kwippy-demo"
TITLE = re.compile(r'class="post-title" id="post-\d+"><a [^>]*>([^<]*)</a>')
SITE = re.compile(r'class="post-url">https?://([^/<]+)')
# A related tag's link on a tag page: the page narrowed by it.
NARROWED = re.compile(r'href="(/t/[^"/]+\+[^"/]+/)"')
# Pages only their owner (or a signed-in person) sees, requested by these many people in turn.
READERS = 10
SIGNED_IN = {"home (signed in)", "search network", "to-read"}


def targets(rng: random.Random, n: int, people: int, tags: int) -> dict[str, list[str]]:
    """Return, per page kind, `n` addresses to request that need no page read first."""
    usernames = [f"user{i}" for i in rng.sample(range(people), min(n, people))]
    names = [f"tag{i}" for i in range(tags)]
    # Tags of every frequency: the most used, the middle, the rare.
    thirds = [names[1 : tags // 100 + 2], names[tags // 100 : tags // 3], names[-1000:]]
    tag_sample = [rng.choice(thirds[i % 3]) for i in range(n)]
    return {
        "home (visitor)": ["/"] * n,
        "home (signed in)": ["/"] * n,
        "home page 5": [],
        "profile": [f"/u/{name}/" for name in usernames],
        "person tag": [],
        "tag": [f"/t/{tag}/" for tag in tag_sample],
        "tag a+b": [f"/t/{a}+{b}/" for a, b in zip(tag_sample, reversed(tag_sample), strict=True)],
        "tag narrowed": [],
        "url": [],
        "search": [],
        "search tag: site:": [],
        "search network": [],
        "popular": ["/popular/"] * n,
        "person oldest": [f"/u/{name}/?sort=oldest" for name in usernames],
        "person by title": [f"/u/{name}/?sort=title" for name in usernames],
        "person all tags": [f"/u/{name}/tags/" for name in usernames],
        "person tags by count": [f"/u/{name}/tags/?sort=count" for name in usernames],
        "followers": [f"/u/{name}/followers/" for name in usernames],
        "following": [f"/u/{name}/following/" for name in usernames],
        "people": ["/people/"] * n,
        "people most followed": ["/people/?sort=followed"] * n,
        "to-read": [],
        "search page text: rare word": [],
        "search page text: common word": [],
        "search page text: phrase": [],
    }


# What seed_pages names, and the page kinds that search for them.
PAGE_WORDS = {
    "page_only_words": "search page text: rare word",
    "common_words": "search page text: common word",
    "phrases": "search page text: phrase",
}


def fill_page_text(pages: dict[str, list[str]], page_words: dict[str, list[str]], n: int):
    """Add the searches for words and phrases of the pages' kept copies, each asked in turn."""
    for kind, name in PAGE_WORDS.items():
        queries = [f'"{q}"' if kind == "phrases" else q for q in page_words.get(kind, [])]
        if queries:
            pages[name] = [
                f"/search/?{urlencode({'q': queries[i % len(queries)]})}" for i in range(n)
            ]


def fill_dependent(browser: Browser, pages: dict[str, list[str]], rng: random.Random, n: int):
    """Add the addresses found by reading pages: later pages, links, people's tags, words, sites,
    and tag pages narrowed by a tag of their related-tags sidebar."""
    later = []
    for _ in range(max(1, n // 10)):
        path = "/"
        for _ in range(4):
            body = browser.get(path)[1].decode()
            marker = 'rel="next" href="'
            start = body.find(marker)
            if start < 0:
                break
            path = html.unescape(body[start + len(marker) : body.index('"', start + len(marker))])
        later.append(path)
    pages["home page 5"] = [rng.choice(later) for _ in range(n)]
    narrowed = []
    for path in pages["tag"][: max(1, n // 10)]:
        narrowed += [html.unescape(p) for p in NARROWED.findall(browser.get(path)[1].decode())]
    pages["tag narrowed"] = [rng.choice(narrowed) for _ in range(n)] if narrowed else []
    links, person_tags, words, tags, sites = set(), [], [], [], []
    for profile in pages["profile"]:
        page = browser.get(profile)[1]
        links |= link_ids(page)
        body = page.decode()
        tag = re.search(rf'href="({re.escape(profile)}t/([^"/]+)/)"', body)
        if tag:
            person_tags.append(html.unescape(tag.group(1)))
            tags.append(html.unescape(tag.group(2)))
        words += [html.unescape(title).split()[0] for title in TITLE.findall(body)[:3]]
        sites += [html.unescape(host) for host in SITE.findall(body)[:1]]
    pages["person tag"] = person_tags
    pages["url"] = [f"/url/{link}/" for link in rng.sample(sorted(links), min(n, len(links)))]
    if words:
        pages["search"] = [
            f"/search/?{urlencode({'q': rng.choice(words).lower()})}" for _ in range(n)
        ]
        pages["search network"] = [
            f"/search/?{urlencode({'q': rng.choice(words).lower(), 'scope': 'network'})}"
            for _ in range(n)
        ]
    if words and tags and sites:
        queries = [
            f"{rng.choice(words).lower()} tag:{rng.choice(tags)}"
            if i % 2
            else f"site:{rng.choice(sites)}"
            for i in range(n)
        ]
        pages["search tag: site:"] = [f"/search/?{urlencode({'q': query})}" for query in queries]


def timed(requests: list[tuple[Browser, str]]) -> list[float]:
    times = []
    for browser, path in requests:
        start = time.perf_counter()
        status, _ = browser.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    return times


def measure(args) -> dict:
    """Request every page kind `n` times; return each page's timings."""
    rng = random.Random(args.seed)
    n = args.requests
    data = {"posts": args.posts, "people": args.people, "distinct tags": args.tags}
    print("data: " + ", ".join(f"{value:,} {name}" for name, value in data.items() if value))
    # Other work on the machine skews every figure: say how busy it was.
    load_before = os.getloadavg()[0]
    print(f"load average before: {load_before:.2f} on {os.cpu_count()} cores")

    visitor = Browser(PORT)
    # user0 came first: following twenty people, the fullest home page. The signed-in pages are
    # asked by user0 to user9 in turn, each of their own reading list.
    readers = [Browser(PORT) for _ in range(min(READERS, args.people))]
    for number, reader in enumerate(readers):
        if not reader.sign_in(f"user{number}", DEMO_PASSWORD):
            raise SystemExit(f"user{number} could not sign in: is this a seed_demo database?")
    pages = targets(rng, n, args.people, args.tags)
    fill_dependent(visitor, pages, rng, n)
    if args.page_words:
        fill_page_text(pages, json.loads(args.page_words), n)
    pages["to-read"] = [f"/u/user{i % len(readers)}/toread/" for i in range(n)]

    figures = {}
    print(f"{'page':<22} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/goal':>9}")
    for name, paths in pages.items():
        if not paths:
            continue
        if name == "home (signed in)":
            requests = [(readers[0], path) for path in paths]
        elif name in SIGNED_IN:
            requests = [(readers[i % len(readers)], path) for i, path in enumerate(paths)]
        else:
            requests = [(visitor, path) for path in paths]
        first_browser, first_path = requests[0]
        if args.skip_missing and first_browser.get(first_path)[0] == 404:
            # An older revision (bench/compare.py) without this page: nothing to compare.
            print(f"{name:<22} not served by this checkout: left out")
            continue
        timed(requests[: max(5, n // 10)])  # warm-up: connections, templates, caches
        times = sorted(timed(requests))
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
            f"{name:<22} {len(times):>8} {p50:>8.1f} {p95:>8.1f} {times[-1]:>8.1f} "
            f"{p95 / GOAL_MS:>9.2f}"
        )
    load_after = os.getloadavg()[0]
    print(f"load average after: {load_after:.2f}")
    return {
        "data": {name: value for name, value in data.items() if value},
        "goal_ms": GOAL_MS,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "pages": figures,
        "served_by": "gunicorn, 2 sync workers",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, required=True, help="seed_demo --users")
    parser.add_argument("--tags", type=int, required=True, help="seed_demo --tags")
    parser.add_argument("--posts", type=int, help="seed_demo --posts (only reported)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--page-words", help="the JSON line `manage.py seed_pages` printed last: search them"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--skip-missing", action="store_true", help="leave out the pages a checkout answers 404"
    )
    parser.add_argument(
        "--tree", type=Path, default=ROOT, help="the checkout to serve (bench/compare.py)"
    )
    args = parser.parse_args()
    # Production mode: persistent connections, hashed static names, no query log.
    env = {"DEBUG": "0", "SECRET_KEY": SECRET_KEY, **os.environ}
    with Server(env, PORT, root=args.tree):
        result = measure(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
