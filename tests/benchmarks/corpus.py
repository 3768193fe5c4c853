"""A synthetic review corpus recombined from real text, and cached benchmark databases.

Sources: the Wikipedia film articles in ``../shared/corpus/wikipedia-films/`` and the bundled
sample reviews in ``bot/sample/`` (about 135 articles, ~1,500 paragraphs of real prose).

How a review is made (deterministic from the seed and its index):
- a film: a title recombined from the words of real titles, a year, and ~10 reviews per film;
- an outlet and a critic drawn with Zipf-like weights from pools of real-looking names (the
  biggest outlet writes ~8% of the reviews, so outlet filters see both huge and tiny sets);
- text: a one-line standfirst naming film, critic and outlet, then 3-6 paragraphs drawn at
  random from *different* source articles (~3.6 KB, ~10 snippets per review).

Why this is fast (the documented choice): every distinct source paragraph is extracted once
(with its source article's film as context) and a review's snippets and release events are the
union of its paragraphs' extractions with their spans shifted to where each paragraph sits, so
building 100k reviews costs no extraction at all (extracting them afresh would take ~6 min
at ~300 reviews/s on one core). The price: extraction context does not cross paragraph
boundaries (a critic named in one paragraph is not carried into the next). The ingest
benchmark still measures the real pipeline (read + extract + store) on generated files.

Databases are built once per machine and reused: ``database(size)`` returns a file under
``$PULLQUOTE_BENCH_CACHE`` (default: ``<tmp>/pullquote-bench``) keyed by size, the generator
version and the source files; ``PULLQUOTE_BENCH_REBUILD=1`` forces a rebuild. A build holds a
file lock and renames the finished file into place, so concurrent runs never see half a build.
Migrations added later are applied to the cached file when it is opened, like any database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import random
import re
import sqlite3
import tempfile
import time
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.extract import Context, extract
from bot.ingest.pipeline import content_hash, to_new_review
from bot.ingest.readers import Defaults, ReviewInput, read_text_review
from storage.records import NewFilm, NewRelease, NewReview, NewSnippet
from storage.sqlite import SQLiteStore

GENERATOR_VERSION = 1
SEED = 20261122
ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
WIKI = SHARED / "corpus" / "wikipedia-films"
SAMPLE = ROOT / "bot" / "sample"
REVIEWS_PER_FILM = 10
BATCH = 500
"""Reviews per add_reviews call (one transaction) when building a database."""

_PARA_SPLIT = re.compile(r"\n\s*\n")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")

_OUTLET_PARTS_A = (
    "Northern", "Lantern", "Silver", "Nitrate", "Celluloid", "Matinee", "Second", "Midnight",
    "Harbour", "Metro", "Prairie", "Coastal", "Picture", "Reel", "Frame", "Grain", "Velvet",
    "Arc", "Lamp", "Screen", "Balcony", "Projector", "Cinema", "Cutting", "Long", "Late",
)
_OUTLET_PARTS_B = (
    "Review", "Weekly", "Gazette", "Times", "Post", "Journal", "Monthly", "Quarterly",
    "Herald", "Dispatch", "Courier", "Observer", "Standard", "Bulletin", "Press", "Digest",
)
_FIRST = (
    "Mara", "Tom", "Ada", "June", "Leo", "Iris", "Owen", "Nina", "Ravi", "Sofia", "Kenji",
    "Amara", "Lucas", "Hana", "Pablo", "Greta", "Elliot", "Yusuf", "Clara", "Dmitri", "Ines",
    "Noor", "Felix", "Maeve", "Tariq", "Lotte", "Bruno", "Wen", "Zora", "Anton",
)
_LAST = (
    "Ellison", "Hale", "Brook", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Rossi", "Kowalski",
    "Haddad", "Novak", "Fischer", "Quinn", "Adeyemi", "Castillo", "Berg", "Sato", "Murphy",
    "Dubois", "Ivanova", "Mendes", "Park", "Shah", "Walsh", "Young", "Zhang", "Olsen", "Reyes",
    "Abara", "Kaur", "Lambert", "Petrov", "Silva", "Costa", "Nakamura", "Grant", "Hughes",
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One source paragraph and what extraction found in it (spans relative to it)."""

    text: str
    source: int
    snippets: tuple[NewSnippet, ...]
    releases: tuple[NewRelease, ...]


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    year: int | None
    text: str


def shared_available() -> bool:
    return WIKI.is_dir()


@cache
def sources() -> tuple[Source, ...]:
    """The real articles: Wikipedia film articles and the bundled sample reviews."""
    out: list[Source] = []
    if WIKI.is_dir():
        for path in sorted(WIKI.glob("*.md")):
            if path.name == "README.md":
                continue
            text = path.read_text(encoding="utf-8")
            title = path.stem.replace("-", " ").title()
            m = re.match(r"_([^_\n]{1,80})_", text)
            if m:
                title = m.group(1).strip()
            out.append(Source(title, None, text))
    for path in sorted(SAMPLE.glob("*.md")):
        if path.name == "README.md":
            continue
        review = read_text_review(path.read_text(encoding="utf-8"), Defaults())
        out.append(Source(review.film or path.stem, review.year, review.text))
    return tuple(out)


@cache
def paragraphs() -> tuple[Paragraph, ...]:
    """Every usable source paragraph, extracted once (context: its article's film)."""
    out: list[Paragraph] = []
    for index, src in enumerate(sources()):
        ctx = Context(film=src.title, year=src.year)
        for raw in _PARA_SPLIT.split(src.text):
            text = raw.strip()
            if len(text) < 80:  # headings, captions, one-liners: not worth a slot
                continue
            result = extract(text, ctx)
            review = ReviewInput(text=text, film=src.title, year=src.year)
            new = to_new_review(review, result, "corpus")
            out.append(Paragraph(text, index, new.snippets, new.releases))
    return tuple(out)


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(n)]


class Generator:
    """Deterministic synthetic reviews: `review(i)` is the same for every run and size."""

    def __init__(self, seed: int = SEED) -> None:
        rng = random.Random(seed)
        self.paras = paragraphs()
        if not self.paras:
            raise RuntimeError("no source text found for the benchmark corpus")
        words = sorted(
            {w for s in sources() for w in _TITLE_WORD.findall(s.title) if len(w) > 2}
        )
        self.title_words = words or ["Night", "Film"]
        outlets = sorted({f"{a} {b}" for a in _OUTLET_PARTS_A for b in _OUTLET_PARTS_B})
        rng.shuffle(outlets)
        self.outlets = outlets[:300]
        self.outlet_weights = _zipf_weights(len(self.outlets))
        self.critics = sorted({f"{f} {last}" for f in _FIRST for last in _LAST})
        rng.shuffle(self.critics)
        self.seed = seed

    def film(self, film_index: int) -> NewFilm:
        rng = random.Random(self.seed * 7919 + film_index)
        n = rng.choice((1, 2, 2, 3, 3, 4))
        words = [rng.choice(self.title_words).capitalize() for _ in range(n)]
        lead = rng.choice(("", "", "The ", "A "))
        title = lead + " ".join(words)
        return NewFilm(title=title, year=rng.randint(1920, 2025))

    def review(self, i: int) -> NewReview:
        rng = random.Random(self.seed * 1_000_003 + i)
        film = self.film(i // REVIEWS_PER_FILM)
        outlet = rng.choices(self.outlets, self.outlet_weights)[0]
        # Each outlet has a stable staff of critics; a few critics write for several outlets.
        staff = self.outlets.index(outlet)
        critic = self.critics[(staff * 7 + rng.randrange(6)) % len(self.critics)]
        head = f"{film.title} ({film.year}): {critic} for {outlet}, review no. {i}."
        chosen: list[Paragraph] = []
        used: set[int] = set()
        want = rng.randint(3, 6)
        while len(chosen) < want:
            para = self.paras[rng.randrange(len(self.paras))]
            if para.source not in used:
                used.add(para.source)
                chosen.append(para)
        parts = [head]
        snippets: list[NewSnippet] = []
        releases: list[NewRelease] = []
        offset = len(head) + 2
        for para in chosen:
            parts.append(para.text)
            for s in para.snippets:
                if s.kind == "excerpt":
                    s = NewSnippet(
                        s.kind, s.text, s.start + offset, s.end + offset,
                        critic, outlet, s.score, s.spoiler,
                    )
                else:
                    s = NewSnippet(
                        s.kind, s.text, s.start + offset, s.end + offset,
                        s.critic, s.outlet, s.score, s.spoiler,
                    )
                snippets.append(s)
            for r in para.releases:
                releases.append(
                    NewRelease(
                        r.region, r.year, r.month, r.day, r.event,
                        None if r.start is None else r.start + offset,
                        None if r.end is None else r.end + offset,
                    )
                )
            offset += len(para.text) + 2
        text = "\n\n".join(parts)
        published = dt.date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))
        return NewReview(
            film=film,
            text=text,
            content_hash=content_hash(text),
            outlet=outlet,
            critic=critic,
            url=f"https://example.org/bench/{i}",
            published=published,
            source=f"bench:{i}",
            snippets=tuple(snippets),
            releases=tuple(releases),
        )

    def reviews(self, start: int, stop: int) -> Iterator[NewReview]:
        for i in range(start, stop):
            yield self.review(i)

    def jsonl(self, start: int, stop: int) -> str:
        """Reviews [start, stop) as a JSON Lines review file (for the real ingest path)."""
        lines = []
        for r in self.reviews(start, stop):
            lines.append(
                json.dumps(
                    {
                        "film": r.film.title,
                        "year": r.film.year,
                        "outlet": r.outlet,
                        "critic": r.critic,
                        "url": r.url,
                        "published": r.published.isoformat() if r.published else None,
                        "text": r.text,
                    },
                    ensure_ascii=False,
                )
            )
        return "\n".join(lines) + "\n"


# -- cached databases ----------------------------------------------------------------------


def cache_dir() -> Path:
    base = os.environ.get("PULLQUOTE_BENCH_CACHE")
    path = Path(base) if base else Path(tempfile.gettempdir()) / "pullquote-bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


@cache
def _source_key() -> str:
    h = hashlib.sha256()
    for src in sources():
        h.update(src.title.encode())
        h.update(hashlib.sha256(src.text.encode()).digest())
    return h.hexdigest()[:12]


def db_path(size: int) -> Path:
    return cache_dir() / f"corpus-v{GENERATOR_VERSION}-{_source_key()}-{size}.db"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    path: Path
    size: int
    built: bool
    """True when this call built the database (False: reused from the cache)."""
    seconds: float
    snippets: int


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_suffix(".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def database(size: int) -> BuildInfo:
    """The cached benchmark database of `size` generated reviews (built on first use)."""
    path = db_path(size)
    with _locked(path):
        if path.exists() and os.environ.get("PULLQUOTE_BENCH_REBUILD") != "1":
            _migrate(path)
            return BuildInfo(path, size, False, 0.0, _count_snippets(path))
        t0 = time.perf_counter()
        tmp = path.with_name(path.name + ".building")
        for stale in (tmp, *_sidecars(tmp)):
            stale.unlink(missing_ok=True)
        base = _largest_cached_below(size)
        if base is not None:
            _copy(base[1], tmp)
        _run_on_own_loop(_build(tmp, base[0] if base else 0, size))
        for side in _sidecars(path):
            side.unlink(missing_ok=True)
        os.replace(tmp, path)
        return BuildInfo(path, size, True, time.perf_counter() - t0, _count_snippets(path))


def _run_on_own_loop(coro: Coroutine[Any, Any, None]) -> None:
    """Run `coro` to the end on a thread of its own: callers of `database` may already be
    inside an event loop (the pick benchmark is), where `asyncio.run` refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


@cache
def _migrate(path: Path) -> None:
    """Bring a cached database up to the current schema, so a new migration needs no
    rebuild and no timed section pays for it; once per process and path."""

    async def open_and_close() -> None:
        await (await SQLiteStore.open(path)).close()

    _run_on_own_loop(open_and_close())


def _sidecars(path: Path) -> tuple[Path, ...]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def _count_snippets(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM snippets").fetchone()[0])


def _largest_cached_below(size: int) -> tuple[int, Path] | None:
    """A smaller cached database to extend (the generator is deterministic, so the first n
    reviews of every size are the same): building 1k, 10k, 100k inserts 100k reviews."""
    if os.environ.get("PULLQUOTE_BENCH_REBUILD") == "1":
        return None
    best: tuple[int, Path] | None = None
    prefix = f"corpus-v{GENERATOR_VERSION}-{_source_key()}-"
    for path in cache_dir().glob(prefix + "*.db"):
        try:
            n = int(path.stem[len(prefix) :])
        except ValueError:
            continue
        if n < size and (best is None or n > best[0]):
            best = (n, path)
    return best


async def _build(path: Path, start_at: int, size: int) -> None:
    gen = Generator()
    store = await SQLiteStore.open(path)
    try:
        for start in range(start_at, size, BATCH):
            await store.add_reviews(list(gen.reviews(start, min(size, start + BATCH))))
        # Leave a compact, checkpointed file with fresh planner statistics.
        await store.pragma("optimize")
        await store.pragma("wal_checkpoint")
    finally:
        await store.close()


def _copy(src: Path, dst: Path) -> None:
    """A consistent copy of a database, even while another process has it open (WAL)."""
    with contextlib.closing(sqlite3.connect(src)) as a, contextlib.closing(
        sqlite3.connect(dst)
    ) as b:
        a.backup(b)


async def insert_rate(store: SQLiteStore, reviews: Sequence[NewReview], batch: int) -> float:
    """Reviews/s stored through `add_reviews` (extraction already done)."""
    t0 = time.perf_counter()
    for start in range(0, len(reviews), batch):
        await store.add_reviews(reviews[start : start + batch])
    return len(reviews) / (time.perf_counter() - t0)
