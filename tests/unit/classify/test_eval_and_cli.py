"""The labelled evaluation set, the metrics, and the CLI commands."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.classify import classify
from monitor.classify.evaluate import Example, confusion_metrics, evaluate, read_examples
from monitor.cli import cli
from monitor.errors import InputError
from monitor.models import Severity, Verdict

from .conftest import make_mention

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval_classifier.jsonl"


@pytest.fixture(scope="module")
def eval_result(context):
    examples = read_examples(EVAL.read_text(encoding="utf-8").splitlines())
    return examples, evaluate(examples, partial(classify, context=context))


def test_eval_set_is_large_and_varied(eval_result):
    examples, _ = eval_result
    assert len(examples) >= 480
    cats = [c for ex in examples for c in ex.categories]
    assert cats.count("praise") + cats.count("question") >= 80
    assert sum(ex.attention for ex in examples) >= 150


def test_needs_attention_precision_and_recall(eval_result):
    _, result = eval_result
    print("overall", result.overall.as_dict())
    for cat in ("praise", "question"):
        print(cat, result.per_category[cat].as_dict())
    assert result.overall.precision >= 0.85
    assert result.overall.recall >= 0.90


def test_praise_and_question_are_measured(eval_result):
    _, result = eval_result
    assert result.per_category["praise"].precision >= 0.8
    assert result.per_category["question"].recall >= 0.8


def test_own_neutral_news_is_not_flagged(eval_result, context):
    examples, _ = eval_result
    own = [ex for ex in examples if ex.mention.author in ("curio_mbo", "curionl")]
    assert len(own) >= 30
    for ex in own:
        assert classify(ex.mention, context).severity.rank < Severity.ATTENTION.rank, ex.line


def test_metrics_arithmetic():
    m = confusion_metrics([(True, True)] * 3 + [(False, True)] + [(True, False)] * 2
                          + [(False, False)] * 4)
    assert (m.tp, m.fp, m.fn, m.tn) == (3, 1, 2, 4)
    assert m.precision == pytest.approx(0.75) and m.recall == pytest.approx(0.6)
    assert m.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert confusion_metrics([]).f1 == 0.0


def test_evaluate_per_category_and_confusion():
    examples = [Example(1, make_mention("a"), True, ("crisis",)),
                Example(2, make_mention("b"), False, ())]
    verdicts = {"a": Verdict(Severity.URGENT, 1.0, ("crisis",)),
                "b": Verdict(Severity.INFO, 0.2, ("crisis",))}
    result = evaluate(examples, lambda m: verdicts[m.text])
    assert result.per_category["crisis"].precision == 0.5
    assert result.confusion == {("attention", "urgent"): 1, ("none", "info"): 1}
    assert result.overall.precision == 1.0


def test_read_examples_reports_line_number():
    with pytest.raises(InputError, match="line 2: label"):
        read_examples(['{"text": "x", "label": "none"}', '{"text": "y", "label": "maybe"}'])


def _run(args, stdin=None):
    return CliRunner().invoke(cli, ["--config", "/dev/null", *args], input=stdin)


def test_cli_classify_stdin_with_ids_and_bad_lines():
    lines = "\n".join([
        json.dumps({"id": "a1", "text": "Brand bij Curio, school ontruimd"}),
        "{not json",
        json.dumps({"id": 3, "title": "no text"}),
        json.dumps({"text": "Wanneer is de open dag van Curio?", "author_followers": -1}),
    ])
    result = _run(["classify", "-"], lines)
    assert result.exit_code == 1, result.output  # lines failed (issue 12.12)
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert rows[0]["id"] == "a1" and rows[0]["severity"] == "urgent"
    assert rows[0]["categories"] == ["crisis"] and rows[0]["reasons"]
    assert rows[1]["line"] == 2 and "invalid JSON" in rows[1]["error"]
    assert rows[2] == {"line": 3, "id": 3, "error": "missing field 'text'"}
    assert "author_followers" in rows[3]["error"]


def test_cli_classify_english_reasons(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"text": "Curio is echt een kutschool"}) + "\n", encoding="utf-8")
    result = _run(["classify", "--language", "en", str(f)])
    assert "offensive word 'kutschool'" in json.loads(result.stdout)["reasons"]


def test_cli_classify_bad_config_is_one_line(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[classifier]\nattention_threshold = 7\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "classify", "-"], input="")
    assert result.exit_code == 2
    assert "classifier.attention_threshold" in result.output and "Traceback" not in result.output


def test_cli_evaluate_json_and_tables(tmp_path):
    f = tmp_path / "eval.jsonl"
    f.write_text("\n".join([
        json.dumps({"text": "Brand bij Curio, ontruimd", "label": "attention",
                    "category": "crisis"}),
        json.dumps({"text": "Trots op Curio, gefeliciteerd!", "label": "none",
                    "category": "praise"}),
    ]), encoding="utf-8")
    as_json = json.loads(_run(["classifier", "evaluate", str(f), "--json"]).stdout)
    assert as_json["overall"]["precision"] == 1.0 and as_json["overall"]["recall"] == 1.0
    assert as_json["per_category"]["praise"]["tp"] == 1
    tables = _run(["classifier", "evaluate", str(f)])
    assert tables.exit_code == 0 and "Confusion" in tables.stdout and "praise" in tables.stdout


def test_cli_evaluate_bad_label_is_an_error(tmp_path):
    f = tmp_path / "eval.jsonl"
    f.write_text(json.dumps({"text": "x", "label": "yes"}), encoding="utf-8")
    result = _run(["classifier", "evaluate", str(f)])
    assert result.exit_code == 2 and "line 1: label" in result.output


@pytest.mark.parametrize("args", [["classify"], ["classifier"], ["classifier", "evaluate"]])
def test_cli_help_has_example(args):
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
