"""Benchmark the digest: arrange + render + inline CSS for N candidate mentions (issue 5).

Run:  python bench/digest.py            (1,000 candidates; target <= 100 ms; also prints sizes)
      python bench/digest.py --tiny     (CI: 20 candidates, one round)

Candidates are synthetic flagged mentions (5 % urgent, 25 % attention, 70 % info, some clusters,
long and hostile texts), so no database is involved: this measures selection in memory, Jinja2 and
css_inline. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import parse_settings  # noqa: E402
from monitor.digest.render import MAX_HTML_BYTES, render_digest  # noqa: E402
from monitor.digest.selection import _Inputs, assign_sections, build_content  # noqa: E402
from monitor.models import Mention, Severity, StoredMention, Verdict  # noqa: E402

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
TEXTS = (
    "Weer geen rooster bij Curio in Breda, de communicatie is echt slecht. " * 3,
    "<script>alert(1)</script> Curio <img src=x onerror=alert(1)> " + "lang bericht " * 300,
    "Journalist van BN DeStem vraagt om reactie van ROC West-Brabant over de brand.",
    "Mooie open dag bij Curio vandaag, top georganiseerd!",
)


def candidate(i: int) -> StoredMention:
    severity = "urgent" if i % 20 == 0 else "attention" if i % 4 == 0 else "info"
    categories = {"urgent": ("crisis", "press"), "attention": ("complaint",),
                  "info": ("praise",)}[severity]
    mention = Mention(source=("x", "rss", "mastodon", "youtube")[i % 4], external_id=str(i),
                      url=f"https://x.example/u{i}/status/{i}", text=TEXTS[i % len(TEXTS)],
                      published_at=NOW - timedelta(minutes=i), author=f"account{i}",
                      author_followers=(i * 7919) % 60_000, extra={"matched_alias": "Curio"})
    verdict = Verdict(Severity(severity), 0.5 + (i % 50) / 100, categories,
                      tuple(f"signaal {c} '{i}'" for c in categories))
    return StoredMention(id=i, mention=mention, collected_at=NOW, verdict=verdict,
                         cluster_id=(i % 37) if i % 3 == 0 else None)


def inputs(n: int) -> _Inputs:
    items = [candidate(i) for i in range(1, n + 1)]
    clusters = {cid: (len([m for m in items if m.cluster_id == cid]), ("x", "rss"))
                for cid in {m.cluster_id for m in items if m.cluster_id is not None}}
    return _Inputs(sections=assign_sections(items), mentions={m.id: m for m in items},
                   spikes=(), open_items=(), clusters=clusters, health=())


def run_once(n: int) -> tuple[float, int]:
    settings = parse_settings({}, None)
    data = inputs(n)  # built outside the timing: this is what storage hands over
    start = time.perf_counter()
    content = build_content(data, settings, date(2026, 3, 2), NOW)
    rendered = render_digest(content, settings.digest.subject_prefix)
    return (time.perf_counter() - start) * 1000, rendered.html_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="candidates to time (default 1000)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tiny", action="store_true", help="20 candidates, one round (CI)")
    args = parser.parse_args()
    n, rounds, sizes = (20, 1, (10, 20)) if args.tiny else (args.n, args.rounds, (100, 1000))
    run_once(min(n, 50))  # warm up: template compilation, imports
    timings = [run_once(n)[0] for _ in range(rounds)]
    print(f"digest render+inline, {n:,} candidates: median {statistics.median(timings):.1f} ms, "
          f"best {min(timings):.1f} ms over {rounds} round(s) (target <= 100 ms)")
    for size in sizes:
        html = run_once(size)[1]
        print(f"HTML size, {size:,} candidates: {html:,} bytes "
              f"({html / MAX_HTML_BYTES:.0%} of the {MAX_HTML_BYTES:,}-byte cap; max_items=50)")


if __name__ == "__main__":
    main()
