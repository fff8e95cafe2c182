"""Build the working parts (connectors, classifier, matcher) from validated settings.

Shared by the one-shot commands (``collect``, ``demo``) and the daemon, so both run one code path.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from monitor.config import ConnectorSettings, Settings, load_settings
from monitor.errors import ConfigError

if TYPE_CHECKING:
    from monitor.classify.model import TrainedModel
    from monitor.matching import Matcher
    from monitor.pipeline import Classifier, Source
    from monitor.store import Store


def load_checked_settings(path: str | os.PathLike[str] | None, *, connectors: bool = True
                          ) -> Settings:
    """``load_settings`` (which validates every section, ``[classifier]`` included) plus, unless
    ``connectors`` is false, every connector's ``options``, whose rules live with their code.
    Every command, ``doctor`` and a reload load the config this way, so a typo is one line of
    error at once, not a failing job later. Commands that never run a connector (search, show,
    triage, ...) skip building them, which would cost them a third of a second of start-up."""
    settings = load_settings(path)
    if connectors:
        check_parts(settings)
    return settings


def check_parts(settings: Settings) -> None:
    """Validate the options of every connector (enabled or not) and the URL of every alert
    channel. Raises ``ConfigError`` naming the key."""
    build_sources(settings, settings.connectors)
    check_channel_urls(settings)


def check_channel_urls(settings: Settings) -> None:
    """Does Apprise understand each channel's URL? Apprise is imported only when channels are
    configured: commands that never alert do not pay for loading it."""
    if not settings.alerts.channels:
        return
    from monitor.digest.channels import check_channel

    for i, channel in enumerate(settings.alerts.channels):
        check_channel(channel, f"alerts.channels[{i}]")


def select_connectors(settings: Settings, names: Sequence[str], *, all_: bool
                      ) -> list[ConnectorSettings]:
    """The configured connectors to run: by name, or every enabled one with ``all_``."""
    if names:
        return [settings.connector(n) for n in names]
    if all_:
        return [c for c in settings.connectors if c.enabled]
    raise ConfigError("name one or more connectors, or use --all")


def build_sources(settings: Settings, chosen: Sequence[ConnectorSettings]) -> list[Source]:
    from connectors.base import load_connector

    contact = settings.http.contact
    return [load_connector(c, settings.institution, contact=contact) for c in chosen]


def max_ages(settings: Settings) -> dict[str, timedelta]:
    """Each connector's ``max_age``: older items are stored stale (searchable, never news)."""
    return {c.name: timedelta(seconds=c.max_age) for c in settings.connectors}


def build_matcher(settings: Settings) -> Matcher:
    from monitor.matching import Matcher

    return Matcher.from_institution(settings.institution)


def build_classifier(settings: Settings, store: Store | None = None) -> Classifier:
    """Rules from config, plus the active learned model when the store has one (and it is on)."""
    from monitor.classify import ClassifierContext, classify
    from monitor.pipeline import Classifier

    use_model = settings.classifier.model.enabled
    loaded = active_model(store) if store is not None and use_model else None
    model, version = loaded if loaded else (None, "rules")
    context = ClassifierContext.from_settings(settings, model=model)
    return Classifier(lambda mention: classify(mention, context), version)


def active_model(store: Store) -> tuple[TrainedModel, str] | None:
    """The active learned model and its version label, if any."""
    from monitor.classify.model import TrainedModel
    from monitor.store.models import active_model as stored_active_model

    with store.reading() as conn:
        stored = stored_active_model(conn)
    if stored is None:
        return None
    return TrainedModel.from_bytes(stored.blob), f"rules+{stored.version}"
