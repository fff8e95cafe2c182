"""Shared fixtures: a realistic institution (as in config.example.toml) and a mention factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.classify import ClassifierContext
from monitor.config import InstitutionSettings
from monitor.models import Mention

INSTITUTION = InstitutionSettings(
    name="Curio",
    aliases=("ROC West-Brabant", "ROCWB", "ROC West Brabant"),
    handles=("@curio_mbo", "@curionl"),
    hashtags=("#curio", "#rocwestbrabant"),
    ambiguous_aliases=("Curio",),
    context_words=("mbo", "roc", "school", "opleiding", "student", "studenten", "docent", "breda",
                   "roosendaal", "bergen op zoom", "etten-leur", "oosterhout", "college", "stage"),
    exclude_words=("curiosa", "antiek", "rariteitenkabinet", "curio collection", "hilton"),
    own_accounts=("curio_mbo", "curionl"),
)


@pytest.fixture(scope="session")
def context() -> ClassifierContext:
    return ClassifierContext.build(institution=INSTITUTION, language="nl")


@pytest.fixture(scope="session")
def context_en(context: ClassifierContext) -> ClassifierContext:
    return context.with_language("en")


def make_mention(text: str, **fields: Any) -> Mention:
    return Mention(source=fields.pop("source", "x"), external_id=fields.pop("external_id", "1"),
                   url=fields.pop("url", ""), text=text,
                   published_at=fields.pop("published_at", datetime(2025, 3, 1, tzinfo=UTC)),
                   **fields)


@pytest.fixture()
def mention() -> Callable[..., Mention]:
    return make_mention
