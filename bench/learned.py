"""Benchmark the learned signal model: load time, posts scored per second, memory.

Run:  python bench/learned.py --n 20000   [--model FILE]   (default: the model that ships)

Two streams: the labelled evaluation posts (cycled with a varying hashtag) and the seeded
Dutch-like mentions of ``bench/common.py`` cut to about 200 characters (Zipf-distributed words
from a 40,000-word vocabulary, so the per-word cache keeps meeting new words). Each stream is
scored twice from a cold cache: the first pass is the target figure. Tokenising (``prepare``)
is timed separately. Times are CPU time of this process (other load on a shared machine
would inflate wall-clock figures). Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Generator, Target, peak_rss_mb, print_targets  # noqa: E402
from monitor.classify.learned import PACKAGE_FILE, SignalModel  # noqa: E402
from monitor.classify.text import prepare  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval_classifier.jsonl"


def _eval_texts(n: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    return [f"{texts[i % len(texts)]} #{i % 97}" for i in range(n)]


def _generated_texts(n: int) -> list[str]:
    """Seeded Dutch-like mentions cut to about 200 characters (a typical post)."""
    return [m.text[:200].rsplit(" ", 1)[0] for m in Generator(seed=5).mentions(n)]


def _rate(label: str, model: SignalModel, texts: list[str]) -> float:
    """Print and return the microseconds per post of a first (cold cache) pass."""
    start = time.process_time()
    token_lists = [prepare(t).tokens for t in texts]
    prepared = time.process_time() - start
    model.clear_cache()  # start cold, as after loading
    timings = []
    for _ in range(2):
        start = time.process_time()
        for tokens in token_lists:
            model.score(tokens)
        timings.append((time.process_time() - start) / len(texts) * 1e6)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"{label}: {len(texts):,} posts, mean {chars:.0f} chars; score {1e6 / timings[0]:,.0f} "
          f"posts/s ({timings[0]:.1f} µs/post; {timings[1]:.1f} µs/post once every word is cached), "
          f"prepare {prepared / len(texts) * 1e6:.1f} µs/post")
    return timings[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="posts per stream")
    parser.add_argument("--model", type=Path, default=ROOT / "monitor" / "classify" / PACKAGE_FILE)
    args = parser.parse_args(argv)
    data = args.model.read_bytes()
    start = time.process_time()
    model = SignalModel.from_bytes(data)
    loaded = time.process_time() - start
    print(f"model: {args.model.name}, {len(data) / 1e6:.2f} MB compressed, "
          f"{len(model.weights):,} features, heads {', '.join(model.heads)}")
    print(f"load time: {loaded * 1000:.0f} ms; RSS after load: {peak_rss_mb():.0f} MB")
    eval_us = _rate("evaluation posts", model, _eval_texts(args.n))
    generated_us = _rate("generated mentions", model, _generated_texts(args.n))
    print_targets([
        Target("load time", loaded * 1000, 1000, unit=" ms"),
        Target("score an evaluation post (cold word cache)", eval_us, 60, unit=" µs"),
        Target("score a ~200-char generated mention (cold word cache)", generated_us, 60, unit=" µs"),
        Target("peak RSS", peak_rss_mb(), 300, unit=" MB"),
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
