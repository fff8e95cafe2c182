"""``signaleer demo``: the README's first command works offline, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from monitor.store.mentions import count


def test_demo_collects_classifies_and_searches(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("collect demo-") == 5 and "FAILED" not in out
    assert "imported 17 sample social-media posts" in out
    assert "URGENT" in out and "crisiswoord" in out and "URGENT [threat]" in out
    assert "mention(s); 'signaleer show ID' for details" in out
    assert (folder / "signaleer-demo.db").exists()
    again = CliRunner().invoke(cli, ["demo", "--dir", str(folder)], catch_exceptions=False)
    assert again.exit_code == 0 and "imported 17" in again.output  # a fresh database each run


def test_every_demo_mention_is_listed_or_counted_in_the_digest(tmp_path: Path) -> None:
    """Issue 12.7: 5 of the demo's 30 mentions appeared nowhere in its digest."""
    folder = tmp_path / "demo"
    CliRunner().invoke(cli, ["demo", "--dir", str(folder)], catch_exceptions=False)
    with Store.open(f"sqlite:///{folder / 'signaleer-demo.db'}") as store, \
            store.reading() as conn:
        stored = count(conn)
    (digest,) = folder.glob("digest-*.html")
    text = re.sub(r"<[^>]+>", "\n", digest.read_text(encoding="utf-8"))
    headings = re.findall(r"^(Urgent|Vraagt aandacht|Om te delen|Overige vermeldingen) \((\d+)\)$",
                          text, re.MULTILINE)
    assert {name for name, _ in headings} >= {"Urgent", "Overige vermeldingen"}
    assert sum(int(n) for _, n in headings) == stored >= 30  # homonyms are kept in doubt too
