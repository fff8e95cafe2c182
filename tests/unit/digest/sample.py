"""A fixed digest with every kind of section, for golden-file and size tests (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from monitor.digest.conduct import rules_for
from monitor.digest.model import (
    Cluster,
    CountSection,
    DigestContent,
    DigestItem,
    HealthSection,
    ItemSection,
    SourceHealth,
    SpikeSection,
)
from monitor.digest.text import alias_pattern, excerpt
from monitor.models import Spike

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Amsterdam
NAMES = alias_pattern(["Curio", "ROC West-Brabant"])


def item(i: int, severity: str = "attention", categories: tuple[str, ...] = ("complaint",),
         text: str = "Weer geen rooster bij Curio in Breda, de communicatie is echt slecht.",
         **overrides: object) -> DigestItem:
    fields: dict[str, object] = {
        "mention_id": i, "source": "x", "author": f"student{i}", "followers": 1200 * i,
        "published_at": NOW - timedelta(hours=i), "title": None, "excerpt": excerpt(text, NAMES),
        "url": f"https://x.example/student{i}/status/{1000 + i}", "severity": severity,
        "score": 0.8, "categories": categories,
        "reasons": tuple(f"{c}-signaal" for c in categories), "rules": rules_for(categories),
    }
    fields.update(overrides)
    return DigestItem(**fields)  # type: ignore[arg-type]


def full_content(language: str = "nl") -> DigestContent:
    urgent = item(1, "urgent", ("crisis", "press"), followers=48_000, source="rss",
                  author="Omroep Brabant", title="Brand in schoolgebouw ROC West-Brabant",
                  text="Bij een brand in een schoolgebouw van ROC West-Brabant (nu Curio) ...",
                  url="https://www.omroepbrabant.example/nieuws/1")
    hostile = item(3, text="<script>alert(1)</script> Curio <img src=x onerror=alert(1)>",
                   author="<b>Evil</b> Bcc: x@example.com", url=None)
    sections = (
        ItemSection("urgent", (urgent,), 1),
        ItemSection("attention", (item(2), hostile), 4),
        SpikeSection("spikes", (Spike(7, NOW - timedelta(hours=5), NOW - timedelta(hours=4), 42,
                                      3.5, ("brand", "school"), ("x", "rss")),)),
        ItemSection("share", share_items(), 3, attention=False,
                    more_command="signaleer search --category question"),
        CountSection("other", (("x", 12), ("rss", 3)),
                     (Cluster(9, 6, ("x", "mastodon"), item(9, "info", ("praise",))),)),
        ItemSection("open", (item(5, first_sent_on=date(2026, 2, 27)),), 1),
        HealthSection("health", (
            SourceHealth("bn-destem", "rss", "failing", 4, NOW - timedelta(days=2), None,
                         "server"),
            SourceHealth("x-search", "x", None, 0, NOW, NOW, None))),
    )
    return DigestContent(date(2026, 3, 2), "mc", language, "Curio", "Europe/Amsterdam", NOW,
                         sections)


def share_items() -> tuple[DigestItem, ...]:
    """A praise item and a question, as the "Worth sharing" section lists them."""
    praise = item(11, "info", ("praise", "reach"), source="mastodon", author="@oud_student",
                  text="Wat een mooie diploma-uitreiking bij Curio, dank aan alle docenten!",
                  url="https://mastodon.example/@oud_student/11", reasons=("lofsignaal 'dank'",),
                  actions=("share_thank",), engagement=37, cluster_size=2, score=0.45)
    question = item(12, "info", ("question",), author="ouder12",
                    text="Weet iemand tot wanneer de aanmelding bij Curio open is?",
                    reasons=("vraag over 'aanmelding'",), actions=("answer",), engagement=None,
                    score=0.5)
    return (praise, question)


def empty_content(language: str = "nl") -> DigestContent:
    sections = (
        ItemSection("urgent", (), 0), ItemSection("attention", (), 0),
        SpikeSection("spikes", ()), ItemSection("share", (), 0, attention=False),
        CountSection("other", (), ()), ItemSection("open", (), 0),
        HealthSection("health", (SourceHealth("x-search", "x", None, 0, NOW, NOW, None),)),
    )
    return DigestContent(date(2026, 3, 2), "mc", language, "Curio", "Europe/Amsterdam", NOW,
                         sections)
