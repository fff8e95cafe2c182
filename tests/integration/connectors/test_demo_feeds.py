"""The bundled demo feeds parse cleanly and give the matcher both kinds of item."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.rss import RssConnector
from monitor.classify import ClassifierContext, classify
from monitor.config import InstitutionSettings
from monitor.feedserver import FeedServer

from .conftest import kept as pipeline_keeps

DEMO_FEEDS = Path(__file__).resolve().parents[3] / "monitor" / "demo_data" / "feeds"
DEMO = InstitutionSettings(
    name="Curio", aliases=("ROC West-Brabant", "ROCWB"), handles=("@curio_mbo",),
    hashtags=("#curio", "#rocwestbrabant"), ambiguous_aliases=("Curio",),
    context_words=("mbo", "roc", "school", "opleiding", "student", "studenten", "docent",
                   "docenten", "breda", "roosendaal", "bergen op zoom", "etten-leur",
                   "oosterhout", "rooster", "diploma", "open dag", "inschrijving"),
    exclude_words=("rommelmarkt", "rariteitenkabinet", "antiek", "curiosa"),
)
CONTEXT = ClassifierContext.build(institution=DEMO)


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer(DEMO_FEEDS) as srv:
        yield srv


@pytest.mark.parametrize("name", sorted(p.name for p in DEMO_FEEDS.glob("*.xml")))
def test_demo_feed(server: FeedServer, name: str) -> None:
    conn = RssConnector.from_config("demo", {"url": server.url(name)}, DEMO)
    every = conn.fetch(None)
    kept = pipeline_keeps(conn, every, DEMO)
    assert kept.warnings == () and every.warnings == ()
    assert 0 < len(kept.mentions) <= len(every.mentions)
    # Some items are not about us: matching drops them, or keeps them in doubt and the
    # classifier says they are not about the institution.
    judged = [classify(m, CONTEXT) for m in kept.mentions]
    unrelated = sum(1 for v in judged if not v.categories and v.reasons)
    assert len(every.mentions) - len(kept.mentions) + unrelated > 0
    for mention in kept.mentions:
        assert "\ufffd" not in mention.text and "<" not in mention.text


def test_there_are_several_demo_feeds() -> None:
    assert len(list(DEMO_FEEDS.glob("*.xml"))) >= 5
