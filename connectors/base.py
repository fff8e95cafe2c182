"""The connector contract, the registry of connector kinds, and option parsing.

A connector turns one configured source into :class:`~monitor.models.FetchResult` values::

    class MyConnector:
        kind: ClassVar[str] = "my"

        @classmethod
        def from_config(cls, name, options, institution) -> Self: ...   # raises ConfigError
        def fetch(self, cursor) -> FetchResult: ...                      # network only, no DB
        require_match: bool   # keep only the records that name the institution

Connectors return plain records, every one they fetched; the pipeline matches them against the
institution's names once and, when ``require_match``, drops those that name none.

Built-in and third-party connectors register the same way, in ``pyproject.toml``::

    [project.entry-points."signaleer.connectors"]
    rss = "connectors.rss:RssConnector"

``fetch`` must not write anywhere: the framework stores ``FetchResult.new_cursor`` in the same
transaction as the mentions it covers. It raises :class:`RetriableFetchError` (timeouts, 429,
5xx) or :class:`FatalFetchError` (401, 404, a hostile feed) with context.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from connectors.http import Http, HttpPolicy, HttpResponse, retry_after_seconds
from monitor.config import ConnectorSettings, InstitutionSettings
from monitor.configschema import check_keys, opt_bool, opt_float, opt_int, opt_str, opt_str_list
from monitor.configschema import read_secret as _read_secret
from monitor.errors import ConfigError
from monitor.models import FetchResult

__all__ = [
    "ENTRY_POINT_GROUP",
    "Connector",
    "Http",
    "HttpPolicy",
    "HttpResponse",
    "Options",
    "connector_class",
    "known_kinds",
    "load_connector",
    "retry_after_seconds",
]

ENTRY_POINT_GROUP = "signaleer.connectors"


@runtime_checkable
class Connector(Protocol):
    """One configured source. ``name`` is the connector's name from the config."""

    kind: ClassVar[str]
    name: str
    require_match: bool

    @classmethod
    def from_config(
        cls, name: str, options: Mapping[str, Any], institution: InstitutionSettings
    ) -> Self: ...

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult: ...


# ----------------------------------------------------------------------------- registry


@functools.cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_kinds() -> tuple[str, ...]:
    """Every connector kind installed in this environment, sorted."""
    return tuple(sorted(_entry_points()))


def connector_class(kind: str, registry: Mapping[str, Any] | None = None) -> type[Connector]:
    """The class registered for ``kind``; ``registry`` (kind -> class) overrides entry points."""
    if registry is not None and kind in registry:
        return registry[kind]
    eps = _entry_points()
    if kind not in eps:
        known = sorted({*eps, *(registry or {})})
        raise ConfigError(
            f"unknown connector kind {kind!r} (known: {', '.join(known) or 'none installed'})")
    try:
        cls = eps[kind].load()
    except Exception as exc:  # a broken plug-in must not take the daemon down
        raise ConfigError(
            f"connector kind {kind!r}: cannot load {eps[kind].value}: {exc}") from exc
    if getattr(cls, "kind", None) != kind or not callable(getattr(cls, "from_config", None)):
        raise ConfigError(f"connector kind {kind!r}: {eps[kind].value} is not a connector")
    return cls


def load_connector(
    settings: ConnectorSettings,
    institution: InstitutionSettings,
    *,
    registry: Mapping[str, Any] | None = None,
) -> Connector:
    """Build the connector described by ``settings``. Raises ConfigError naming the bad key."""
    cls = connector_class(settings.kind, registry)
    params = inspect.signature(cls.from_config).parameters
    if len(params) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in params.values()):
        return cls.from_config(settings.name, settings.options, institution)
    return cls.from_config(settings.name, settings.options)  # type: ignore[call-arg]


# ----------------------------------------------------------------------------- options


class Options:
    """Typed access to one connector's ``options`` table; errors name the full key."""

    def __init__(self, name: str, raw: Mapping[str, Any], allowed: set[str]) -> None:
        self.name = name
        self.raw = raw
        self.where = f"connectors.{name}.options"
        check_keys(raw, allowed, self.where)

    def key(self, key: str) -> str:
        return f"{self.where}.{key}"

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, default: str = "") -> str:
        return opt_str(self.raw, self.key(key), default).strip()

    def required(self, key: str, why: str = "") -> str:
        value = self.text(key)
        if not value:
            raise ConfigError(f"{self.key(key)}: required{why}")
        return value

    def integer(self, key: str, default: int, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
        return opt_int(self.raw, self.key(key), default, minimum=minimum, maximum=maximum)

    def number(self, key: str, default: float) -> float:
        return opt_float(self.raw, self.key(key), default)

    def flag(self, key: str, default: bool) -> bool:
        return opt_bool(self.raw, self.key(key), default)

    def texts(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        return opt_str_list(self.raw, self.key(key)) if key in self.raw else default

    def url(self, key: str, default: str = "") -> str:
        value = self.text(key, default)
        if value and not value.startswith(("http://", "https://")):
            raise ConfigError(f"{self.key(key)}: expected an http(s) URL, got {value!r}")
        return value

    def secret(self, key: str, env_name: str) -> str | None:
        """From ``$env_name`` or ``<key>_file`` (relative to the working directory)."""
        return _read_secret(self.raw, self.key(key), env_name, Path.cwd())

    def http_policy(self) -> HttpPolicy:
        d = HttpPolicy()
        return HttpPolicy(
            timeout=self.number("timeout", d.timeout),
            deadline=max(self.number("timeout", d.timeout), d.deadline),
            max_bytes=self.integer("max_mb", d.max_bytes // (1024 * 1024), minimum=1) * 1024 * 1024,
            max_redirects=d.max_redirects,
            retries=self.integer("retries", d.retries, minimum=0, maximum=5),
            max_sleep=d.max_sleep,
            backoff=d.backoff,
        )


HTTP_OPTIONS = frozenset({"timeout", "max_mb", "retries"})
