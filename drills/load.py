"""Load kwippy with a realistic mix of clients for a while; report errors, requests per second, p99.

    KWIPPY_PORT_OFFSET=N python -m drills.load [--clients 50] [--seconds 60]

Starts the drills' own services and gunicorn (drills/stack.py), fills the database once, then runs
the clients against 127.0.0.1 only, each in its own thread, for a bounded time:

    anonymous   home, a tag, a profile, a link's page, a search
    member      the same signed in (through the sign-in form), plus settings; checks it stays so
    poster      signed in, saves new bookmarks (GET then POST /add/ with the CSRF token)
    feed        polls private and network feeds with HTTP Basic and an app password

A small client of our own rather than locust: every request is kept with its start time, which the
fault drills (drills/run.py) need to tell errors during a fault from errors after it, and it needs
no new dependency. A request counts as an error when it fails to connect or read, answers 5xx or
anything but what its step expects, or shows a signed-in client as signed out. Like the
benchmarks, it imports nothing of kwippy's: the data is made through the site's pages and
`manage.py` (bench/site.py), once, and kept for later runs.
"""

import argparse
import itertools
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.site import Browser, basic_authorization, bookmark_add, follow, link_ids, manage

PASSWORD = "a drill password, long enough"
# gunicorn's own worker timeout: an answer it would still send is slow, not failed.
TIMEOUT = 30.0
MIX = {"anonymous": 0.4, "member": 0.3, "poster": 0.1, "feed": 0.2}
TAGS = ["python", "web", "databases", "reading", "design", "caching", "ops", "music"]
WORDS = ["article", "notes", "caching", "python", "design"]
SIGNED_IN = b">Sign out</button>"
SIGN_IN_PATH = "/accounts/login/"
MEMBERS = [f"member{i}" for i in range(30)]
READERS = [f"reader{i}" for i in range(5)]
# Change it when the data `seed` makes changes: the next run then builds the database again.
DATA_LABEL = json.dumps({"drills data": 2})


@dataclass
class Sample:
    """One request: when it started (seconds since the run began), how long, what came back."""

    started: float
    elapsed: float
    persona: str
    step: str
    status: int  # 0: no answer (refused, reset, timed out)
    ok: bool
    signed_out: bool = False
    detail: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.elapsed


@dataclass
class Site:
    """What the clients know of the data: accounts, app passwords, tags, links."""

    port: int
    members: list[str]
    readers: dict[str, str]  # username -> app password
    links: list[str]
    run: str = field(default_factory=lambda: f"{int(time.time())}")


class Client(threading.Thread):
    """A thread that plays one persona until the deadline, recording every request."""

    def __init__(self, persona: str, number: int, site: Site, clock, deadline: float, record):
        super().__init__(daemon=True, name=f"{persona}-{number}")
        self.persona, self.number, self.site = persona, number, site
        self.clock, self.deadline, self.record = clock, deadline, record
        self.browser = Browser(site.port, timeout=TIMEOUT)
        self.rng = random.Random(f"{persona}{number}")
        # Members and posters each use their own accounts (posters from the end of the list).
        index = number if persona != "poster" else len(site.members) - 1 - number
        self.username = site.members[index % len(site.members)]
        self.password = PASSWORD
        self.acknowledged: list[str] = []
        self.signed_in = False

    def fetch(self, step, method, path, expect=(200,), form=None, headers=None, signed_in=False):
        started = self.clock()
        if form is None:
            answer = self.browser.request(method, path, None, headers)
        else:
            answer = self.browser.post(path, form)
        status, response_headers, body, detail = answer
        # Signed out shows as an anonymous page, or as a redirect to the sign-in page.
        signed_out = signed_in and (
            (status == 200 and SIGNED_IN not in body)
            or (status == 302 and response_headers.get("Location", "").startswith(SIGN_IN_PATH))
        )
        ok = status in expect and not signed_out
        self.record(
            Sample(
                started, self.clock() - started, self.persona, step, status, ok, signed_out, detail
            )
        )
        if signed_out:
            self.signed_in = False
        return status, response_headers, body

    def sign_in(self) -> bool:
        status, _, body = self.fetch("sign-in form", "GET", "/accounts/login/")
        token = self.browser.csrf_token(body)
        if status != 200 or token is None:
            return False
        form = {
            "csrfmiddlewaretoken": token,
            "username": self.username,
            "password": self.password,
        }
        status, _, _ = self.fetch("sign-in", "POST", "/accounts/login/", (302,), form)
        self.signed_in = status == 302
        return self.signed_in

    def run(self) -> None:
        step = getattr(self, f"step_{self.persona}")
        while self.clock() < self.deadline:
            needs_sign_in = self.persona in ("member", "poster") and not self.signed_in
            if needs_sign_in and not self.sign_in():
                time.sleep(0.5)  # as a person would, before trying again
                continue
            step()

    def browse_path(self) -> tuple[str, str]:
        rng = self.rng
        kind = rng.choice(["home", "tag", "profile", "link", "search"])
        path = {
            "home": "/",
            "tag": f"/t/{rng.choice(TAGS)}/",
            "profile": f"/u/{rng.choice(self.site.members)}/",
            "link": f"/url/{rng.choice(self.site.links)}/",
            "search": "/search/?" + urlencode({"q": rng.choice(WORDS)}),
        }[kind]
        return kind, path

    def step_anonymous(self) -> None:
        kind, path = self.browse_path()
        self.fetch(kind, "GET", path)

    def step_member(self) -> None:
        if self.rng.random() < 0.15:
            self.fetch("settings", "GET", "/settings/", signed_in=True)
        else:
            kind, path = self.browse_path()
            self.fetch(kind, "GET", path, signed_in=True)

    def step_poster(self) -> None:
        status, _, body = self.fetch("add form", "GET", "/add/", signed_in=True)
        token = self.browser.csrf_token(body)
        if status != 200 or token is None:
            return
        url = f"https://drills.example.com/{self.site.run}/{self.number}/{next(_serial)}"
        form = {
            "csrfmiddlewaretoken": token,
            "url": url,
            "title": f"A drill bookmark {url.rsplit('/', 1)[1]}",
            "description": "Saved while the fault drills ran.",
            "tags": " ".join(self.rng.sample(TAGS, 2)),
        }
        status, headers, _ = self.fetch("add", "POST", "/add/", (302,), form, signed_in=True)
        # Acknowledged: the site said it saved it (to the poster's profile, not to sign-in).
        if status == 302 and headers.get("Location", "").startswith(f"/u/{self.username}/"):
            self.acknowledged.append(url)

    def step_feed(self) -> None:
        username = list(self.site.readers)[self.number % len(self.site.readers)]
        auth = basic_authorization(username, self.site.readers[username])
        path = self.rng.choice(["/feeds/private/", "/feeds/network/"])
        self.fetch("feed", "GET", path, headers={"Authorization": auth})


_serial = itertools.count()


def personas(clients: int) -> list[str]:
    """Return one persona per client, in the proportions of MIX (at least one of each)."""
    counts = {name: max(1, round(share * clients)) for name, share in MIX.items()}
    counts["anonymous"] += clients - sum(counts.values())
    return [name for name, count in counts.items() for _ in range(count)]


class LoadRun:
    """Run the clients for `seconds`; `samples` fills as they go, `clock()` is the run's time."""

    def __init__(self, site: Site, clients: int = 50, seconds: float = 60.0):
        self.site, self.clients, self.seconds = site, clients, seconds
        self.samples: list[Sample] = []
        self.threads: list[Client] = []
        self._lock = threading.Lock()
        self._origin = time.monotonic()

    def clock(self) -> float:
        return time.monotonic() - self._origin

    def _record(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def start(self) -> None:
        self._origin = time.monotonic()
        counters: dict[str, itertools.count] = {}
        for persona in personas(self.clients):
            number = next(counters.setdefault(persona, itertools.count()))
            client = Client(persona, number, self.site, self.clock, self.seconds, self._record)
            self.threads.append(client)
            client.start()

    def wait(self) -> None:
        for thread in self.threads:
            # Every request times out; nothing outlives the deadline by more than that.
            thread.join(timeout=self.seconds + 2 * TIMEOUT + 5)

    def stop(self) -> None:
        """End the run now: each client stops after the request it is making."""
        self.seconds = self.clock()
        for client in self.threads:
            client.deadline = self.seconds
        self.wait()

    def acknowledged(self) -> list[str]:
        return [url for thread in self.threads for url in thread.acknowledged]


@dataclass
class Summary:
    requests: int
    errors: int
    per_second: float
    p50_ms: float
    p99_ms: float
    by_step: dict[str, tuple[int, int, float]]  # step -> (requests, errors, p99 ms)
    error_kinds: dict[str, int]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def summarize(samples: list[Sample], seconds: float) -> Summary:
    """Return the counts, rate and latency percentiles of a run's requests."""
    elapsed = [s.elapsed * 1000 for s in samples]
    by_step = {}
    for step in sorted({s.step for s in samples}):
        of_step = [s for s in samples if s.step == step]
        by_step[step] = (
            len(of_step),
            sum(not s.ok for s in of_step),
            percentile([s.elapsed * 1000 for s in of_step], 0.99),
        )
    kinds: dict[str, int] = {}
    for s in samples:
        if not s.ok:
            kind = "signed out" if s.signed_out else f"{s.step}: {s.status or s.detail}"
            kinds[kind] = kinds.get(kind, 0) + 1
    return Summary(
        requests=len(samples),
        errors=sum(not s.ok for s in samples),
        per_second=len(samples) / seconds if seconds else 0.0,
        p50_ms=percentile(elapsed, 0.5),
        p99_ms=percentile(elapsed, 0.99),
        by_step=by_step,
        error_kinds=kinds,
    )


def summary_lines(summary: Summary) -> list[str]:
    lines = [
        f"requests {summary.requests}, errors {summary.errors}, "
        f"{summary.per_second:.1f} requests/s, p50 {summary.p50_ms:.0f} ms, "
        f"p99 {summary.p99_ms:.0f} ms"
    ]
    for step, (count, errors, p99) in summary.by_step.items():
        lines.append(f"  {step:14} {count:6} requests  {errors:4} errors  p99 {p99:6.0f} ms")
    for kind, count in sorted(summary.error_kinds.items()):
        lines.append(f"  error: {kind} x{count}")
    return lines


def seed(stack, *, kept: bool) -> Site:
    """Fill the drills' database through the site unless `kept`; return what the clients need.

    Thirty members and five readers, each following five others, and 400 posts, a fifth of them
    private. Every run gives the readers fresh app passwords.
    """
    if not kept:
        print("load: filling the database through the site (a minute or two)")
        rng = random.Random(9)
        people = {}
        for name in MEMBERS + READERS:
            people[name] = Browser(stack.port)
            people[name].sign_up(name, PASSWORD)
        for name, browser in people.items():
            for other in rng.sample(list(people), 5):
                if other != name:
                    follow(browser, other)
        names = list(people)
        for i in range(400):
            fields = {
                "url": f"https://example.com/{rng.choice(WORDS)}/{i}",
                "title": f"An {rng.choice(WORDS)} worth reading, number {i}",
                "description": "Notes on python, caching and design. " * 2,
                "tags": " ".join(rng.sample(TAGS, 3)),
            }
            if i % 5 == 0:
                fields["is_private"] = "on"
            bookmark_add(people[names[i % len(names)]], **fields)
        stack.label(DATA_LABEL)
    readers = {
        name: manage(
            stack.env, "create_app_password", "--user", name, "drills feed reader", "--replace"
        ).strip()
        for name in READERS
    }
    # A link's page answers 404 when nobody saved it publicly: take the links pages show.
    browser, links = Browser(stack.port), set()
    for path in ["/", *(f"/t/{tag}/" for tag in TAGS), *(f"/u/{name}/" for name in MEMBERS)]:
        links |= link_ids(browser.get(path)[1])
    return Site(port=stack.port, members=MEMBERS, readers=readers, links=sorted(links)[:200])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from drills.stack import Stack

    stack = Stack()
    stack.services_up()
    kept = stack.prepare(DATA_LABEL)
    try:
        stack.gunicorn_start()
        site = seed(stack, kept=kept)
        print(f"load: {args.clients} clients for {args.seconds:g} s on 127.0.0.1:{stack.port}")
        run = LoadRun(site, args.clients, args.seconds)
        run.start()
        run.wait()
    finally:
        stack.gunicorn_stop()
    summary = summarize(run.samples, args.seconds)
    for line in summary_lines(summary):
        print(line)
    print(f"verdict: {'PASS' if summary.errors == 0 else 'FAIL'} (zero errors wanted)")


if __name__ == "__main__":
    main()
