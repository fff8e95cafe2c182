"""Train the learned signal model (``monitor/classify/data/signal_model.json.gz``).

Needs scikit-learn (``pip install -e '.[ml]'``). Reads the public corpora (``--corpora``, see
``../shared/corpora/README.md``) and optional project JSON lines (``--extra``), holds out a random
share of every corpus as a dev split, fits two logistic-regression heads (``abuse``,
``negative``) on the features of :func:`monitor.classify.learned.features`, keeps the
``--max-features`` features with the largest weights, refits on those, scores the dev split with
the pure-Python model that ships, and writes the model. Same inputs and seed, same bytes.

    python tools/train_signal_model.py [--corpora DIR] [--extra FILE ...] [--check FILE ...]
                                       [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # noqa: E402
from signal_corpora import Row, corpus_rows, name_mask, project_rows  # noqa: E402
from signal_metrics import dev_report  # noqa: E402
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # noqa: E402

from monitor.classify.learned import SignalModel, features  # noqa: E402
from monitor.classify.text import prepare  # noqa: E402

HEADS = ("abuse", "negative")
DEFAULT_OUT = ROOT / "monitor" / "classify" / "data" / "signal_model.json.gz"
SOURCES = (
    "TweetEval train (offensive: OLID/OffensEval 2019; hate: HatEval 2019)",
    "XED nl-projections and en-annotated (CC BY 4.0)",
    "LDNOOBW nl (CC BY 4.0)", "LUPJE (MIT)", "Pattern nl-sentiment (PDDL)",
    "DutchSentimentAnalysis dictionary (MIT)", "OpeNER nl sentiment lexicons (Apache-2.0)",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="project JSON lines (text, label attention/none, category)")
    parser.add_argument("--check", type=Path, action="append", default=[],
                        help="project JSON lines to report figures on, never trained on")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--mask-names", type=Path, default=ROOT / "config.example.toml",
                        help="a Signaleer config whose [institution] names are blanked out of "
                             "the project lines (they would otherwise become a cue)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--dev-share", type=float, default=0.15)
    parser.add_argument("--max-features", type=int, default=20_000)
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength")
    return parser.parse_args(argv)


def split(rows: Sequence[Row], share: float, seed: int) -> tuple[list[Row], list[Row]]:
    """A random ``share`` of every text corpus is dev; lexicon rows are always training."""
    by_corpus: dict[str, list[Row]] = {}
    for row in rows:
        by_corpus.setdefault(row.corpus, []).append(row)
    train: list[Row] = []
    dev: list[Row] = []
    for corpus in sorted(by_corpus):
        members = by_corpus[corpus]
        if corpus.startswith("lexicon"):
            train += members
            continue
        order = list(range(len(members)))
        random.Random(f"{seed}:{corpus}").shuffle(order)
        cut = round(len(members) * share)
        dev += [members[i] for i in sorted(order[:cut])]
        train += [members[i] for i in sorted(order[cut:])]
    return train, dev


def vectorise(token_lists: Sequence[Sequence[str]], min_df: int) -> tuple[Any, list[str]]:
    """CSR matrix of count / sqrt(features extracted), the scaling the shipped model applies."""
    counted = [Counter(features(tokens)) for tokens in token_lists]
    df = Counter(f for counts in counted for f in counts)
    vocabulary = sorted(f for f, n in df.items() if n >= min_df)
    index = {f: i for i, f in enumerate(vocabulary)}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for counts in counted:
        scale = 1.0 / math.sqrt(sum(counts.values()) or 1)
        for feature, count in counts.items():
            col = index.get(feature)
            if col is not None:
                cols.append(col)
                data.append(count * scale)
        indptr.append(len(cols))
    return csr_matrix((data, cols, indptr), shape=(len(counted), len(vocabulary))), vocabulary


def fit_heads(matrix: Any, rows: Sequence[Row], c: float) -> dict[str, tuple[float, Any]]:
    """One balanced logistic regression per head on the rows labelled for it."""
    fitted = {}
    for head in HEADS:
        picked = [i for i, r in enumerate(rows) if r.label(head) is not None]
        labels = [rows[i].label(head) for i in picked]
        weights = [rows[i].weight for i in picked]
        regression = LogisticRegression(C=c, class_weight="balanced", max_iter=2000,
                                         solver="liblinear", random_state=0)
        regression.fit(matrix[picked], labels, sample_weight=weights)
        fitted[head] = (float(regression.intercept_[0]), regression.coef_[0])
    return fitted


def strongest(fitted: dict[str, tuple[float, Any]], k: int) -> list[int]:
    """Column indices of the ``k`` features with the largest absolute weight in any head."""
    strength = np.max(np.abs(np.vstack([coef for _, coef in fitted.values()])), axis=0)
    order = sorted(range(len(strength)), key=lambda i: (-float(strength[i]), i))
    return sorted(i for i in order[:k] if strength[i] > 0)


def build_model(fitted: dict[str, tuple[float, Any]], vocabulary: Sequence[str],
                info: dict[str, Any]) -> SignalModel:
    weights = {vocabulary[i]: tuple(round(float(fitted[h][1][i]), 4) for h in HEADS)
               for i in range(len(vocabulary))}
    weights = {f: w for f, w in weights.items() if any(w)}
    return SignalModel(heads=HEADS, intercepts=tuple(round(fitted[h][0], 4) for h in HEADS),
                       weights=weights, info=info)


def train(rows: Sequence[Row], args: argparse.Namespace) -> tuple[SignalModel, list[Row]]:
    train_rows, dev_rows = split(rows, args.dev_share, args.seed)
    tokens = [prepare(r.text).tokens for r in train_rows]
    matrix, vocabulary = vectorise(tokens, args.min_df)
    print(f"training rows: {len(train_rows):,}  dev rows: {len(dev_rows):,}  "
          f"features (df >= {args.min_df}): {len(vocabulary):,}")
    kept = strongest(fit_heads(matrix, train_rows, args.c), args.max_features)
    fitted = fit_heads(matrix[:, kept], train_rows, args.c)
    info = {"sources": list(SOURCES), "seed": args.seed, "dev_share": args.dev_share,
            "c": args.c, "train_rows": len(train_rows),
            "extra": [p.name for p in args.extra]}
    return build_model(fitted, [vocabulary[i] for i in kept], info), dev_rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.corpora / "xed_emotion").is_dir():
        print(f"corpora folder not found: {args.corpora} (pass --corpora DIR)", file=sys.stderr)
        return 2
    mask = name_mask(args.mask_names)
    rows = corpus_rows(args.corpora, args.extra, mask)
    model, dev_rows = train(rows, args)
    report = dev_report(model, dev_rows, HEADS)
    if args.check:
        print("\ncheck files (not trained on):")
        dev_report(model, list(project_rows(args.check, mask)), HEADS)
    model = SignalModel(heads=model.heads, intercepts=model.intercepts, weights=model.weights,
                        info={**model.info, "dev": report})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = model.to_bytes()
    args.out.write_bytes(data)
    print(f"wrote {args.out.name}: {len(model.weights):,} features, {len(data) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
