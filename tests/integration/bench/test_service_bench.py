"""bench/daemon_idle.py runs tiny, so it cannot rot. No figure is asserted beyond sanity."""

from __future__ import annotations

import pytest

from bench import daemon_idle


@pytest.mark.slow
def test_daemon_idle_runs_and_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    daemon_idle.main(["--seconds", "1", "--settle", "1"])
    out = capsys.readouterr().out
    assert "RSS (MiB)" in out and "CPU (%)" in out and "Targets" in out


def test_proc_figures_reads_this_process() -> None:
    import os

    rss, cpu, threads = daemon_idle.proc_figures(os.getpid())
    assert rss > 1 and cpu > 0 and threads >= 1
