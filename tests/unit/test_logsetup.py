"""Log lines for the journal: a syslog priority per line and no second timestamp; a terminal or
a file keeps the timestamp and gets no prefix."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.logsetup import configure_logging, make_formatter, syslog_priority

EMIT = """
import logging, sys
from monitor.logsetup import configure_logging
configure_logging(1, sys.argv[1])
log = logging.getLogger("monitor.test")
log.info("collected 3")
log.warning("source silent")
try:
    raise ValueError("boom")
except ValueError:
    log.exception("job failed")
"""


def emit(tmp_path: Path, fmt: str, *, journal_stream: bool) -> list[str]:
    """Run a child whose stderr is a file; JOURNAL_STREAM names that file, as systemd would."""
    out = tmp_path / f"stderr-{fmt}-{journal_stream}"
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    with out.open("wb") as stderr:
        if journal_stream:
            st = os.fstat(stderr.fileno())
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
        subprocess.run([sys.executable, "-c", EMIT, fmt], stderr=stderr, env=env, check=True,
                       timeout=60)
    return out.read_text(encoding="utf-8").splitlines()


def test_journal_lines_carry_their_priority_and_no_timestamp(tmp_path: Path) -> None:
    lines = emit(tmp_path, "text", journal_stream=True)
    assert lines[0] == "<6>INFO monitor.test: collected 3"
    assert lines[1] == "<4>WARNING monitor.test: source silent"
    assert lines[2] == "<3>ERROR monitor.test: job failed"
    assert len(lines) > 4 and all(line.startswith("<3>") for line in lines[2:])  # the traceback
    assert lines[-1] == "<3>ValueError: boom"


def test_json_lines_for_the_journal_are_prefixed_too(tmp_path: Path) -> None:
    lines = emit(tmp_path, "json", journal_stream=True)
    assert [line[:3] for line in lines] == ["<6>", "<4>", "<3>"]
    assert '"level": "warning"' in lines[1] and '"ts": ' in lines[1]


def test_without_the_journal_text_lines_keep_their_timestamp(tmp_path: Path) -> None:
    lines = emit(tmp_path, "text", journal_stream=False)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING monitor.test: source silent$",
                    lines[1]), lines[1]
    assert not any(line.startswith("<") for line in lines)


@pytest.mark.parametrize(("level", "priority"), [
    (logging.DEBUG, 7), (logging.INFO, 6), (logging.WARNING, 4), (logging.ERROR, 3),
    (logging.CRITICAL, 2), (logging.INFO + 5, 6), (logging.WARNING + 5, 4),
])
def test_levels_map_to_syslog_priorities(level: int, priority: int) -> None:
    assert syslog_priority(level) == priority
    record = logging.LogRecord("x", level, __file__, 1, "a\nb", None, None)
    assert make_formatter(journal=True).format(record).split("\n")[1].startswith(f"<{priority}>")


def test_a_journal_stream_of_another_file_is_not_the_journal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("JOURNAL_STREAM", "1:1")  # set for a parent whose stderr went elsewhere
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(0)
        logging.getLogger("monitor.test").warning("here")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    err = capsys.readouterr().err
    assert "WARNING monitor.test: here" in err and not err.startswith("<")
