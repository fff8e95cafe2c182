"""Re-run the classifier over stored mentions (after a config change or a new model)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from monitor.pipeline import Classifier
from monitor.store import Store
from monitor.store.mentions import keys_by_id
from monitor.store.verdicts import iter_mention_ids, mentions_by_id, save_verdicts

BATCH = 2000


def reclassify(store: Store, classifier: Classifier, *, since: datetime | None = None,
               ids: list[int] | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Classify stored mentions (all, those published since ``since``, or ``ids``); batch commits.
    Each batch is read, classified with no lock held, then saved in a short transaction."""
    if ids is None:
        with store.reading() as conn:
            ids = iter_mention_ids(conn, since)
    done = 0
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        with store.reading() as conn:
            found = mentions_by_id(conn, part)
        pairs = [(mid, classifier.classify(m)) for mid, m in found]
        with store.transaction() as conn:
            stored = keys_by_id(conn, [mid for mid, _ in pairs])  # erased meanwhile: skip
            save_verdicts(conn, [p for p in pairs if p[0] in stored], version=classifier.version,
                          now=datetime.now(UTC))
        done += len(part)
        if progress is not None:
            progress(len(part))
    return done


def count_to_reclassify(store: Store, since: datetime | None) -> int:
    with store.reading() as conn:
        return len(iter_mention_ids(conn, since))
