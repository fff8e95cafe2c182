"""The shared set-up of the connectors that read a JSON API (Mastodon, Bluesky, X)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from connectors.base import HttpPolicy, Options
from monitor.config import InstitutionSettings
from monitor.models import utc_from_iso


class _Filtered(Protocol):
    require_match: bool


SettingsT = TypeVar("SettingsT", bound=_Filtered)


class ApiConnector(Generic[SettingsT]):
    """Name, validated settings and an HTTP policy. The pipeline matches the records it returns,
    keeping only those that name the institution when the settings ``require_match``.

    A subclass sets ``kind`` and ``OPTIONS`` (the option keys it accepts) and implements
    ``parse_settings(opts, institution)`` and ``fetch(cursor)``. Tests replace ``sleep``.
    """

    kind: ClassVar[str]
    OPTIONS: ClassVar[frozenset[str]]

    def __init__(self, name: str, settings: SettingsT, policy: HttpPolicy | None = None) -> None:
        self.name = name
        self.settings = settings
        self.policy = policy or HttpPolicy()
        self.context = f"{self.kind}:{name}"
        self.sleep: Callable[[float], None] = time.sleep

    @property
    def require_match(self) -> bool:
        """Keep only records that name the institution (the pipeline applies it)."""
        return self.settings.require_match

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any],
                    institution: InstitutionSettings) -> Self:
        opts = Options(name, options, cls.OPTIONS)
        return cls(name, cls.parse_settings(opts, institution), opts.http_policy())

    @classmethod
    def parse_settings(cls, opts: Options, institution: InstitutionSettings) -> SettingsT:
        raise NotImplementedError


def parse_time(value: Any) -> datetime | None:
    """A source's time stamp as UTC, or ``None`` when it is missing or no ISO 8601 date-time."""
    if not isinstance(value, str):
        return None
    try:
        return utc_from_iso(value)
    except ValueError:
        return None
