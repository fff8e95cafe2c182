"""Every collected mention is at least counted: "Other mentions" counts what no section lists,
per source, once (issue 12.7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.digest.delivery import claim, preview
from monitor.digest.model import CountSection, ItemSection
from monitor.store import Store
from tests.factories import mention
from tests.integration.digest.helpers import add_flagged, make_settings


def _other(content) -> CountSection:  # type: ignore[no-untyped-def]
    section = content.section("other")
    assert isinstance(section, CountSection)
    return section


def test_unflagged_mentions_are_counted_once_per_digest(store: Store) -> None:
    settings = make_settings()
    store.insert_new([mention(i, source="krant") for i in range(3)])
    store.insert_new([mention(9, source="fedi")])
    add_flagged(store, [mention(20, source="krant")], "attention")
    now = datetime.now(UTC)
    content, rendered = preview(store, settings, now)
    attention = content.section("attention")
    assert isinstance(attention, ItemSection) and attention.total == 1
    assert dict(_other(content).per_source) == {"krant": 3, "fedi": 1}
    assert attention.total + _other(content).total == 5  # all five collected: none left out
    assert "4 vermelding(en) die geen aandacht vragen: 3 via krant, 1 via fedi." in rendered.text

    claim(store, settings, content.digest_date, now)
    store.insert_new([mention(30, source="krant")])  # collected after that digest was claimed
    tomorrow, _ = preview(store, settings, now + timedelta(days=1))
    assert dict(_other(tomorrow).per_source) == {"krant": 1}  # only what came in since
