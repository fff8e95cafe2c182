"""The one JSON-lines reader (``import``, ``classify``, the classifier's labelled files) and the one
time-stamp parser (input files, Mastodon, Bluesky)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.api import parse_time
from monitor.jsonl import ParsedLine, Rejected, iter_lines
from monitor.models import utc_from_iso

FULL = {"source": "krant", "external_id": "a1", "url": "https://example.org/a1",
        "text": "Curio opent een nieuwe locatie", "published_at": "2025-03-04T19:22:00+01:00"}


def _read(*objects: object, text_only: bool = False) -> list[ParsedLine | Rejected]:
    lines = [o if isinstance(o, str) else json.dumps(o) for o in objects]
    return list(iter_lines(lines, text_only=text_only))


def test_a_missing_date_is_an_error_naming_the_field_not_1970() -> None:
    without = {k: v for k, v in FULL.items() if k != "published_at"}
    [line] = _read(without)
    assert line == Rejected(1, "missing field 'published_at'", without)


def test_a_full_line_reads_as_bytes_or_text_with_the_date_in_utc() -> None:
    for raw in (json.dumps(FULL), json.dumps(FULL).encode()):
        [line] = list(iter_lines([raw]))
        assert isinstance(line, ParsedLine)
        assert line.mention.published_at == datetime(2025, 3, 4, 18, 22, tzinfo=UTC)
        assert line.mention.external_id == "a1"


def test_text_only_needs_text_and_keys_by_id_or_line_number() -> None:
    lines = _read({"id": 7, "text": "Curio"}, "", {"text": "Curio Breda"}, {"title": "x"},
                  "{bad", text_only=True)
    assert [(type(x).__name__, x.number) for x in lines] == [
        ("ParsedLine", 1), ("ParsedLine", 3), ("Rejected", 4), ("Rejected", 5)]
    assert [x.mention.external_id for x in lines[:2]] == ["7", "3"]
    assert lines[2].reason == "missing field 'text'" and lines[2].raw == {"title": "x"}
    assert lines[3].raw is None and lines[3].reason.startswith("invalid JSON")
    assert lines[0].mention.published_at > datetime.now(UTC) - timedelta(minutes=5)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-04T19:22:00Z", datetime(2025, 3, 4, 19, 22, tzinfo=UTC)),
    ("2025-03-04t19:22:00z", datetime(2025, 3, 4, 19, 22, tzinfo=UTC)),
    ("2025-03-04T19:22:00", datetime(2025, 3, 4, 19, 22, tzinfo=UTC)),
    (" 2025-03-04T21:22:00+02:00 ", datetime(2025, 3, 4, 19, 22, tzinfo=UTC)),
])
def test_time_stamps_become_aware_utc(value: str, expected: datetime) -> None:
    parsed = utc_from_iso(value)
    assert parsed == expected and parsed.tzinfo is UTC
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["gisteren", "", "0001-01-01T00:00:00+14:00", None, 1700000000])
def test_a_bad_time_stamp_is_an_error_or_none_for_a_source(value: object) -> None:
    assert parse_time(value) is None
    if isinstance(value, str):
        with pytest.raises(ValueError):
            utc_from_iso(value)


def test_utc_offsets_other_than_zero_are_converted() -> None:
    assert utc_from_iso("2025-01-01T00:00:00-05:00") == datetime(2025, 1, 1, 5, tzinfo=UTC)
