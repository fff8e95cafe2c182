"""Retention on both databases: exactly what is due goes, the rest stays, the index follows."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select

from monitor.db import mentions
from monitor.errors import ConfigError
from monitor.models import Severity, Verdict
from monitor.privacy.pseudonym import is_pseudonym, pseudonym
from monitor.privacy.retention import apply_retention
from monitor.store import Store
from tests.integration.privacy.helpers import (
    KEY,
    NONE,
    NOW,
    SETTINGS,
    add,
    add_alert,
    assert_fts_consistent,
    audit_rows,
    ids_found,
    judge,
    new_digest,
    rows_for,
    snapshot,
    triage_as,
)


def _scenario(store: Store) -> dict[str, int]:
    """One mention per case; the word in each text lets a search find exactly that one."""
    ids = {
        "old_unflagged": add(store, 1, 100, text="Curio open dag alfaword in Breda"),
        "old_none_verdict": add(store, 2, 91, text="Curio open dag bravoword in Breda"),
        "young_unflagged": add(store, 3, 10, text="Curio open dag charlieword in Breda"),
        "flagged_kept": add(store, 4, 100, text="Curio brand deltaword in Breda"),
        "flagged_old": add(store, 5, 400, text="Curio brand echoword in Breda"),
        "triaged_relevant": add(store, 6, 100, text="Curio klacht foxtrotword in Breda"),
        "flagged_young": add(store, 7, 5, text="Curio brand golfword in Breda"),
    }
    judge(store, ids["old_none_verdict"], NONE)
    for key in ("flagged_kept", "flagged_old", "flagged_young"):
        judge(store, ids[key])
    triage_as(store, ids["flagged_old"], "handled", note="woordvoerder gebeld")
    triage_as(store, ids["triaged_relevant"], "relevant")
    new_digest(store, [ids["flagged_old"], ids["flagged_kept"]], status="sent", day=300)
    add_alert(store, ids["flagged_old"])
    return ids


def test_retention_deletes_exactly_what_is_due(store: Store) -> None:
    ids = _scenario(store)
    report = apply_retention(store, SETTINGS, NOW)
    assert (report.unflagged.count, report.flagged.count) == (2, 1)
    with store.reading() as conn:
        left = set(conn.execute(select(mentions.c.id)).scalars())
        gone = rows_for(conn, ids["flagged_old"])
        kept = rows_for(conn, ids["flagged_kept"])
    assert left == {ids[k] for k in ("young_unflagged", "flagged_kept", "triaged_relevant",
                                      "flagged_young")}
    assert set(gone.values()) == {0}, gone  # verdict, flags, triage, digest item, alert cascade
    assert kept["verdicts"] == 1 and kept["flags"] == 1 and kept["digest_items"] == 1
    assert report.unflagged.oldest is not None and report.unflagged.oldest < report.unflagged.newest


def test_the_search_index_follows_deletions(store: Store) -> None:
    _scenario(store)
    apply_retention(store, SETTINGS, NOW)
    assert_fts_consistent(store)
    for word in ("alfaword", "bravoword", "echoword"):
        assert ids_found(store, word) == [], word
    for word in ("charlieword", "deltaword", "foxtrotword", "golfword"):
        assert len(ids_found(store, word)) == 1, word


def test_runs_are_audited_with_counts_only(store: Store) -> None:
    _scenario(store)
    apply_retention(store, SETTINGS, NOW, actor="cron")
    (entry,) = audit_rows(store, "retention")
    assert entry.actor == "cron" and entry.target is None
    assert entry.details["unflagged_deleted"] == 2 and entry.details["flagged_deleted"] == 1
    dumped = json.dumps(entry.details)
    assert "auteur" not in dumped and "Curio" not in dumped and "word" not in dumped


def test_dry_run_changes_nothing_and_predicts_the_run(store: Store) -> None:
    _scenario(store)
    for i in range(3):
        add(store, 20 + i, 40, author="jandevries")  # due for pseudonymisation
    before = snapshot(store)
    planned = apply_retention(store, SETTINGS, NOW, dry_run=True)
    assert snapshot(store) == before
    assert planned.dry_run and "dry run, nothing changed" in planned.summary()
    done = apply_retention(store, SETTINGS, NOW)
    assert [(d.count, d.oldest, d.newest) for d in (planned.unflagged, planned.flagged,
                                                    planned.pseudonymised)] == \
           [(d.count, d.oldest, d.newest) for d in (done.unflagged, done.flagged,
                                                    done.pseudonymised)]
    assert (planned.unflagged.count, planned.flagged.count, planned.pseudonymised.count) == (2, 1, 3)


def test_big_deletes_run_in_batches(store: Store) -> None:
    for i in range(25):
        add(store, i, 100 + i)
    keep = add(store, 99, 1)
    report = apply_retention(store, SETTINGS, NOW, batch_size=4)
    assert report.unflagged.count == 25 and report.batches == 7
    with store.reading() as conn:
        assert list(conn.execute(select(mentions.c.id)).scalars()) == [keep]
    assert_fts_consistent(store)


def test_pseudonymised_authors_still_count_and_cluster(store: Store) -> None:
    same = "Curio open dag in Breda was heel gezellig en druk bezocht door ouders"
    authors = ["jandevries", "jandevries", "jandevries", "pietpuk", "pietpuk", "klaas"]
    ids = [add(store, i, 40, author=a, text=same if i < 2 else f"{same} deel {i}")
           for i, a in enumerate(authors)]
    flagged = add(store, 50, 40, author="jandevries", text="Curio brand bij jandevries thuis")
    judge(store, flagged)
    with store.reading() as conn:
        before = {r.id: r.cluster_id for r in conn.execute(select(mentions.c.id, mentions.c.cluster_id))}
    report = apply_retention(store, SETTINGS, NOW)
    assert report.pseudonymised.count == 6
    with store.reading() as conn:
        rows = {r.id: r for r in conn.execute(select(mentions))}
    assert all(is_pseudonym(rows[i].author) for i in ids) and rows[flagged].author == "jandevries"
    assert sorted(Counter(rows[i].author for i in ids).values()) == [1, 2, 3]
    assert rows[ids[0]].author == pseudonym("@JanDeVries", KEY.encode())
    assert {i: r.cluster_id for i, r in rows.items()} == before
    assert ids_found(store, "pietpuk") == [] and ids_found(store, "klaas") == []
    assert ids_found(store, None, authors=("jandevries",)) == [flagged]
    assert len(ids_found(store, None, authors=(rows[ids[0]].author,))) == 3
    assert_fts_consistent(store)
    assert apply_retention(store, SETTINGS, NOW).pseudonymised.count == 0  # idempotent


def test_pseudonyms_reach_the_reasons_too(store: Store) -> None:
    mid = add(store, 1, 40, author="nepcurio")
    judge(store, mid, Verdict(Severity.NONE, 0.1, (), ("lijkt op eigen account: nepcurio",)))
    apply_retention(store, SETTINGS, NOW)
    with store.reading() as conn:
        from monitor.db import verdicts

        reasons = conn.execute(select(verdicts.c.reasons)).scalar_one()
    assert "nepcurio" not in json.dumps(reasons) and "anon:" in reasons[0]


def test_without_a_key_it_deletes_but_does_not_pseudonymise(store: Store) -> None:
    young = add(store, 1, 40, author="jandevries")
    add(store, 2, 100, author="pietpuk")
    report = apply_retention(store, replace(SETTINGS, pseudonym_key=None), NOW)
    assert report.unflagged.count == 1 and report.pseudonymised.count == 0
    assert report.pseudonymise_skipped and "pseudonymisation skipped" in report.summary()
    assert ids_found(store, None, authors=("jandevries",)) == [young]
    (entry,) = audit_rows(store, "retention")
    assert entry.details["pseudonymise_skipped"] == "no pseudonym key configured"


def test_a_short_key_is_refused_before_anything_changes(store: Store) -> None:
    add(store, 1, 100)
    before = snapshot(store)
    with pytest.raises(ConfigError, match="too short"):
        apply_retention(store, replace(SETTINGS, pseudonym_key="kort"), NOW)
    assert snapshot(store) == before
