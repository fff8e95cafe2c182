"""Small builders for test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.models import Mention

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def mention(i: int = 0, **overrides: Any) -> Mention:
    fields: dict[str, Any] = {
        "source": "rss",
        "external_id": f"item-{i}",
        "url": f"https://nieuws.example.nl/artikel/{i}",
        "text": f"Curio in Breda houdt open dag nummer {i} voor nieuwe studenten",
        "published_at": T0 + timedelta(minutes=i),
        "author": f"auteur{i % 7}",
        "author_followers": 100 * i,
        "title": f"Bericht {i}",
        "lang": "nl",
    }
    fields.update(overrides)
    return Mention(**fields)
