"""``signaleer classify FILE.jsonl``: one verdict per input line, as JSON lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

import click

from monitor.cli.common import handle_errors, settings_from

if TYPE_CHECKING:
    from monitor.classify import ClassifierContext
    from monitor.jsonl import ParsedLine, Rejected


def verdict_record(line: ParsedLine | Rejected, context: ClassifierContext) -> dict[str, Any]:
    """The output object for one input line: the verdict, or an error for that line."""
    from monitor.classify import classify
    from monitor.jsonl import Rejected

    out: dict[str, Any] = {"line": line.number}
    record: Mapping[str, Any] = line.raw or {}
    if "id" in record:
        out["id"] = record["id"]
    if isinstance(line, Rejected):
        return {**out, "error": line.reason}
    verdict = classify(line.mention, context)
    return {**out, "severity": verdict.severity.value, "score": verdict.score,
            "categories": list(verdict.categories), "reasons": list(verdict.reasons)}


@click.command("classify")
@click.argument("file", type=click.File("r", encoding="utf-8", lazy=False))
@click.option("--language", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the reasons (default: classifier.language, else digest.language).")
@click.pass_context
@handle_errors
def classify_cmd(ctx: click.Context, file: TextIO, language: str | None) -> None:
    """Classify mentions from a JSON-lines FILE ('-' for stdin); print one verdict per line.

    Each input line is a mention object; only "text" is required ("id", "source", "url",
    "published_at", "author", "author_followers", "title" and "lang" are used when present).
    Each output line has the input's "line" and "id", plus "severity", "score", "categories"
    and "reasons" - or an "error" for a line that could not be read (then the exit code is 1).

    \b
    Example:
      signaleer classify mentions.jsonl > verdicts.jsonl
      echo '{"id": 1, "text": "Brand bij Curio in Breda, school ontruimd"}' | signaleer classify -
    """
    import json

    from monitor.classify import ClassifierContext
    from monitor.jsonl import iter_lines

    context = ClassifierContext.from_settings(settings_from(ctx))
    if language:
        context = context.with_language(language)
    errors = 0
    for line in iter_lines(file, text_only=True):
        record = verdict_record(line, context)
        errors += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False))
    if errors:
        click.echo(f"signaleer: {errors} line(s) could not be classified (see \"error\")",
                   err=True)
        ctx.exit(1)
