"""Digest helpers for the demo and the CLI: write a preview to a file, list past digests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from monitor.config import Settings
from monitor.digest.delivery import preview
from monitor.private_files import write_private_text
from monitor.store import Store
from monitor.store import digests as db


def write_digest_file(store: Store, settings: Settings, out_dir: str | Path,
                      now: datetime) -> Path:
    """Render today's digest (local date) to ``out_dir/digest-DATE-AUDIENCE.html``.

    Marks nothing: no digest row is claimed and no mention is linked, so the daemon still sends
    these mentions in the real digest, and running the demo twice gives the same file.
    """
    content, rendered = preview(store, settings, now)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{content.digest_date.isoformat()}-{_safe(content.audience)}.html"
    write_private_text(path, rendered.html)
    return path


def list_digests(store: Store, limit: int = 30) -> list[db.DigestRecord]:
    """The most recent digests, newest first, with their item counts."""
    with store.reading() as conn:
        return db.list_digests(conn, limit)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) or "digest"
