"""``signaleer classifier ...``: evaluate the classifier on labelled posts (and train it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from monitor.cli.common import handle_errors, settings_from

if TYPE_CHECKING:
    from monitor.classify.evaluate import EvalResult, Example


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
    _print_misses(result, misses)


def _print_misses(result: EvalResult, misses: int) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for miss in result.misses[:misses]:
        v = miss.predicted
        where = f" ({miss.functionality})" if miss.functionality else ""
        console.print(f"[bold]line {miss.line}[/]{where} gold={miss.gold} "
                      f"got={v.severity.value} {escape(str(list(v.categories)))}: "
                      f"{escape(miss.text[:100])}",
                      markup=True, highlight=False)


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


def _print_pass_rates(result: EvalResult, by: str) -> None:
    """A plain-text table (easy to paste and diff), worst first, then the overall line."""
    import shutil

    from monitor.classify.evaluate import worst_first

    rates = worst_first(result.per_functionality if by == "functionality"
                        else result.pass_by_category)
    name_width = max([len(by), *(len(r.name) for r in rates)])
    head = f"{by:<{name_width}}  lang   expected   cases  passed    rate  category  "
    room = max(30, shutil.get_terminal_size((120, 24)).columns - len(head) - 1)
    click.echo(f"{head}example miss")
    for r in rates:
        agreed = f"{r.category_agreed}/{r.category_cases}" if r.category_cases else "-"
        miss = (r.example_miss or "").replace("\n", " ")
        miss = miss if len(miss) <= room else miss[:room - 1] + "…"
        click.echo(f"{r.name:<{name_width}}  {r.language:<5}  {r.expected:<9}  {r.cases:>5}  "
                   f"{r.passed:>6}  {r.rate:>6.1%}  {agreed:>8}  {miss}".rstrip())
    if not rates:
        click.echo(f"(no case names a {by}; JSON lines may carry a \"functionality\" field)")
    mean = sum(r.rate for r in rates) / len(rates) if rates else 0.0
    rate = result.passed / result.cases if result.cases else 0.0
    kind = {"functionality": "functionalities", "category": "categories"}[by] \
        if len(rates) != 1 else by
    click.echo(f"overall: {result.passed}/{result.cases} cases passed ({rate:.1%}); "
               f"{len(rates)} {kind}, mean pass rate {mean:.1%}")
    click.echo("category: needs-attention cases whose verdict names the expected category "
               "(reported, not needed to pass)")


def _read_input(path: str) -> list[Example]:
    from pathlib import Path

    from monitor.classify.checklist import load_examples
    from monitor.classify.evaluate import read_examples

    target = Path(path)
    if path != "-" and (target.is_dir() or target.suffix == ".toml"):
        return load_examples(target)
    with click.open_file(path, encoding="utf-8") as handle:  # "-" is stdin
        return read_examples(handle)


@classifier.command("evaluate")
@click.argument("path", type=click.Path(exists=True, allow_dash=True))
@click.option("--by", type=click.Choice(["functionality", "category"]), default=None,
              help="Print the pass rate per functionality or per gold category, worst first.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--misses", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also list this many misclassified lines.")
@click.pass_context
@handle_errors
def evaluate_cmd(ctx: click.Context, path: str, by: str | None, as_json: bool,
                 misses: int) -> None:
    """Measure the classifier on labelled posts in PATH.

    PATH is a labelled JSON-lines file ('-' for stdin) or a functional test suite: a directory
    of checklist TOML files such as tests/data/functional, or one such .toml file. Each JSON
    line is a mention object with "text" plus "label" ("attention" or "none") and optionally
    "category" (a string or a list, e.g. "complaint", "praise") and "functionality".
    Prints precision, recall and F1 for needs-attention (severity attention or urgent) and
    per category, plus a confusion table of gold label against predicted severity. With
    --by, prints instead the pass rate (flagged exactly when expected) per functionality or
    per gold category, worst first, with one example miss each.

    \b
    Example:
      signaleer classifier evaluate tests/data/eval_classifier.jsonl
      signaleer classifier evaluate tests/data/functional --by functionality
      signaleer classifier evaluate labelled.jsonl --json | jq .overall
    """
    import json
    from functools import partial

    from monitor.classify import ClassifierContext, classify
    from monitor.classify.evaluate import evaluate

    context = ClassifierContext.from_settings(settings_from(ctx))
    examples = _read_input(path)
    result = evaluate(examples, partial(classify, context=context))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    elif by:
        _print_pass_rates(result, by)
        _print_misses(result, misses)
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
