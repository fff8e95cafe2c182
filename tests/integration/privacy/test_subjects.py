"""Data-subject export and erasure on both databases: nothing about the person is left behind."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from monitor.config import parse_settings
from monitor.db import audit_log, digest_items, flags, mentions, spikes, triage, verdicts
from monitor.errors import InputError
from monitor.models import Severity, Verdict
from monitor.privacy.retention import apply_retention
from monitor.privacy.subjects import erase_subject, export_subject
from monitor.store import Store
from monitor.store.digests import spikes_for
from tests.integration.privacy.helpers import (
    NOW,
    SETTINGS,
    add,
    assert_fts_consistent,
    audit_rows,
    ids_found,
    judge,
    new_digest,
    snapshot,
    triage_as,
)

HANDLE = "@JanDeVries"


def _scenario(store: Store) -> dict[str, int]:
    ids = {
        "own": add(store, 1, 2, author="JanDeVries", text="Curio Breda brand in lokaal 3"),
        "own_at": add(store, 2, 3, author="@jandevries", text="Curio open dag was leuk"),
        "about": add(store, 3, 2, author="pietpuk", title="Reactie aan @jandevries",
                     text="Wat @JanDeVries zegt over Curio klopt niet, mail jandevries@school.nl"),
        "other": add(store, 4, 2, author="pietpuk", text="Curio Breda heeft een nieuwe jandevriesfan"),
        "unrelated": add(store, 5, 2, author="klaas", text="Curio open dag in Breda"),
    }
    judge(store, ids["own"])
    judge(store, ids["about"], Verdict(Severity.URGENT, 0.8, ("crisis",),
                                       ("reageert op @jandevries",)))
    triage_as(store, ids["own"], "handled", note="gebeld met jandevries")
    triage_as(store, ids["unrelated"], "relevant", note="zie ook @jandevries")
    return ids


def _texts(store: Store) -> str:
    """Every free-text column where a handle could hide, as one lower-case string."""
    with store.reading() as conn:
        parts = [*(f"{r.author} {r.title} {r.text} {r.url} {r.extra}"
                   for r in conn.execute(select(mentions))),
                 *(str(n) for n in conn.execute(select(triage.c.note)).scalars()),
                 *(str(r) for r in conn.execute(select(flags.c.reason)).scalars()),
                 *(json.dumps(r) for r in conn.execute(select(verdicts.c.reasons)).scalars()),
                 *(f"{r.actor} {r.target} {json.dumps(r.details)}"
                   for r in conn.execute(select(audit_log)))]
    return "\n".join(parts).lower()


def test_erase_leaves_no_row_no_search_hit_and_no_audit_trace(store: Store) -> None:
    ids = _scenario(store)
    report = erase_subject(store, SETTINGS, HANDLE, NOW, actor="anouk")
    assert (report.deleted, report.redacted) == (2, 1)
    assert "jandevries" not in _texts(store).replace("jandevriesfan", "")
    assert ids_found(store, "jandevries") == [] and ids_found(store, None, authors=(HANDLE,)) == []
    assert_fts_consistent(store)
    assert ids_found(store, "verwijderd") == [ids["about"]]
    assert ids_found(store, "jandevriesfan") == [ids["other"]]  # another word, left alone
    with store.reading() as conn:
        about = conn.execute(select(mentions).where(mentions.c.id == ids["about"])).one()
    assert about.title == "Reactie aan [verwijderd]" and about.author == "pietpuk"
    assert about.text == "Wat [verwijderd] zegt over Curio klopt niet, mail [verwijderd]"
    (entry,) = audit_rows(store, "erase")
    assert entry.actor == "anouk" and entry.target.startswith("anon:")
    assert entry.details == {"deleted": 2, "redacted": 1, "digest_items_removed": 0,
                             "notes_and_reasons": 3, "spikes": 0}


def test_erase_takes_the_person_out_of_unsent_digests(store: Store) -> None:
    from monitor.digest.delivery import preview

    ids = _scenario(store)
    settings = parse_settings({}, None)
    pending = new_digest(store, [ids["own"], ids["about"]], status="pending", day=0)
    sent = new_digest(store, [ids["unrelated"]], status="sent", day=1)
    _, before = preview(store, settings, NOW + timedelta(minutes=1), NOW.date())
    assert "jandevries" in before.html.lower()
    report = erase_subject(store, SETTINGS, HANDLE, NOW)
    assert report.digest_items_removed == 2
    with store.reading() as conn:
        linked = conn.execute(select(digest_items.c.digest_id, digest_items.c.mention_id)).all()
    assert [tuple(r) for r in linked] == [(sent, ids["unrelated"])]
    content, after = preview(store, settings, NOW + timedelta(minutes=1), NOW.date())
    for part in (after.subject, after.html, after.text):
        assert "jandevries" not in part.lower()
    assert pending and content.digest_date == NOW.date()


def test_export_has_everything_about_the_person_and_audits_without_it(store: Store) -> None:
    ids = _scenario(store)
    before = snapshot(store)
    found = export_subject(store, SETTINGS, "jandevries", NOW, actor="anouk")
    data = json.loads(found.to_json())
    assert [m["id"] for m in data["authored"]] == [ids["own"], ids["own_at"]]
    own = data["authored"][0]
    assert own["author"] == "JanDeVries" and own["verdict"]["severity"] == "urgent"
    assert own["flags"] == [{"category": "crisis", "reason": "noemt brand"}]
    assert own["triage"][0]["status"] == "handled" and "by" not in own["triage"][0]
    assert [m["id"] for m in data["mentioned_in"]] == [ids["about"]]
    assert "author" not in data["mentioned_in"][0]  # other people's data stays out
    after = snapshot(store)
    assert after["mentions"] == before["mentions"]
    (entry,) = audit_rows(store, "export")
    assert entry.details == {"authored": 2, "mentioned_in": 1}
    assert "jandevries" not in f"{entry.target} {entry.actor} {json.dumps(entry.details)}".lower()


def test_pseudonymised_posts_are_still_found_and_erased(store: Store) -> None:
    old = add(store, 1, 40, author="JanDeVries")
    apply_retention(store, SETTINGS, NOW)
    found = export_subject(store, SETTINGS, HANDLE, NOW)
    assert [m["id"] for m in found.authored] == [old]
    assert found.authored[0]["author"].startswith("anon:")
    assert erase_subject(store, SETTINGS, HANDLE, NOW).deleted == 1


def test_nothing_found_changes_nothing_but_is_audited(store: Store) -> None:
    _scenario(store)
    before = snapshot(store)
    report = erase_subject(store, SETTINGS, "@niemand", NOW)
    assert (report.deleted, report.redacted, report.notes_and_reasons) == (0, 0, 0)
    after = snapshot(store)
    assert after["mentions"] == before["mentions"]
    assert after["counts"]["audit_log"] == before["counts"]["audit_log"] + 1


def test_handles_with_like_wildcards_match_literally(store: Store) -> None:
    add(store, 1, 2, author="jan_de_vries")
    add(store, 2, 2, author="janXdeXvries", text="Curio en janXdeXvries")
    assert erase_subject(store, SETTINGS, "jan_de_vries", NOW).deleted == 1
    assert ids_found(store, None, authors=("janXdeXvries",)) != []
    with pytest.raises(InputError, match="too short"):
        erase_subject(store, SETTINGS, "@j", NOW)


def test_erase_drops_the_name_from_spikes_and_pending_digests(store: Store) -> None:
    """Issue 18.6: after erasure ``spikes.top_terms`` still held "jandevries", and so did the
    "frequent words" of a pending digest."""
    ids = _scenario(store)
    pending = new_digest(store, [ids["unrelated"]], status="pending", day=0)
    with store.transaction() as conn:
        for hour, digest_id in ((1, pending), (2, None)):
            conn.execute(insert(spikes).values(
                window_start=NOW - timedelta(hours=hour), window_end=NOW - timedelta(hours=hour - 1),
                count=40, baseline=3.0, detected_at=NOW, digest_id=digest_id,
                top_terms=[["jandevries", 12], ["curio", 30], ["jandevriesfan", 2]],
                sources=[["rss", 40]]))
    report = erase_subject(store, SETTINGS, HANDLE, NOW)
    assert report.spikes == 2
    with store.reading() as conn:
        shown = spikes_for(conn, pending)
        stored = [json.dumps(t) for t in conn.execute(select(spikes.c.top_terms)).scalars()]
    assert len(shown) == 1 and shown[0].top_terms
    assert all("jandevries" not in t.replace("jandevriesfan", "") for t in shown[0].top_terms)
    assert all('"jandevries"' not in terms and '"curio"' in terms for terms in stored)
    assert all("jandevriesfan" in terms for terms in stored)  # another word, as in texts
