"""``signaleer classifier ...``: evaluate the classifier on labelled posts (and train it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

import click

from monitor.cli.common import handle_errors, settings_from

if TYPE_CHECKING:
    from monitor.classify.evaluate import EvalResult


@click.group("classifier")
def classifier() -> None:
    """Check and tune the attention classifier.

    \b
    Example:
      signaleer classifier evaluate tests/data/eval_classifier.jsonl
    """


def _print_tables(result: EvalResult, misses: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    overall = Table(title="Needs attention (severity ≥ attention)")
    for col in ("precision", "recall", "F1", "tp", "fp", "fn", "tn"):
        overall.add_column(col, justify="right")
    m = result.overall
    overall.add_row(f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}",
                    *(str(v) for v in (m.tp, m.fp, m.fn, m.tn)))
    console.print(overall)
    cats = Table(title="Per category")
    for col in ("category", "precision", "recall", "F1", "gold", "predicted"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for name, cm in sorted(result.per_category.items()):
        cats.add_row(name, f"{cm.precision:.3f}", f"{cm.recall:.3f}", f"{cm.f1:.3f}",
                     str(cm.tp + cm.fn), str(cm.tp + cm.fp))
    console.print(cats)
    _print_confusion(console, result)
    for miss in result.misses[:misses]:
        v = miss.predicted
        console.print(f"[bold]line {miss.line}[/] gold={miss.gold} got={v.severity.value} "
                      f"{list(v.categories)}: {miss.text[:100]}", markup=True, highlight=False)


def _print_confusion(console: object, result: EvalResult) -> None:
    from rich.table import Table

    table = Table(title="Confusion: gold label × predicted severity")
    table.add_column("gold \\ predicted")
    severities = ("none", "info", "attention", "urgent")
    for sev in severities:
        table.add_column(sev, justify="right")
    for gold in ("attention", "none"):
        table.add_row(gold, *(str(result.confusion.get((gold, s), 0)) for s in severities))
    console.print(table)  # type: ignore[attr-defined]


@classifier.command("evaluate")
@click.argument("file", type=click.File("r", encoding="utf-8", lazy=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--misses", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also list this many misclassified lines.")
@click.pass_context
@handle_errors
def evaluate_cmd(ctx: click.Context, file: TextIO, as_json: bool, misses: int) -> None:
    """Measure the classifier on a labelled JSON-lines FILE ('-' for stdin).

    Each line is a mention object with "text" plus "label" ("attention" or "none") and
    optionally "category" (a string or a list, e.g. "complaint", "praise", "question").
    Prints precision, recall and F1 for needs-attention (severity attention or urgent) and
    per category, plus a confusion table of gold label against predicted severity.

    \b
    Example:
      signaleer classifier evaluate tests/data/eval_classifier.jsonl
      signaleer classifier evaluate labelled.jsonl --json | jq .overall
    """
    import json
    from functools import partial

    from monitor.classify import ClassifierContext, classify
    from monitor.classify.evaluate import evaluate, read_examples

    context = ClassifierContext.from_settings(settings_from(ctx))
    examples = read_examples(file)
    result = evaluate(examples, partial(classify, context=context))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_tables(result, misses)


@classifier.command("train")
@click.option("--min-labels", type=click.IntRange(min=10), default=None,
              help="Override [classifier.model] min_labels (default 200).")
@click.pass_context
@handle_errors
def train_cmd(ctx: click.Context, min_labels: int | None) -> None:
    """Fit the learned model on triaged mentions and make it active.

    Needs the 'ml' extra (scikit-learn) and at least 200 triaged mentions. The rules stay in
    charge: the model may move a verdict one step, with its own reason ("model: 0,91").
    Run 'signaleer reclassify' afterwards to apply it to stored mentions.

    \b
    Example:
      signaleer classifier train
    """
    from monitor.cli.common import open_store
    from monitor.training_job import train_from_triage

    settings = settings_from(ctx)
    with open_store(ctx) as store:
        report = train_from_triage(store, settings, min_labels=min_labels)
    accuracy = report.metrics.get("train_accuracy")
    click.echo(f"trained {report.version} on {report.labels} labels "
               f"({report.attention} needing attention)"
               + (f", training accuracy {accuracy:.3f}" if accuracy is not None else ""))
