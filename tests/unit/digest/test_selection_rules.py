"""Section rules, ranking and the size cap, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.config import parse_settings
from monitor.digest import selection
from monitor.digest.render import MAX_HTML_BYTES, render_digest
from monitor.digest.selection import SectionRule, _Inputs, assign_sections, build_content, rank_key
from monitor.models import Mention, Severity, StoredMention, Verdict

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)


def stored(i: int, severity: str, followers: int = 100, categories: tuple[str, ...] = (),
           text: str = "Curio is in het nieuws") -> StoredMention:
    mention = Mention(source="x", external_id=str(i), url=f"https://x.example/{i}", text=text,
                      published_at=NOW, author=f"a{i}", author_followers=followers)
    verdict = Verdict(Severity(severity), 0.5, categories, tuple(f"r{c}" for c in categories))
    return StoredMention(id=i, mention=mention, collected_at=NOW, verdict=verdict)


def test_ranking_is_severity_times_log_reach() -> None:
    items = [stored(1, "attention", 10), stored(2, "attention", 100_000), stored(3, "urgent", 10),
             stored(4, "urgent", 0)]
    # 2 × (1 + log10 100001) = 12 > 3 × (1 + log10 11) ≈ 6.1 > 2 × 2.04 ≈ 4.1 > 3 × 1 = 3.
    # (Sections keep urgent and attention apart; the product orders items within one.)
    assert [m.id for m in sorted(items, key=rank_key)] == [2, 3, 1, 4]


def test_adding_a_section_is_one_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    share = SectionRule("share", lambda m: bool(m.verdict and "praise" in m.verdict.categories))
    monkeypatch.setattr(selection, "SECTION_RULES", (*selection.SECTION_RULES[:2], share,
                                                     *selection.SECTION_RULES[2:]))
    found = assign_sections([stored(1, "info", categories=("praise",)), stored(2, "info")])
    assert found == {1: "share", 2: "other"}


def _inputs(items: list[StoredMention]) -> _Inputs:
    return _Inputs(sections=assign_sections(items), mentions={m.id: m for m in items}, spikes=(),
                   open_items=(), clusters={}, health=())


def test_hostile_volume_stays_under_the_gmail_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The size guard in ``compose`` lists fewer items until the HTML fits."""
    from monitor.digest import delivery

    settings = parse_settings({"digest": {"max_items": 500}}, None)
    huge = "<b>Curio</b> " + "&<>\"' " * 20_000
    items = [stored(i, "attention", categories=("press", "complaint", "crisis"), text=huge)
             for i in range(1, 400)]
    monkeypatch.setattr(delivery, "read_inputs", lambda *args, **kwargs: _inputs(items))
    content, rendered = delivery.compose(None, settings, date(2026, 3, 2), NOW, None)  # type: ignore[arg-type]
    assert rendered.html_bytes <= MAX_HTML_BYTES
    attention = content.section("attention")
    assert attention is not None and attention.hidden > 0  # type: ignore[union-attr]
    assert "signaleer search --flagged --status open" in rendered.html


def test_default_cap_of_fifty_fits() -> None:
    settings = parse_settings({}, None)
    items = [stored(i, "attention", 10_000 * i, ("press", "complaint"), "Curio " + "x" * 400)
             for i in range(1, 61)]
    content = build_content(_inputs(items), settings, date(2026, 3, 2), NOW)
    rendered = render_digest(content, "[Signaleer]")
    assert content.section("attention").hidden == 10  # type: ignore[union-attr]
    assert rendered.html_bytes <= MAX_HTML_BYTES
