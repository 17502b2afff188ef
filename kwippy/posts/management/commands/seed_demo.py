"""Fill the database with demo people and bookmarks: a small lively set, or a large one, fast."""

import contextlib
import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from kwippy.accounts import changes
from kwippy.accounts.models import Follow, User
from kwippy.posts import services
from kwippy.posts.models import Link, Post, UserTag, url_hash

DEMO_PASSWORD = "kwippy-demo"
DEMO_PEOPLE = [
    ("alice", "Alice Archer", "Reads about databases, cooks on weekends."),
    ("bob", "Bob Baker", "Front-end developer. Collects typography links."),
    ("charlie", "Charlie Chen", "Keeps a reading list longer than a lifetime."),
]
DEMO_BOOKMARKS = [
    (
        "https://www.postgresql.org/docs/current/textsearch.html",
        "PostgreSQL: Full Text Search",
        "How tsvector, tsquery and ranking fit together.",
        "postgres search databases",
    ),
    (
        "https://memcached.org/",
        "memcached - a distributed memory object caching system",
        "Still the simplest cache there is.",
        "memcached caching",
    ),
    (
        "https://docs.djangoproject.com/en/5.2/topics/http/sessions/",
        "How to use sessions | Django",
        "The session engines and their trade-offs.",
        "django sessions python",
    ),
    (
        "https://www.rfc-editor.org/rfc/rfc7617",
        "RFC 7617: The 'Basic' HTTP Authentication Scheme",
        "charset=UTF-8 and the first colon.",
        "http auth rfc",
    ),
    (
        "https://practicaltypography.com/",
        "Butterick's Practical Typography",
        "Everything about type, for writers.",
        "typography design",
    ),
    ("https://www.smashingmagazine.com/", "Smashing Magazine", "", "design css webdev"),
    (
        "https://en.wikipedia.org/wiki/Consistent_hashing",
        "Consistent hashing - Wikipedia",
        "Why adding a cache node moves only a few keys.",
        "distributed-systems caching",
    ),
    ("https://www.seriouseats.com/", "Serious Eats", "Recipes that explain why.", "cooking food"),
    (
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Caching",
        "HTTP caching - MDN",
        "ETag, Last-Modified and 304s.",
        "http caching webdev",
    ),
    (
        "https://www.python.org/dev/peps/pep-0008/",
        "PEP 8 - Style Guide for Python Code",
        "",
        "python style",
    ),
    ("https://lwn.net/", "LWN.net", "Linux and free software news worth paying for.", "linux news"),
    (
        "https://jvns.ca/",
        "Julia Evans",
        "Zines and posts that make hard things friendly.",
        "programming learning",
    ),
]


SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "wen",
    "dar",
    "bel",
    "cor",
    "fin",
    "gal",
    "hop",
    "jun",
    "kel",
    "lim",
    "mor",
    "nut",
    "pix",
    "quo",
]


def _words(rng: random.Random, n: int) -> list[str]:
    """Return `n` distinct made-up words, most frequent first when drawn by `_zipf_words`."""
    words: dict[str, None] = {}
    while len(words) < n:
        words.setdefault("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return list(words)


def _zipf_words(rng: random.Random, words: list[str], k: int) -> list[str]:
    # A Zipf-like pick: a handful of common words, a long tail of rare ones, as in real titles.
    return [words[int(rng.paretovariate(0.9)) % len(words)] for _ in range(k)]


@contextlib.contextmanager
def _copy(model, columns: str):
    """Yield a COPY … FROM STDIN writer into `model`'s table (psycopg 3)."""
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            yield copy


def _bar(total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc, unit="row", unit_scale=True, disable=None)


class Command(BaseCommand):
    help = "Create demo people and bookmarks (small by default; --users/--posts for large sets)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if anyone exists")
        parser.add_argument("--users", type=int, help="build a large set with this many people")
        parser.add_argument("--posts", type=int, help="…and this many posts")
        parser.add_argument("--tags", type=int, default=50_000, help="distinct tags (large set)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("seed_demo: people exist already, nothing to do")
            return
        if options["users"] or options["posts"]:
            if not (options["users"] and options["posts"]) or options["users"] < 1:
                raise CommandError("--users and --posts go together, both at least 1")
            self.large(options["users"], options["posts"], options["tags"], options["seed"])
        else:
            self.small()
        # COPY and get_or_create went around the services: feeds must not answer "not modified".
        changes.change_stamp_everyone()

    @transaction.atomic
    def small(self):
        people = {}
        for username, name, bio in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.com", "display_name": name, "bio": bio},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            people[username] = user
        for follower, followee in [("alice", "bob"), ("bob", "alice"), ("charlie", "alice")]:
            Follow.objects.get_or_create(follower=people[follower], followee=people[followee])
        rng = random.Random(7)
        now = timezone.now()
        for index, (url, title, description, tags) in enumerate(DEMO_BOOKMARKS):
            owners = rng.sample(list(people.values()), k=rng.randint(1, 3))
            for owner in owners:
                with contextlib.suppress(services.PostExists):
                    services.post_create(
                        user=owner,
                        url=url,
                        title=title,
                        description=description,
                        tags=tags,
                        is_private=rng.random() < 0.15,
                        to_read=rng.random() < 0.2,
                        created=now - timedelta(hours=index * 7 + rng.randint(0, 6)),
                    )
        self.stdout.write(
            f"seed_demo: {len(people)} people, {Post.objects.count()} posts "
            f"(sign in as alice / {DEMO_PASSWORD})"
        )

    def large(self, n_users: int, n_posts: int, n_tags: int, seed: int):
        """Add people, links, follows and posts with COPY, in one transaction."""
        rng = random.Random(seed)
        words = _words(rng, 4000)
        with transaction.atomic():
            user_ids = self._people(n_users)
            link_ids = self._links(rng, words, max(1, int(n_posts * 0.7)))
            self._follows(rng, user_ids)
            self._posts(rng, words, user_ids, link_ids, n_posts, n_tags)
            self.stdout.write("seed_demo: recounting tags and saves")
            self.recount()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"seed_demo: added {n_users} people and {n_posts} posts")

    def _people(self, n_users: int) -> list[int]:
        start = User.objects.count()
        # One shared hash: a large demo needs real-looking accounts, not 10,000 PBKDF2 runs.
        template = User(username="template")
        template.set_password(DEMO_PASSWORD)
        people = [
            User(
                username=f"user{start + i}",
                email=f"user{start + i}@example.com",
                password=template.password,
                display_name=f"Demo person {start + i}",
            )
            for i in range(n_users)
        ]
        User.objects.bulk_create(people, batch_size=5_000)
        return list(User.objects.order_by("-id").values_list("id", flat=True)[:n_users])

    def _links(self, rng: random.Random, words: list[str], n_links: int) -> list[int]:
        base = Link.objects.count()
        now = timezone.now()
        columns = "url, url_hash, public_saves, created"
        with _copy(Link, columns) as copy, _bar(n_links, "links") as bar:
            for i in range(n_links):
                host = f"{rng.choice(words)}{rng.choice(words)}.example"
                url = f"https://{host}/{base + i}/{rng.choice(words)}-{rng.getrandbits(24):06x}"
                copy.write_row((url, url_hash(url), 0, now))
                if i % 10_000 == 0:
                    bar.update(min(10_000, n_links - i))
        return list(Link.objects.order_by("-id").values_list("id", flat=True)[:n_links])

    def _follows(self, rng: random.Random, user_ids: list[int]) -> None:
        """Make each new person follow up to twenty others."""
        pairs = set(Follow.objects.values_list("follower_id", "followee_id"))
        now = timezone.now()
        with _copy(Follow, "follower_id, followee_id, created") as copy:
            for follower in user_ids:
                for followee in rng.sample(user_ids, k=min(len(user_ids), 20)):
                    if followee != follower and (follower, followee) not in pairs:
                        pairs.add((follower, followee))
                        copy.write_row((follower, followee, now))

    def _posts(self, rng, words, user_ids, link_ids, n_posts: int, n_tags: int) -> None:
        tag_names = [f"tag{i}" for i in range(n_tags)]
        seen = set(Post.objects.values_list("user_id", "link_id"))
        now = timezone.now()
        n_links = len(link_ids)
        columns = (
            "user_id, link_id, title, description, tags, is_private, to_read, created, updated"
        )
        with _copy(Post, columns) as copy, _bar(n_posts, "posts") as bar:
            made = 0
            while made < n_posts:
                user_id = rng.choice(user_ids)
                # A few links are saved by many people, most by one: as bookmarking looks.
                if rng.random() < 0.3:
                    link_id = link_ids[int(rng.paretovariate(1.2)) % n_links]
                else:
                    link_id = rng.choice(link_ids)
                if (user_id, link_id) in seen:
                    continue
                seen.add((user_id, link_id))
                when = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                # Two tags from a long-tailed distribution, one uniformly: every tag gets used.
                tags = {tag_names[int(rng.paretovariate(1.0)) % n_tags] for _ in range(2)}
                tags.add(rng.choice(tag_names))
                title = " ".join(_zipf_words(rng, words, rng.randint(3, 7))).capitalize()
                description = " ".join(_zipf_words(rng, words, rng.randint(0, 12)))
                copy.write_row(
                    (
                        user_id,
                        link_id,
                        title,
                        description,
                        sorted(tags),
                        rng.random() < 0.1,
                        rng.random() < 0.1,
                        when,
                        when,
                    )
                )
                made += 1
                if made % 10_000 == 0:
                    bar.update(10_000)
            bar.update(made % 10_000)

    def recount(self):
        """Rebuild the denormalised counts from the posts, in two statements."""
        usertag = UserTag._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {usertag}")
            cursor.execute(
                f"""
                INSERT INTO {usertag} (user_id, name, count, public_count)
                SELECT user_id, tag, count(*), count(*) FILTER (WHERE NOT is_private)
                FROM {Post._meta.db_table}, unnest(tags) AS tag
                GROUP BY user_id, tag
                """
            )
            cursor.execute(
                f"""
                UPDATE {Link._meta.db_table} AS link SET public_saves = counts.n
                FROM (SELECT link_id, count(*) AS n FROM {Post._meta.db_table}
                      WHERE NOT is_private GROUP BY link_id) AS counts
                WHERE counts.link_id = link.id AND link.public_saves <> counts.n
                """
            )
