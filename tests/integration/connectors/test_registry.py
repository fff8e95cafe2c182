"""Connector kinds come from the ``signaleer.connectors`` entry-point group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from connectors.base import Connector, connector_class, known_kinds, load_connector
from monitor.config import ConnectorSettings
from monitor.errors import ConfigError
from monitor.models import FetchResult

from .conftest import CURIO


def test_built_in_kinds_are_registered() -> None:
    assert {"rss", "mastodon", "bluesky", "x"} <= set(known_kinds())


@pytest.mark.parametrize(
    ("kind", "options", "env"),
    [
        ("rss", {"url": "https://example.nl/feed"}, {}),
        ("mastodon", {"instances": ["https://mastodon.nl"]}, {}),
        ("bluesky", {"handle": "a.bsky.social"}, {"SIGNALEER_BLUESKY_APP_PASSWORD": "pw"}),
        ("x", {}, {"SIGNALEER_X_BEARER_TOKEN": "t"}),
    ],
)
def test_load_each_kind(monkeypatch: pytest.MonkeyPatch, kind: str, options: dict[str, Any],
                        env: dict[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    conn = load_connector(ConnectorSettings(name="n", kind=kind, every=900, options=options),
                          CURIO)
    assert isinstance(conn, Connector)
    assert conn.kind == kind and conn.name == "n"


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as info:
        load_connector(ConnectorSettings(name="n", kind="facebook", every=900), CURIO)
    message = str(info.value)
    assert message.startswith("unknown connector kind 'facebook' (known: ")
    assert "bluesky, mastodon, rss, x" in message


class TwoArgConnector:
    """A third-party connector written against the original two-argument contract."""

    kind: ClassVar[str] = "legacy"

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any]) -> TwoArgConnector:
        return cls(name)

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        return FetchResult((), cursor)


def test_two_argument_from_config_still_works() -> None:
    settings = ConnectorSettings(name="old", kind="legacy", every=60)
    conn = load_connector(settings, CURIO, registry={"legacy": TwoArgConnector})
    assert conn.name == "old"
    assert connector_class("legacy", {"legacy": TwoArgConnector}) is TwoArgConnector
