"""``signaleer demo``: the README's first command works offline, end to end."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli


def test_demo_collects_classifies_and_searches(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("collect demo-") == 5 and "FAILED" not in out
    assert "imported 16 sample social-media posts" in out
    assert "URGENT" in out and "crisiswoord" in out
    assert "mention(s); 'signaleer show ID' for details" in out
    assert (folder / "signaleer-demo.db").exists()
    again = CliRunner().invoke(cli, ["demo", "--dir", str(folder)], catch_exceptions=False)
    assert again.exit_code == 0 and "imported 16" in again.output  # a fresh database each run
