"""Pseudonyms, subject references, key files and handle matching: pure functions."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import RetentionSettings
from monitor.errors import ConfigError, InputError
from monitor.privacy.pseudonym import (
    check_key,
    is_pseudonym,
    new_key_file,
    normalise_handle,
    pseudonym,
    subject_ref,
)
from monitor.privacy.retention import RetentionReport, cutoffs_for
from monitor.privacy.subjects import handle_pattern, redactor
from monitor.store.retention import DueSummary

KEY = b"0123456789abcdef0123"


def test_one_author_one_pseudonym_whatever_the_spelling() -> None:
    names = ["JanDeVries", "@jandevries", " @JANDEVRIES ", "jandevries"]
    assert len({pseudonym(n, KEY) for n in names}) == 1
    p = pseudonym("jandevries", KEY)
    assert p.startswith("anon:") and len(p) == 5 + 16 and is_pseudonym(p)
    assert pseudonym(p, KEY) == p  # idempotent
    assert pseudonym("pietpuk", KEY) != p
    assert pseudonym("jandevries", b"another-key-0123456789") != p
    assert normalise_handle(" @Jan_de_Vries ") == "jan_de_vries"


def test_keys() -> None:
    assert check_key(None) is None and check_key("  ") is None
    assert check_key(" " + KEY.decode() + "\n") == KEY
    with pytest.raises(ConfigError, match="too short"):
        check_key("geheim")


def test_subject_references_do_not_contain_the_handle() -> None:
    for key in (KEY, None):
        ref = subject_ref("@JanDeVries", key)
        assert "jan" not in ref.lower() and ref == subject_ref("jandevries", key)
    assert subject_ref("jan", None).startswith("sha256:")


def test_new_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = new_key_file(tmp_path / "key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert check_key(path.read_text()) is not None
    with pytest.raises(InputError, match="refusing to overwrite"):
        new_key_file(path)


@pytest.mark.parametrize(("text", "expected"), [
    ("Wat @JanDeVries zegt", "Wat [x] zegt"),
    ("jandevries: klopt", "[x]: klopt"),
    ("mail jandevries@school.nl.", "mail [x]."),
    ("zie x.com/jandevries/status/1", "zie x.com/[x]/status/1"),
    ("de jandevriesfan en xjandevries blijven", "de jandevriesfan en xjandevries blijven"),
    ("@jandevries @jandevries", "[x] [x]"),
])
def test_redaction_replaces_the_handle_as_a_word(text: str, expected: str) -> None:
    assert redactor("@jandevries", "[x]")(text) == expected


def test_handle_patterns_escape_regex_and_refuse_tiny_handles() -> None:
    assert handle_pattern("j.d+v").search("hoi j.d+v!") and not handle_pattern("j.d+v").search("jxd+v")
    with pytest.raises(InputError):
        handle_pattern(" @ ")


def test_report_summary_names_counts_and_dates() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    due = DueSummary(3, datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
    report = RetentionReport(now, True, cutoffs_for(RetentionSettings(), now), due,
                             DueSummary(0, None, None), due)
    line = report.summary()
    assert line.startswith("would delete 3 (2026-01-02..2026-08-01) unflagged mention(s) published "
                           "before 2026-08-27") and line.endswith("dry run, nothing changed")
    with pytest.raises(ValueError):
        cutoffs_for(RetentionSettings(), datetime(2026, 1, 1))
