"""Fill the database with demo people and bookmarks: a small lively set, or a large one, fast."""

import contextlib
import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

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
        rng = random.Random(seed)
        batch = 10_000
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
        User.objects.bulk_create(people, batch_size=batch)
        user_ids = list(User.objects.order_by("-id").values_list("id", flat=True)[:n_users])
        tag_names = [f"tag{i}" for i in range(n_tags)]
        # A few links are saved by many people, most by one: roughly how bookmarking looks.
        n_links = max(1, int(n_posts * 0.7))
        now = timezone.now()
        link_base = Link.objects.count()
        with tqdm(total=n_links, desc="links", unit="row", disable=None) as bar:
            for offset in range(0, n_links, batch):
                rows = []
                for i in range(offset, min(offset + batch, n_links)):
                    url = f"https://example.com/{link_base + i}/{rng.getrandbits(32):08x}"
                    rows.append(Link(url=url, url_hash=url_hash(url), created=now))
                Link.objects.bulk_create(rows)
                bar.update(len(rows))
        link_ids = list(Link.objects.order_by("-id").values_list("id", flat=True)[:n_links])
        seen = set(Post.objects.values_list("user_id", "link_id"))
        with tqdm(total=n_posts, desc="posts", unit="row", disable=None) as bar:
            made = 0
            while made < n_posts:
                rows = []
                while len(rows) < min(batch, n_posts - made):
                    user_id = rng.choice(user_ids)
                    link_id = link_ids[int(rng.paretovariate(1.2)) % n_links]
                    if rng.random() < 0.7:
                        link_id = rng.choice(link_ids)
                    if (user_id, link_id) in seen:
                        continue
                    seen.add((user_id, link_id))
                    when = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                    tags = sorted(
                        {tag_names[int(rng.paretovariate(0.8)) % n_tags] for _ in range(3)}
                    )
                    rows.append(
                        Post(
                            user_id=user_id,
                            link_id=link_id,
                            title=f"Demo bookmark {made + len(rows)}",
                            description="A generated bookmark for benchmarks.",
                            tags=tags,
                            is_private=rng.random() < 0.1,
                            to_read=rng.random() < 0.1,
                            created=when,
                            updated=when,
                        )
                    )
                Post.objects.bulk_create(rows)
                made += len(rows)
                bar.update(len(rows))
        self.recount()
        self.stdout.write(f"seed_demo: added {n_users} people and {n_posts} posts")

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
