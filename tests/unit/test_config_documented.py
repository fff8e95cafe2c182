"""Every key in config.example.toml is accepted and explained, and every key the config accepts is
in the example (in the manner of datasette's test that each setting is documented).

The example keeps its ``[classifier]`` block commented out (the defaults apply); these tests switch
it on, so its keys are checked like the others.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from monitor.config import (
    DigestSettings,
    InstitutionSettings,
    RetentionSettings,
    SmtpSettings,
    parse_settings,
)
from monitor.config.alerts import WebSettings, WeeklySettings
from monitor.config.classifier import CATEGORIES
from monitor.errors import ConfigError
from monitor.runtime import check_parts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"
# Tables whose keys are data (categories, languages), not settings: their comment explains them.
DATA_TABLES = ("classifier.weights", "classifier.lexicon")
SECRET_IN_FILE = {"smtp.password", "retention.pseudonym_key"}  # accepted only to refuse them


def example_text() -> str:
    """config.example.toml with its commented-out ``[classifier]`` block switched on."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [classifier]")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("#"))
    block = [line[2:] if line.startswith("# ") else "" for line in lines[start:end]]
    return "\n".join([*lines[:start], *block, *lines[end:]]) + "\n"


def key_paths(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in table.items():
        path = f"{prefix}{key}"
        if path in DATA_TABLES:
            yield path
            continue
        items = value if isinstance(value, list) else [value]
        tables = [v for v in items if isinstance(v, dict)]
        if not tables:
            yield path
        for sub in tables:
            yield from key_paths(sub, path + ".")


def comments_by_section(text: str) -> tuple[dict[str, str], set[str]]:
    """The comments of each top-level section (those just above its first header included), and
    the keys explained by a comment right above them."""
    found: dict[str, str] = defaultdict(str)
    explained: set[str] = set()
    pending: list[str] = []
    section = table = ""
    previous = ""
    trailing = False  # comments straight after a key line belong to that key's section
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("#"):
            trailing = trailing or bool(not pending and previous and not previous.startswith("#"))
            if trailing:
                found[section] += line + "\n"
            else:
                pending.append(line)
        elif line:
            header = re.match(r"\[\[?([\w.]+)", line)
            if header:
                table = header.group(1)
                section = table.split(".")[0]
            key = header or re.match(r"([\w-]+)\s*=", line)
            if key and previous.startswith("#"):
                explained.add(table if header else f"{table}.{key.group(1)}")
            found[section] += "\n".join(pending) + "\n"
            pending.clear()
        trailing = trailing and bool(line)
        previous = line
    return found, explained


def undocumented(text: str) -> list[str]:
    comments, explained = comments_by_section(text)
    explained |= {t for t in DATA_TABLES if any(e.startswith(t + ".") for e in explained)}
    return [path for path in key_paths(tomllib.loads(text)) if path not in explained
            and not re.search(rf"(?<![\w.]){re.escape(path.split('.')[-1])}\b",
                              comments[path.split(".")[0]])]


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMTP_PASSWORD", "BLUESKY_APP_PASSWORD", "X_BEARER_TOKEN", "MASTODON_TOKEN"):
        monkeypatch.setenv(f"SIGNALEER_{name}", "not-a-real-secret")
    monkeypatch.delenv("SIGNALEER_DATABASE_URL", raising=False)


def test_every_key_in_the_example_is_accepted_connector_options_included(secrets: None) -> None:
    settings = parse_settings(tomllib.loads(example_text()), EXAMPLE)
    check_parts(settings)  # every connector's options, enabled or not
    assert "tentamenlek" in settings.classifier.lexicon["nl"]["crisis"]  # the block was read
    assert settings.classifier.model.min_labels == 200


def test_a_key_the_config_does_not_know_is_refused(secrets: None) -> None:
    text = example_text().replace("[classifier.spikes]\n", "[classifier.spikes]\nbasline_days = 3\n")
    with pytest.raises(ConfigError, match=r"classifier\.spikes\.basline_days: unknown key"):
        parse_settings(tomllib.loads(text), EXAMPLE)
    # the example keeps X commented out (its token is needed even while disabled): add it here
    text = example_text() + ('\n[[connectors]]\nname = "x"\nkind = "x"\n'
                             "[connectors.options]\nmax_pages_per_run = 2\n")
    with pytest.raises(ConfigError, match=r"connectors\.x\.options\.max_pages_per_run: unknown"):
        check_parts(parse_settings(tomllib.loads(text), EXAMPLE))


def test_every_key_in_the_example_is_explained_in_a_comment_of_its_section() -> None:
    assert undocumented(example_text()) == []
    assert undocumented("[digest]\n# When it is sent.\ntime = '07:30'\nmax_items = 5\n") == [
        "digest.max_items"]


ACCEPTED = {
    "institution": set(InstitutionSettings.__dataclass_fields__),
    "digest": set(DigestSettings.__dataclass_fields__),
    "smtp": set(SmtpSettings.__dataclass_fields__) | {"password_file"},
    "retention": set(RetentionSettings.__dataclass_fields__) | {"pseudonym_key_file"},
    "weekly": set(WeeklySettings.__dataclass_fields__),
    "web": set(WebSettings.__dataclass_fields__),
}


@pytest.mark.parametrize("section", sorted(ACCEPTED))
def test_every_key_the_config_accepts_is_in_the_example(section: str) -> None:
    text = example_text()
    chunk = comments_by_section(text)[0][section] + "\n".join(
        f"{p}" for p in key_paths(tomllib.loads(text)) if p.startswith(section + "."))
    missing = sorted(key for key in ACCEPTED[section]
                     if f"{section}.{key}" not in SECRET_IN_FILE
                     and not re.search(rf"\b{key}\b", chunk))
    assert missing == []


def test_the_example_weighs_every_category() -> None:
    weights = tomllib.loads(example_text())["classifier"]["weights"]
    assert sorted(weights) == sorted(CATEGORIES)
