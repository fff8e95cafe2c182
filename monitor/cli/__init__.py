"""The ``signaleer`` command line. Thin: parse, call one library function, print.

Sub-commands are imported lazily (see ``COMMANDS``) so ``signaleer search`` starts fast.
Each module under ``monitor/cli/`` owns one command or command group.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.logsetup import configure_logging, stderr_is_journal, syslog_priority
from monitor.redaction import redact

# command name -> "module:attribute" (a click.Command). Add new commands here.
COMMANDS: dict[str, str] = {
    "config": "monitor.cli.config_cmd:config",
    "db": "monitor.cli.db_cmd:db",
    "import": "monitor.cli.import_cmd:import_cmd",
    "search": "monitor.cli.search_cmd:search",
    "show": "monitor.cli.show_cmd:show",
    "demo": "monitor.cli.demo_cmd:demo",
    "digest": "monitor.cli.digest_cmd:digest",
    "collect": "monitor.cli.collect_cmd:collect",
    "sources": "monitor.cli.collect_cmd:sources",
    "triage": "monitor.cli.triage_cmd:triage",
    "reclassify": "monitor.cli.triage_cmd:reclassify",
    "audit": "monitor.cli.triage_cmd:audit",
    "classify": "monitor.cli.classify_cmd:classify_cmd",
    "classifier": "monitor.cli.classifier_cmd:classifier",
    "subject": "monitor.cli.privacy_cmd:subject",
    "run": "monitor.cli.run_cmd:run",
    "status": "monitor.cli.status_cmd:status",
    "doctor": "monitor.cli.doctor_cmd:doctor",
    "retention": "monitor.cli.retention_cmd:retention",
    "alerts": "monitor.cli.alerts_cmd:alerts",
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="signaleer")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: $SIGNALEER_CONFIG, then the user config dir, then "
                   "/etc/signaleer/signaleer.toml).")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              help="Log line format on stderr.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, log_format: str) -> None:
    """Signaleer: spot public posts and videos about your institution and tell M&C.

    \b
    Example:
      signaleer demo
      signaleer --config signaleer.toml search '"open dag" -afgelast' --since 2026-01-01
    """
    configure_logging(verbose, log_format)
    ctx.obj = {"config_path": config_path}


# an optional extra's package -> how to install it; anything else is a required part
EXTRAS = {"psycopg": "pip install 'signaleer[postgres]'", "sklearn": "pip install 'signaleer[ml]'"}


def missing_part_message(exc: ImportError) -> str:
    """One line for an import that failed: what is missing and how to install it. Under systemd the
    ``<3>`` prefix gives the journal line priority "error"."""
    name = (exc.name or "").split(".")[0] or "a module"
    hint = EXTRAS.get(name, "reinstall: pip install --force-reinstall signaleer")
    prefix = f"<{syslog_priority(logging.ERROR)}>" if stderr_is_journal() else ""
    return (f"{prefix}signaleer: this installation is incomplete: {name!r} cannot be imported "
            f"({redact(str(exc))}); {hint}")


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    try:
        return cli.main(args=argv, prog_name="signaleer", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except ImportError as exc:  # a required part is missing: one clear line, never silence
        click.echo(missing_part_message(exc), err=True)
        sys.exit(70)
    except Exception as exc:
        logging.getLogger("monitor").debug("internal error", exc_info=True)
        click.echo(f"signaleer: internal error: {type(exc).__name__}: {redact(str(exc))} "
                   "(run with -vv for the traceback, and please report it)", err=True)
        sys.exit(70)
    finally:
        logging.shutdown()
