"""Time every classifier and matcher pattern on hostile 100 KB texts (issue 18.2).

Run:  python bench/regex_adversarial.py            (--size 20000 for a quick look)

A post is attacker-controlled, so no pattern may backtrack super-linearly on it. Every compiled
pattern at module level in ``monitor.classify.pii``, ``monitor.classify.text`` and
``monitor.matching``, the institution's matcher and identity patterns, ``find_pii`` and the whole
``classify()`` run on each adversarial text; the worst time per pattern is printed against the
target (<= 50 ms per 100 KB). Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor import matching  # noqa: E402
from monitor.classify import ClassifierContext, classify, pii, text  # noqa: E402
from monitor.classify.identity import Identity  # noqa: E402
from monitor.config import InstitutionSettings  # noqa: E402
from monitor.models import Mention  # noqa: E402

SIZE = 100_000
TARGET_MS = 50.0
WHOLE = frozenset({"pii.find_pii", "text.prepare", "matching.normalise_for_fingerprint",
                   "matching.Matcher.find_all", "classify()"})  # reported; the target is per pattern
INSTITUTION = InstitutionSettings(
    name="Curio", aliases=("ROC West-Brabant", "Curio mbo"), handles=("@curio_mbo",),
    hashtags=("#curio",), ambiguous_aliases=("Curio",), own_accounts=("curio_mbo",),
    context_words=("mbo", "breda"), exclude_words=("curio collection",),
)
# (prefix, repeated unit, suffix): each unit feeds a quantifier that an old pattern could
# re-scan from every position, or two quantifiers that could trade characters.
SHAPES: tuple[tuple[str, str, str], ...] = (
    ("Curio mbo 1 ", "a-", ""),  # street name run, never a suffix
    ("Curio mbo x@", "a.", "1"),  # e-mail local part / domain run, no top-level domain
    ("Curio mbo ", "a@", ""),
    ("Curio mbo ", "a.", "@"),
    ("Curio mbo ", "-a", "straat"),
    ("Curio mbo ", "a-straat", " 1"),
    ("Curio mbo kerkstraat", " ", "x"),
    ("Curio mbo studentnummer", " ", ":x"),
    ("Curio mbo studentnummer ", ": ", "1"),
    ("Curio mbo ", "1", ""),
    ("Curio mbo ", "1 ", ""),
    ("Curio mbo ", "06-", ""),
    ("Curio mbo ", "0 6 1", ""),
    ("Curio mbo ", "1.", ""),
    ("Curio mbo ", "http://", ""),
    ("Curio mbo ", "www.", ""),
    ("Curio mbo ", "@a", ""),
    ("Curio mbo ", "#", "curio"),
    ("Curio mbo ", "a'", "-"),
    ("Curio mbo roc", " ", "x"),
    ("Curio mbo ROC", "-", "West"),
    ("Curio mbo ", "roc ", ""),
    ("Curio mbo ", "rt ", ""),
    ("Curio mbo ", "é", ""),
    ("Curio mbo ", "\u0441ur\u0456o ", ""),
    ("Curio mbo ", "!?", ""),
    ("", "Curio mbo ", ""),
)


def adversarial_texts(size: int = SIZE) -> Iterator[tuple[str, str]]:
    """``(label, text)`` of about ``size`` characters for each shape."""
    for prefix, unit, suffix in SHAPES:
        body = unit * max(1, (size - len(prefix) - len(suffix)) // len(unit))
        yield f"{prefix!r}+{unit!r}*n+{suffix!r}", prefix + body + suffix


def _module_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for module in (pii, text, matching):
        for name, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern):
                yield f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value


def _consume(pattern: re.Pattern[str]) -> Callable[[str], object]:
    return lambda value: sum(1 for _ in pattern.finditer(value))


def checks() -> list[tuple[str, Callable[[str], object]]]:
    """Every pattern and whole detector to run on a text, by name."""
    found: list[tuple[str, Callable[[str], object]]] = [
        (name, _consume(pattern)) for name, pattern in _module_patterns()]
    identity = Identity.from_institution(INSTITUTION)
    found += [(f"identity.{name}", _consume(pattern))
              for name, pattern in (("strong", identity.strong), ("ambiguous", identity.ambiguous))
              if pattern is not None]
    matcher = matching.Matcher.from_institution(INSTITUTION)
    if matcher._regex is not None:  # the one regex of every alias, handle and hashtag
        regex = matcher._regex
        found.append(("matching.Matcher regex", lambda value: sum(
            1 for _ in regex.finditer(matching.fold(value)))))
    context = ClassifierContext.build(institution=INSTITUTION)
    found += [
        ("matching.Matcher.find_all", matcher.find_all),
        ("matching.normalise_for_fingerprint", matching.normalise_for_fingerprint),
        ("pii.find_pii", lambda value: pii.find_pii(value.lower())),
        ("text.prepare", text.prepare),
        ("classify()", lambda value: classify(_mention(value), context)),
    ]
    return found


def _mention(value: str) -> Mention:
    return Mention(source="bench", external_id="x", url="https://example.org/x", text=value,
                   published_at=datetime(2026, 1, 1, tzinfo=UTC), title=value[:300])


def _best_of(run: Callable[[str], object], value: str, repeats: int) -> float:
    """Milliseconds, the best of ``repeats`` runs (the machine may be shared)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(value)
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def worst_times(size: int = SIZE, repeats: int = 3) -> list[tuple[str, float, str]]:
    """``(check, worst milliseconds, on which text)`` for every check."""
    texts = list(adversarial_texts(size))
    worst = []
    for name, run in checks():
        slowest, label = 0.0, ""
        for text_label, value in texts:
            elapsed = _best_of(run, value, repeats)
            if elapsed > slowest:
                slowest, label = elapsed, text_label
        worst.append((name, slowest, label))
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=SIZE, help="characters per hostile text")
    parser.add_argument("--repeats", type=int, default=3, help="runs per text (the best counts)")
    args = parser.parse_args(argv)
    results = worst_times(args.size, args.repeats)
    width = max(len(name) for name, _, _ in results)
    print(f"worst time per pattern over {len(SHAPES)} hostile texts of {args.size:,} characters "
          f"(best of {args.repeats} runs each)")
    for name, ms, label in results:
        print(f"{name:<{width}}  {ms:8.2f} ms  ({label[:50]})")
    patterns = [r for r in results if r[0] not in WHOLE]
    name, ms, _ = max(patterns, key=lambda r: r[1])
    verdict = "PASS" if ms <= TARGET_MS * args.size / SIZE else "MISS"
    print("\nTargets")
    print(f"{verdict} worst pattern {name}: {ms:.2f} ms per {args.size:,} characters "
          f"target <= {TARGET_MS:.0f} ms per {SIZE:,}")
    classify_ms = next(ms for name, ms, _ in results if name == "classify()")
    print(f"worst classify() per {args.size:,}-character post: {classify_ms:.2f} ms "
          f"(it reads the first {text.MAX_CHARS:,} characters of text and title)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
