"""deploy/: the system user, the units that use it, and log rotation for cron mode, each tried
with the real tool where this machine has it (and CI always does)."""

from __future__ import annotations

import fnmatch
import grp
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing (CI installs it)")
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_every_unit_runs_as_the_static_signaleer_user(unit: Path) -> None:
    text = unit.read_text(encoding="utf-8")
    assert re.search(r"^User=signaleer$", text, re.M) and re.search(r"^Group=signaleer$", text, re.M)
    assert not re.search(r"^DynamicUser=", text, re.M)


def test_sysusers_creates_the_signaleer_system_user(tmp_path: Path) -> None:
    sysusers = tool("systemd-sysusers")
    (tmp_path / "etc").mkdir()
    conf = DEPLOY / "sysusers.d" / "signaleer.conf"
    subprocess.run([sysusers, f"--root={tmp_path}", str(conf)], check=True, capture_output=True,
                   timeout=60)
    entry = next(line.split(":") for line in (tmp_path / "etc" / "passwd").read_text().splitlines()
                 if line.startswith("signaleer:"))
    assert int(entry[2]) < 1000  # a system user
    assert entry[5] == "/var/lib/signaleer" and entry[6] == "/usr/sbin/nologin"


def test_the_cron_log_is_the_one_logrotate_rotates() -> None:
    crontab = (DEPLOY / "crontab.example").read_text(encoding="utf-8")
    logs = set(re.findall(r">> (\S+) 2>&1", crontab))
    pattern = re.search(r"^(/\S+) \{", (DEPLOY / "logrotate" / "signaleer").read_text(), re.M)
    assert logs and pattern and all(fnmatch.fnmatch(log, pattern.group(1)) for log in logs)


def test_logrotate_rotates_the_cron_log(tmp_path: Path) -> None:
    """The shipped snippet, pointed at a folder of ours and at our own user, rotates for real."""
    logrotate = tool("logrotate")
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    logs = tmp_path / "log"
    logs.mkdir(mode=0o750)
    (logs / "signaleer.log").write_text("job collect ok\n")
    conf = tmp_path / "signaleer.logrotate"
    text = (DEPLOY / "logrotate" / "signaleer").read_text(encoding="utf-8")
    text = text.replace("/var/log/signaleer", str(logs)).replace("signaleer signaleer",
                                                                 f"{user} {group}")
    conf.write_text(text)
    conf.chmod(0o644)
    subprocess.run([logrotate, "--force", "--state", str(tmp_path / "state"), str(conf)],
                   check=True, capture_output=True, timeout=60)
    assert (logs / "signaleer.log.1").read_text() == "job collect ok\n"
    fresh = logs / "signaleer.log"
    assert fresh.exists() and fresh.stat().st_size == 0 and fresh.stat().st_mode & 0o777 == 0o640

