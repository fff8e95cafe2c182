"""Small typed accessors for TOML tables; each failure is a one-line ``ConfigError``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from monitor.redaction import remember_secret

_EVERY = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def check_keys(table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    allowed = set(allowed)
    for key in table:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            hint = ", ".join(sorted(allowed))
            shown = key if key.isprintable() and key.strip() == key and key else repr(key)
            raise ConfigError(f"{prefix}{shown[:60]}: unknown key (allowed here: {hint})")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def opt_table(t: Mapping[str, Any], key: str, *, where: str | None = None) -> dict[str, Any]:
    value = t.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where or key}: expected a table, got {_show(value)}")
    return value


def opt_str(t: Mapping[str, Any], dotted: str, default: str) -> str:
    value = t.get(dotted.rsplit(".", 1)[-1], default)
    if not isinstance(value, str):
        raise ConfigError(f"{dotted}: expected a string, got {_show(value)}")
    return value


def opt_bool(t: Mapping[str, Any], dotted: str, default: bool) -> bool:
    value = t.get(dotted.rsplit(".", 1)[-1], default)
    if not isinstance(value, bool):
        raise ConfigError(f"{dotted}: expected true or false, got {_show(value)}")
    return value


def opt_int(
    t: Mapping[str, Any], dotted: str, default: int, *, minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    value = t.get(dotted.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{dotted}: expected a whole number, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{dotted}: must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{dotted}: must be at most {maximum}, got {value}")
    return value


def opt_float(t: Mapping[str, Any], dotted: str, default: float) -> float:
    value = t.get(dotted.rsplit(".", 1)[-1], default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{dotted}: expected a number, got {_show(value)}")
    return float(value)


def opt_str_list(t: Mapping[str, Any], dotted: str) -> tuple[str, ...]:
    value = t.get(dotted.rsplit(".", 1)[-1], [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{dotted}: expected a list of strings, got {_show(value)}")
    return tuple(v.strip() for v in value if v.strip())


def parse_every(text: str, dotted: str) -> int:
    """``"15m"`` -> 900. Units: s, m, h, d."""
    match = _EVERY.match(text)
    if not match or int(match.group(1)) == 0:
        raise ConfigError(f"{dotted}: expected an interval like '30s', '15m', '2h' or '1d', "
                          f"got {_show(text)}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_hhmm(text: str, dotted: str) -> str:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise ConfigError(f"{dotted}: expected a time like '07:30', got {_show(text)}")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def read_secret(t: Mapping[str, Any], dotted: str, env_name: str, base: Path) -> str | None:
    """A secret from ``$env_name`` or the file named by ``<key>_file``; never from the file itself."""
    key = dotted.rsplit(".", 1)[-1]
    if key in t:
        raise ConfigError(f"{dotted}: secrets are not read from the config file; "
                          f"set ${env_name} or {dotted}_file")
    from_env = os.environ.get(env_name)
    if from_env:
        remember_secret(from_env)
        return from_env
    file_key = f"{key}_file"
    if file_key not in t:
        return None
    return read_secret_file(t, f"{dotted}_file", base)


def read_secret_file(t: Mapping[str, Any], dotted: str, base: Path) -> str:
    """The stripped content of the file named by the ``*_file`` key ``dotted`` (relative to
    ``base``), remembered as a secret."""
    path = Path(opt_str(t, dotted, ""))
    path = path if path.is_absolute() else base / path
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{dotted}: cannot read {path}: {exc.strerror}") from None
    remember_secret(secret)
    return secret
