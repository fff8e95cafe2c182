"""Shared pieces of the benchmarks: seeded Dutch-like mentions, databases, timing, RSS, tables.

The generator is deterministic for a given seed: the same ``rows``/``seed`` always give the same
mentions, so a cached database can be reused and two runs compare like with like.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from monitor.models import Mention

INSTITUTION = "Curio"
NAME_SHARE = 0.6
START = datetime(2024, 6, 1, tzinfo=UTC)
SPAN_SECONDS = 730 * 86400
VOCABULARY_SIZE = 40_000
ZIPF_S = 1.05
PG_ENV = "SIGNALEER_TEST_POSTGRES_URL"

# Frequent Dutch words first (they take the top Zipf ranks), then synthetic Dutch-looking words.
_COMMON_TEXT = (
    "de het een en van in is dat op te zijn met voor niet die aan er maar om ook als dan bij of "
    "uit nog naar wat door over tot ze je we hij ik was heeft worden wordt kan al veel meer zo "
    "moet geen hun deze dit jaar nu wel heel goed nieuwe school studenten student opleiding mbo "
    "breda roosendaal bergen zoom docent docenten les lessen open dag stage examen diploma "
    "klas praktijk leren werken vandaag morgen gisteren week via onze jullie alle samen echt "
    "vakantie rooster gebouw campus locatie ouders leerlingen team project nieuws bericht"
)
COMMON = tuple(_COMMON_TEXT.split())
_ONSETS = ("", "", "b", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "st",
           "sch", "br", "gr", "kl", "sp", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "aa", "ee", "oo", "uu", "ie", "oe", "ui", "ij", "ei", "eu",
           "ou", "au")
_CODAS = ("", "", "", "n", "r", "l", "s", "t", "k", "m", "ng", "nd", "st", "cht")
_SUFFIXES = ("", "", "", "en", "ing", "heid", "lijk", "je", "tje", "er", "st", "baar")
SOURCES = ("rss", "x", "mastodon", "bluesky", "youtube")
SOURCE_WEIGHTS = (0.25, 0.35, 0.15, 0.15, 0.10)
SITES = {"rss": "nieuws.bndestem.example", "x": "x.example", "mastodon": "mastodon.example",
         "bluesky": "bsky.example", "youtube": "youtube.example"}


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def build_vocabulary(size: int = VOCABULARY_SIZE, seed: int = 7) -> list[str]:
    """``size`` distinct lower-case words: common Dutch words, then synthetic ones."""
    rng = random.Random(seed)
    words = list(dict.fromkeys(COMMON))
    seen = set(words) | {INSTITUTION.lower()}
    while len(words) < size:
        word = "".join(_syllable(rng) for _ in range(rng.choice((1, 2, 2, 2, 3))))
        word += rng.choice(_SUFFIXES) if len(word) < 8 else ""
        if 3 <= len(word) <= 14 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_cumulative(size: int, s: float = ZIPF_S) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, size + 1)))


@dataclass
class Generator:
    """Seeded stream of realistic-looking Dutch mentions (see module docstring)."""

    seed: int = 42
    vocabulary_size: int = VOCABULARY_SIZE

    def __post_init__(self) -> None:
        self.words = build_vocabulary(self.vocabulary_size)
        self.cum = zipf_cumulative(len(self.words))
        self.authors = [f"@{w}{n % 100}" for n, w in enumerate(build_vocabulary(20_000, seed=11))]
        self.author_cum = zipf_cumulative(len(self.authors), 0.9)

    def words_by_frequency(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)

    def mentions(self, rows: int) -> Iterator[Mention]:
        rng = random.Random(self.seed)
        for i in range(rows):
            yield self._mention(rng, i)

    def chunks(self, rows: int, size: int) -> Iterator[list[Mention]]:
        it = self.mentions(rows)
        while chunk := list(itertools.islice(it, size)):
            yield chunk

    def _text(self, rng: random.Random) -> str:
        words = self.words_by_frequency(rng, rng.randint(20, 60))
        if rng.random() < NAME_SHARE:
            words.insert(rng.randrange(len(words)), rng.choice(
                (INSTITUTION, INSTITUTION, INSTITUTION, "#curio", "Curio Breda")))
        for pos in range(7, len(words), rng.randint(7, 14)):
            words[pos - 1] += rng.choice((",", ".", "", "!"))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def _mention(self, rng: random.Random, i: int) -> Mention:
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        published = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        text = self._text(rng)
        title = " ".join(self.words_by_frequency(rng, rng.randint(4, 10))).capitalize() \
            if source in ("rss", "youtube") else None
        tracking = "?utm_source=feed&utm_medium=rss" if rng.random() < 0.3 else ""
        return Mention(
            source=source, external_id=f"{source}-{i:09d}",
            url=f"https://{SITES[source]}/{source}/{i:09d}{tracking}",
            text=text, published_at=published,
            author=rng.choices(self.authors, cum_weights=self.author_cum)[0],
            author_followers=int(rng.paretovariate(1.2) * 50), title=title, lang="nl")


def mention_json(m: Mention) -> str:
    return json.dumps({
        "source": m.source, "external_id": m.external_id, "url": m.url, "text": m.text,
        "published_at": m.published_at.isoformat(), "author": m.author,
        "author_followers": m.author_followers, "title": m.title, "lang": m.lang,
    }, ensure_ascii=False)


def write_jsonl(path: Path, rows: int, seed: int = 42) -> Path:
    if path.exists() and path.with_suffix(".done").exists():
        return path
    with path.open("w", encoding="utf-8") as out:
        for m in Generator(seed).mentions(rows):
            out.write(mention_json(m) + "\n")
    path.with_suffix(".done").touch()
    return path


# ----------------------------------------------------------------------------- places and databases


def work_dir() -> Path:
    """Where large generated data lives (never in git): ``$SIGNALEER_BENCH_DIR`` or the temp dir."""
    path = Path(os.environ.get("SIGNALEER_BENCH_DIR") or Path(tempfile.gettempdir()) / "signaleer-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pg_base_url(explicit: str | None) -> str | None:
    return explicit or os.environ.get(PG_ENV) or None


def pg_admin_exec(base_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
        conn.execute(sql)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")


def pg_schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{_libpq(base_url)}{sep}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def fresh_pg_schema(base_url: str, prefix: str = "bench") -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    pg_admin_exec(base_url, f'CREATE SCHEMA "{schema}"')
    try:
        yield pg_schema_url(base_url, schema)
    finally:
        pg_admin_exec(base_url, f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def fresh_sqlite(prefix: str = "ingest") -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix=f"signaleer-{prefix}-", dir=work_dir()))
    try:
        yield f"sqlite:///{folder / 'bench.db'}"
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


def migrated_engine(url: str) -> Any:
    """Run the real Alembic migration on an empty database; return its engine."""
    from monitor import migrate
    from monitor.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


# ----------------------------------------------------------------------------- measuring


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (``ru_maxrss`` is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# ----------------------------------------------------------------------------- reporting


@dataclass
class Target:
    name: str
    value: float | None
    limit: float
    higher_is_better: bool = False
    unit: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None or self.value != self.value:
            return "n/a"
        ok = self.value >= self.limit if self.higher_is_better else self.value <= self.limit
        return "PASS" if ok else "MISS"

    def line(self) -> str:
        op = ">=" if self.higher_is_better else "<="
        value = "-" if self.value is None else f"{self.value:,.2f}{self.unit}"
        return f"  {self.verdict:4}  {self.name:<58} {value:>14}   target {op} {self.limit:g}{self.unit}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
              for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  " + "  ".join(str(h).rjust(w) if i else str(h).ljust(w)
                           for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    for row in cells:
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    sys.stdout.flush()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_targets(targets: Sequence[Target]) -> int:
    """Print the targets; return how many were missed."""
    print("\nTargets")
    for t in targets:
        print(t.line())
    sys.stdout.flush()
    return sum(t.verdict == "MISS" for t in targets)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    import time

    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result
