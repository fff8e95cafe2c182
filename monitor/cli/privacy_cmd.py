"""``signaleer subject …`` (data-subject requests) and ``retention new-key``; see docs/privacy.md.

``signaleer retention apply`` lives in ``retention_cmd`` (it takes the instance lock) and calls
``monitor.privacy.retention.apply_retention``; ``retention_new_key`` is meant to be attached to that group.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.common import CliError, handle_errors, open_store, settings_from


@click.command("new-key")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@handle_errors
def retention_new_key(file: Path) -> None:
    """Write a new random pseudonym key to FILE (mode 0600; never overwrites).

    Point [retention] pseudonym_key_file at it. Keep it: a new key gives authors new pseudonyms.

    \b
    Example:
      signaleer retention new-key /etc/signaleer/pseudonym-key
    """
    from monitor.privacy.pseudonym import new_key_file

    click.echo(f"wrote a new pseudonym key to {new_key_file(file)}; set "
               f"[retention] pseudonym_key_file = \"{file}\"")


@click.group(short_help="Data-subject requests (AVG art. 15 and 17): export or erase.")
def subject() -> None:
    """Data-subject requests (AVG art. 15 and 17): export or erase what is stored about a person.

    \b
    Examples:
      signaleer subject export @jandevries --out jandevries.json
      signaleer subject erase @jandevries --yes --by anouk
    """


@subject.command("export")
@click.argument("handle")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON here (mode 0600) instead of to standard output.")
@click.option("--by", "actor", help="Who, for the audit log (default: the OS user).")
@click.pass_context
@handle_errors
def subject_export(ctx: click.Context, handle: str, out: Path | None, actor: str | None) -> None:
    """Export all stored data about HANDLE as JSON (posts by them, posts naming them).

    \b
    Example:
      signaleer subject export @jandevries --out jandevries.json
    """
    from monitor.privacy.subjects import export_subject

    settings = settings_from(ctx)
    with open_store(ctx) as store:
        found = export_subject(store, settings.retention, handle, datetime.now(UTC), actor=actor)
    if out is None:
        click.echo(found.to_json(), nl=False)
        return
    _write_private(out, found.to_json())
    click.echo(f"wrote {len(found.authored)} authored and {len(found.mentioned_in)} other "
               f"mention(s) to {out}", err=True)


def _write_private(path: Path, content: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(path, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}", 2) from None


def _interactive() -> bool:
    return sys.stdin.isatty()


@subject.command("erase")
@click.argument("handle")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed when not interactive).")
@click.option("--by", "actor", help="Who, for the audit log (default: the OS user).")
@click.pass_context
@handle_errors
def subject_erase(ctx: click.Context, handle: str, yes: bool, actor: str | None) -> None:
    """Erase HANDLE: delete their posts, replace the handle in other posts, unsent digests too.

    \b
    Example:
      signaleer subject erase @jandevries --yes --by anouk
    """
    from monitor.privacy.subjects import erase_subject, preview_erasure

    settings = settings_from(ctx)
    with open_store(ctx) as store:
        if not yes:
            if not _interactive():
                raise CliError("refusing to erase without confirmation: not interactive; "
                               "add --yes to erase", 2)
            found = preview_erasure(store, settings.retention, handle)
            click.confirm(f"Erase {handle}: delete {len(found.authored)} mention(s) by them and "
                          f"remove the handle from {len(found.mentioned_in)} other(s)?", abort=True)
        done = erase_subject(store, settings.retention, handle, datetime.now(UTC),
                             language=settings.digest.language, actor=actor)
    click.echo(f"erased {handle}: deleted {done.deleted} mention(s), redacted {done.redacted}, "
               f"removed {done.digest_items_removed} unsent digest item(s), rewrote "
               f"{done.notes_and_reasons} note(s)/reason(s) and the frequent words of "
               f"{done.spikes} spike(s); audit reference {done.subject_ref}")
