"""The Containerfile, built and run with podman: the daemon runs as the non-root signaleer user,
answers its health check (``signaleer doctor --offline``), keeps its database in the state volume
and stops cleanly on SIGTERM.

Its base image comes from a container registry, which this project's machines cannot reach, so
the build uses the stand-in that ``tools/container_base.sh`` makes from Debian's packages. Without
podman or that image the test is skipped (CI builds the image first and requires the test).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = "localhost/signaleer-base-python:3.11-bookworm"
LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
CONFIG = """[institution]
name = "Curio"
[database]
url = "sqlite:////var/lib/signaleer/signaleer.db"
[digest]
recipients = ["mc@curio.example"]
[smtp]
host = "127.0.0.1"
security = "none"
"""


def podman_command() -> list[str]:
    podman = shutil.which("podman")
    required = os.environ.get("SIGNALEER_TEST_CONTAINER_REQUIRED") == "1"
    if podman is None or subprocess.run([podman, "image", "exists", BASE]).returncode != 0:
        if required:
            pytest.fail(f"podman or the base image {BASE} is missing (tools/container_base.sh)")
        pytest.skip(f"needs podman and {BASE} (run tools/container_base.sh)")
    # runc: crun refuses this machine's mixed cgroup v1/v2 layout
    return [podman, "--runtime", "runc"] if shutil.which("runc") else [podman]


@pytest.fixture
def podman() -> Iterator[tuple[list[str], str]]:
    cmd, name = podman_command(), f"sgn-test-{uuid.uuid4().hex[:8]}"
    yield cmd, name
    for what in (["rm", "-f", name], ["volume", "rm", "-f", f"{name}-state"],
                 ["rmi", "-f", f"localhost/{name}"],
                 ["image", "prune", "-f", "--filter", "label=org.signaleer.stage=build"]):
        subprocess.run([*cmd, *what], capture_output=True, timeout=120)


def sh(cmd: list[str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=900, check=check)


def test_the_image_runs_the_daemon_as_signaleer_with_a_healthy_doctor(
        podman: tuple[list[str], str], tmp_path: Path) -> None:
    cmd, name = podman
    image = f"localhost/{name}"
    sh(cmd, "build", *LIMITS, "--format", "docker", "--build-arg", f"PYTHON_IMAGE={BASE}",
       "-t", image, "-f", str(REPO / "Containerfile"), str(REPO))
    config = tmp_path / "signaleer.toml"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o644)
    tmp_path.chmod(0o755)
    sh(cmd, "run", "-d", *LIMITS, "--name", name, "-v", f"{name}-state:/var/lib/signaleer",
       "-v", f"{config}:/etc/signaleer/signaleer.toml:ro", image)

    for _ in range(120):  # bounded: at most about a minute for the daemon to start
        logs = sh(cmd, "logs", name)
        if "daemon started" in logs.stderr + logs.stdout:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the daemon did not start: " + sh(cmd, "logs", name, check=False).stderr[-2000:])

    assert sh(cmd, "exec", name, "id", "-un").stdout.strip() == "signaleer"
    health = sh(cmd, "inspect", name, "--format", "{{json .Config.Healthcheck.Test}}").stdout
    assert '"signaleer","doctor","--offline"' in health.replace(" ", "")
    assert sh(cmd, "healthcheck", "run", name, check=False).returncode == 0
    doctor = sh(cmd, "exec", name, "signaleer", "doctor", "--offline").stdout
    assert "✓ database: sqlite:////var/lib/signaleer/signaleer.db: reachable, migrated" in doctor

    sh(cmd, "stop", "-t", "90", name)
    assert sh(cmd, "inspect", name, "--format", "{{.State.ExitCode}}").stdout.strip() == "0"
    listing = sh(cmd, "run", "--rm", *LIMITS, "--entrypoint", "ls", "-v",
                 f"{name}-state:/var/lib/signaleer", image, "-l", "/var/lib/signaleer").stdout
    assert "signaleer.db" in listing and " signaleer signaleer " in listing
