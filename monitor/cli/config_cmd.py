"""``signaleer config``: the configuration file itself (the documented example, where it is read)."""

from __future__ import annotations

import click


@click.group()
def config() -> None:
    """The configuration file: a documented example to start from.

    Signaleer reads --config FILE, else $SIGNALEER_CONFIG, else the user config dir
    (~/.config/signaleer/signaleer.toml), else /etc/signaleer/signaleer.toml.

    \b
    Example:
      signaleer config example > signaleer.toml
    """


@config.command()
def example() -> None:
    """Print the documented example configuration (every key, with its default).

    \b
    Examples:
      signaleer config example > ~/.config/signaleer/signaleer.toml
      signaleer config example | sudo install -m 0644 /dev/stdin /etc/signaleer/signaleer.toml
    """
    from monitor.config import example_config

    click.echo(example_config(), nl=False)
