"""Every command has help with an example and is in the README's CLI reference."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor.cli import COMMANDS, cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found = []
    for name in sorted(COMMANDS):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        found.append((name, cmd))
        if isinstance(cmd, click.Group):
            found.extend((f"{name} {sub}", cmd.commands[sub]) for sub in sorted(cmd.commands))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=lambda v: str(v))
def test_help_has_an_example(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help"
    assert "Example" in command.help, f"{name}: help has no example"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_the_readme(name: str) -> None:
    assert f"`{name}" in README, f"README's CLI reference lacks `{name}`"


def test_version_and_unknown_command() -> None:
    assert CliRunner().invoke(cli, ["--version"]).exit_code == 0
    result = CliRunner().invoke(cli, ["nonsense"])
    assert result.exit_code == 2 and "No such command" in result.output
