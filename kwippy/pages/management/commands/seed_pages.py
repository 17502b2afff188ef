"""Give links kept copies of made-up pages, fast: the pages behind a large demo set, for benchmarks.

Each copy is the page's title (the words of a post of its link) and then sentences of a made-up
language: words of a vocabulary its own (other syllables than seed_demo's titles, so no post has
them), drawn with a Zipf law as in real text, between the short words English text is full of.
Two words of each page are its own, in no other page or post. The
lengths vary as articles' do: a median of 3,500 characters, a long tail to the stored maximum.
The copies are written with COPY; PostgreSQL computes their search vectors as they arrive.

The last line printed is JSON: words and phrases to search for (`page_only_words`, each in one page;
`common_words`, in a third of the pages or more; `phrases`, two words that follow each other in
the first page and, at 100,000 pages, in a hundred others).
"""

import itertools
import json
import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from kwippy.posts.models import PAGE_TEXT_MAX_LENGTH, LinkHealth, LinkPage, Post

SYLLABLES = ["zor", "quel", "vash", "trin", "plo", "gub", "yex", "drom", "fen", "skal"]
SYLLABLES += ["wib", "nuro", "chat", "brix", "olm", "tepa", "ujin", "rask", "hova", "ize"]
# What English text is full of and search leaves out (PostgreSQL's English stop words).
SHORT_WORDS = ["the", "of", "and", "to", "a", "in", "is", "it", "that", "for", "on", "with"]
VOCABULARY = 200_000
COMMONEST = 100
SENTENCES = 30_000
MEDIAN_LENGTH = 3_500
SAMPLE = 5


def _word(number: int) -> str:
    """Return the made-up word of this number: distinct numbers give distinct words."""
    syllables = []
    while True:
        number, digit = divmod(number, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
        if number == 0:
            return "".join(syllables) if len(syllables) > 1 else syllables[0] + "a"
        number -= 1


class Command(BaseCommand):
    help = "Keep copies of made-up pages for links that have none (benchmarks' data)."

    def add_arguments(self, parser):
        parser.add_argument("--links", type=int, required=True, help="how many links get a copy")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if options["links"] < 1:
            raise CommandError("--links must be at least 1")
        rng = random.Random(options["seed"])
        titles = self._titles(rng, options["links"])
        if not titles:
            raise CommandError("every link has a page already, or there are no links")
        vocabulary = [_word(rank) for rank in range(VOCABULARY)]
        # Zipf's law: the word of rank r is drawn in proportion to 1 / r. The vocabulary's words
        # come after English's hundred commonest (the short words mixed in), so its commonest is
        # in about a third of the pages, as "time" or "people" would be, not in every one.
        weights = list(itertools.accumulate(1 / (rank + COMMONEST) for rank in range(VOCABULARY)))
        sentences = [self._sentence(rng, vocabulary, weights) for _ in range(SENTENCES)]
        # Numbers past the vocabulary's: each page's own words.
        rare = itertools.count(VOCABULARY)
        now = timezone.now()
        table = LinkPage._meta.db_table
        # What the fetch job records of a page read without trouble, but the text.
        fetched = {"health": LinkHealth.OK.value, "checked_at": now, "status_code": 200}
        fetched |= {"failures": 0, "language": "en", "keep_copy": True, "fetched_at": now}
        fetched |= dict.fromkeys(["final_url", "moved_to", "description", "site_name"], "")
        fetched |= dict.fromkeys(["canonical_url", "favicon_url"], "")
        columns = [*fetched, "link_id", "title", "text", "next_check_at"]
        page_only, first_sentences = [], []
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for link_id, title in titles:
                own = [_word(next(rare)) for _ in range(2)]
                if len(page_only) < SAMPLE:
                    page_only.append(own[0])
                shown = self._sentences(rng, sentences)
                first_sentences = first_sentences or shown
                text = self._text(rng, title, shown, own)
                # Checked about monthly, spread over the month.
                next_check = now + timedelta(days=rng.uniform(0, 30))
                copy.write_row([*fetched.values(), link_id, title, text, next_check])
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
        common = [vocabulary[rank] for rank in range(SAMPLE)]
        phrases = [" ".join(sentence.split()[:2]) for sentence in first_sentences[:SAMPLE]]
        self.stdout.write(f"seed_pages: kept copies of {len(titles):,} pages")
        words = {"page_only_words": page_only, "common_words": common, "phrases": phrases}
        self.stdout.write(json.dumps(words))

    def _titles(self, rng: random.Random, n: int) -> list[tuple[int, str]]:
        """Return (link id, the title of one of its posts) of up to `n` links with no page yet."""
        links = list(
            Post.objects.filter(link__page__isnull=True)
            .order_by("link_id", "id")
            .distinct("link_id")
            .values_list("link_id", "title")
        )
        return rng.sample(links, min(n, len(links)))

    def _sentence(self, rng: random.Random, vocabulary: list[str], weights: list[float]) -> str:
        # Two words of the vocabulary first, then short and made-up words mixed.
        words = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(6, 20))
        mixed = words[:2] + [
            rng.choice(SHORT_WORDS) if rng.random() < 0.4 else word for word in words[2:]
        ]
        return " ".join(mixed).capitalize() + "."

    def _sentences(self, rng: random.Random, sentences: list[str]) -> list[str]:
        """Return the sentences of a page of a length as articles' vary."""
        length = max(300, int(rng.lognormvariate(0, 0.9) * MEDIAN_LENGTH))
        shown, size = [], 0
        while size < length:
            shown.append(rng.choice(sentences))
            size += len(shown[-1]) + 1
        return shown

    def _text(self, rng: random.Random, title: str, sentences: list[str], own: list[str]) -> str:
        parts = [title + ".", *sentences]
        for word in own:
            parts.insert(rng.randrange(1, len(parts) + 1), word.capitalize() + ".")
        return " ".join(parts)[:PAGE_TEXT_MAX_LENGTH]
