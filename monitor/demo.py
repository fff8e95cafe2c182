"""``signaleer demo``: the whole job, offline, on SQLite, in a folder of its own.

It serves the bundled sample feeds on loopback, collects and classifies them, adds a bundled sample of
social-media posts, writes the digest to a file and shows a search. Nothing leaves the machine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from monitor.config import Settings, parse_settings
from monitor.digest.files import write_digest_file
from monitor.pipeline import CollectOutcome, collect_many
from monitor.runtime import build_classifier, build_matcher, build_sources, max_ages
from monitor.store import Store

DEMO_INSTITUTION: dict[str, Any] = {
    "name": "Curio",
    "aliases": ["ROC West-Brabant", "ROCWB"],
    "handles": ["@curio_mbo"],
    "hashtags": ["#curio", "#rocwestbrabant"],
    "ambiguous_aliases": ["Curio"],
    "context_words": ["mbo", "roc", "school", "opleiding", "student", "studenten", "docent",
                      "docenten", "breda", "roosendaal", "bergen op zoom", "etten-leur",
                      "oosterhout", "rooster", "diploma", "open dag", "inschrijving"],
    "exclude_words": ["rommelmarkt", "rariteitenkabinet", "antiek", "curiosa"],
    "own_accounts": ["curio_mbo"],
}


@dataclass(frozen=True, slots=True)
class DemoReport:
    folder: Path
    database_url: str
    outcomes: tuple[CollectOutcome, ...]
    imported: int
    digest_path: Path | None
    config_path: Path | None = None  # the demo's settings, for follow-up commands


def demo_data_dir() -> Path:
    return Path(str(resources.files("monitor") / "demo_data"))


def feed_files() -> list[Path]:
    feeds = demo_data_dir() / "feeds"
    return sorted(p for p in feeds.glob("*.xml")) if feeds.is_dir() else []


# Feeds that show the presets: served at the paths the real services use.
PRESET_FEEDS = {
    "google-news-curio.xml": ("/rss/search", {"preset": "google_news",
                                              "query": '"Curio" OR "ROC West-Brabant"'}),
    "youtube-studentvlogs.xml": ("/feeds/videos.xml", {"preset": "youtube",
                                                      "channel_id": "UCdemo-studentvlogs"}),
}


def feed_routes() -> dict[str, str]:
    return {path: name for name, (path, _opts) in PRESET_FEEDS.items()}


def _connector(path: Path, base: str) -> dict[str, Any]:
    preset = PRESET_FEEDS.get(path.name)
    options = {**preset[1], "base_url": base} if preset else {"url": f"{base}/{path.name}"}
    # The bundled feeds are dated November 2026: keep them news in the demo whatever today is.
    return {"name": f"demo-{path.stem}", "kind": "rss", "every": "15m", "max_age": "36500d",
            "options": options}


def demo_settings(folder: Path, feed_base: str | None) -> Settings:
    connectors = [_connector(p, feed_base) for p in feed_files()] if feed_base else []
    raw: dict[str, Any] = {
        "institution": DEMO_INSTITUTION,
        "database": {"url": f"sqlite:///{folder / 'signaleer-demo.db'}"},
        "digest": {"recipients": ["mc@curio.example"], "output_dir": str(folder)},
        "connectors": connectors,
    }
    return parse_settings(raw, None)


def write_demo_config(folder: Path) -> Path:
    """The demo's settings as a config file, so follow-up commands (``signaleer --config FILE
    search ...``) see the same institution and database as the demo did. Without connectors: the
    demo's feed server stops with the demo."""
    def value(v: Any) -> str:
        return "[" + ", ".join(json.dumps(x) for x in v) + "]" if isinstance(v, list) \
            else json.dumps(v)

    institution = "\n".join(f"{k} = {value(v)}" for k, v in DEMO_INSTITUTION.items())
    home = folder.resolve()
    database = value(f"sqlite:///{home / 'signaleer-demo.db'}")
    path = folder / "signaleer.toml"
    path.write_text(
        "# Written by `signaleer demo`: its settings, for commands run afterwards.\n"
        f"[institution]\n{institution}\n\n[database]\nurl = {database}\n\n"
        f"[digest]\nrecipients = [\"mc@curio.example\"]\noutput_dir = {value(str(home))}\n",
        encoding="utf-8")
    return path


def redated_sample(now: datetime) -> Iterator[bytes]:
    """The bundled social posts, moved so that they happened over the last day."""
    lines = (demo_data_dir() / "sample_mentions.jsonl").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        obj = json.loads(line)
        obj["published_at"] = (now - timedelta(minutes=50 * (len(lines) - i))).isoformat()
        yield (json.dumps(obj, ensure_ascii=False) + "\n").encode()


@contextmanager
def serving_feeds() -> Iterator[str | None]:
    if not feed_files():
        yield None
        return
    from monitor.feedserver import FeedServer

    with FeedServer(demo_data_dir() / "feeds", routes=feed_routes()) as server:
        yield server.base_url


def run_demo(folder: Path, *, on_outcome: Callable[[CollectOutcome], None] | None = None
             ) -> DemoReport:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("signaleer-demo.db*"):
        stale.unlink()
    now = datetime.now(UTC)
    with serving_feeds() as base:
        settings = demo_settings(folder, base)
        store = Store.open(settings.database.url)
        with store:
            classifier = build_classifier(settings, store)
            outcomes = collect_many(store, build_sources(settings, settings.connectors),
                                    classifier=classifier, matcher=build_matcher(settings),
                                    on_done=on_outcome, max_ages=max_ages(settings))
            imported = _import_sample(store, classifier, now)
            digest_path = _write_digest(settings, store, folder, now)
    return DemoReport(folder, settings.database.url, tuple(outcomes), imported, digest_path,
                      write_demo_config(folder))


def _import_sample(store: Store, classifier: Any, now: datetime) -> int:
    import io

    from monitor.importer import Intake, import_stream

    stream = io.BytesIO(b"".join(redated_sample(now)))
    return import_stream(store, stream, intake=Intake(classifier=classifier)).new


def _write_digest(settings: Settings, store: Store, folder: Path, now: datetime) -> Path | None:
    return write_digest_file(store, settings, folder, now)
