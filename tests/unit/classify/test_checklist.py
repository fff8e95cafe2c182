"""The checklist-style functional suite: loading, expansion, pass rates and the CLI.

These tests check the suite and the measuring, not how well the classifier does on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.classify.checklist import expand, load_examples, load_suite, template_slots
from monitor.classify.evaluate import Example, evaluate, read_examples, worst_first
from monitor.cli import cli
from monitor.errors import InputError
from monitor.models import Mention, Severity, Verdict

from .conftest import make_mention

SUITE = Path(__file__).resolve().parents[2] / "data" / "functional"
AREAS = ("threats_nl", "threats_en", "hate_nl", "hate_en", "profanity", "complaints_nl",
         "complaints_en", "lookalikes_nl", "lookalikes_en", "homonyms")

FLAG = Verdict(Severity.ATTENTION, 0.8, ("threat",))
FLAG_OTHER = Verdict(Severity.URGENT, 0.9, ("crisis",))
CALM = Verdict(Severity.INFO, 0.1, ())


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _fn(name: str = "t", templates: str = '["ik ga {target} wurgen", "{target} 🔪"]',
        extra: str = "", expected: str = "attention", category: str = '"threat"') -> str:
    cat = f"category = {category}\n" if category else ""
    return (f'[[functionality]]\nname = "{name}"\nlanguage = "nl"\nexpected = "{expected}"\n'
            f"{cat}templates = {templates}\n{extra}")


SLOTS = '[nl]\ntarget = ["jou", "de docent", "{group}"]\ngroup = ["moslims", "joden"]\n'


@pytest.fixture()
def suite(tmp_path: Path) -> Path:
    _write(tmp_path, "slots.toml", SLOTS)
    return tmp_path


# --- loading and validation ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    (_fn(templates='["ik ga {doelwit} wurgen"]'),
     r"a\.toml: functionality 't': templates\[0\]: unknown slot \{doelwit\}"),
    (_fn(templates='["ok {target}", "ik ga {target wurgen"]'),
     r"a\.toml: functionality 't': templates\[1\]: bad template"),
    (_fn(templates='["ik ga {target!r} wurgen"]'), r"templates\[0\]: bad slot"),
    (_fn(templates='["ik ga {target.x} wurgen"]'), r"templates\[0\]: bad slot"),
    (_fn(templates='["ik ga {} wurgen"]'), r"templates\[0\]: bad slot"),
    (_fn(templates="[]"), r"functionality 't': templates: expected a non-empty list"),
    (_fn(extra='templats = ["x"]\n'), r"functionality 't': unknown key 'templats'"),
    (_fn(expected="maybe"), r"functionality 't': expected: expected one of attention, none"),
    (_fn(category=""), r"functionality 't': category: required when expected is 'attention'"),
    (_fn(category='"rudeness"'), r"category: expected one of threat, hate"),
    (_fn(expected="none"), r"category: only for expected 'attention'"),
    (_fn(extra="limit = 0\n"), r"functionality 't': limit: expected a whole number >= 1"),
    (_fn(extra="slots.target = []\n"), r"functionality 't': slots: slot 'target': expected"),
    (_fn(extra='slots.target = ["{target}"]\n'), r"slot 'target' refers to itself"),
    ('[[functionality]]\nlanguage = "nl"\n', r"a\.toml: functionality\[0\]: name: required"),
    ("name = 'x'\n", r"a\.toml: unknown key 'name'"),
    ('[slots]\n', r"a\.toml: no \[\[functionality\]\] entries"),
    ("[[functionality]\n", r"a\.toml: invalid TOML"),
])
def test_bad_file_names_file_and_key(suite: Path, text: str, message: str) -> None:
    _write(suite, "a.toml", text)
    with pytest.raises(InputError, match=message):
        load_suite(suite)


def test_bad_shared_slots_are_reported(suite: Path) -> None:
    _write(suite, "a.toml", _fn())
    _write(suite, "slots.toml", SLOTS + "[fr]\ntarget = ['toi']\n")
    with pytest.raises(InputError, match=r"slots\.toml: unknown section \[fr\]"):
        load_suite(suite)


def test_duplicate_names_across_files(suite: Path) -> None:
    _write(suite, "a.toml", _fn())
    _write(suite, "b.toml", _fn())
    with pytest.raises(InputError, match=r"b\.toml: functionality 't': name already used in a"):
        load_suite(suite)


def test_directory_without_files_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no functional test files"):
        load_suite(tmp_path)
    with pytest.raises(InputError, match=r"expected a directory of \.toml files"):
        load_suite(_write(tmp_path, "x.jsonl", "{}"))


def test_slot_lookup_order_and_references(suite: Path) -> None:
    _write(suite, "a.toml", '[slots]\ngroup = ["vrouwen"]\n' + _fn(
        templates='["{target} | {day}"]', extra='slots.day = ["maandag"]\n'))
    (fn,) = load_suite(suite)
    # "{group}" in the shared target list resolves through the file's own [slots] first
    assert fn.slots == {"target": ("jou", "de docent", "vrouwen"), "day": ("maandag",)}


def test_template_slots_in_order_and_escaped_braces() -> None:
    assert template_slots("{a} en {b} en {a} {{niet}}", "x") == ["a", "b"]


# --- expansion ----------------------------------------------------------------------------

def test_small_templates_expand_to_every_combination(suite: Path) -> None:
    _write(suite, "a.toml", _fn())
    examples = load_examples(suite / "a.toml")  # a single file finds slots.toml beside it
    assert [ex.mention.text for ex in examples] == [
        "ik ga jou wurgen", "ik ga de docent wurgen", "ik ga moslims wurgen",
        "ik ga joden wurgen", "jou 🔪", "de docent 🔪", "moslims 🔪", "joden 🔪"]
    first = examples[0]
    assert first.attention and first.categories == ("threat",)
    assert first.functionality == "t" and first.template == "t#1"
    assert examples[-1].template == "t#2" and first.mention.lang == "nl"
    assert [ex.line for ex in examples] == list(range(1, 9))


def test_large_templates_are_capped_and_use_every_value(suite: Path) -> None:
    values = ", ".join(f'"v{i}"' for i in range(10))
    _write(suite, "a.toml", _fn(templates='["{x} {y} 1", "{x} {y} 2", "{x} 3"]',
                                extra=f"limit = 6\nslots.x = [{values}]\nslots.y = [{values}]\n"))
    examples = load_examples(suite)
    per_template = Counter(ex.template for ex in examples)
    assert per_template == {"t#1": 6, "t#2": 6, "t#3": 6}
    used_x = {ex.mention.text.split()[0] for ex in examples}
    used_y = {ex.mention.text.split()[1] for ex in examples if ex.template != "t#3"}
    assert len(used_x) == 10 and len(used_y) == 10


def test_duplicate_texts_are_dropped(suite: Path) -> None:
    _write(suite, "a.toml", _fn(templates='["zelfde {x}", "zelfde {x}", "anders"]',
                                extra='slots.x = ["a", "b"]\n'))
    texts = [ex.mention.text for ex in load_examples(suite)]
    assert texts == ["zelfde a", "zelfde b", "anders"]


_DIGEST = ("import hashlib, sys; from monitor.classify.checklist import load_examples; "
           "print(hashlib.sha256('\\n'.join(e.template + e.mention.text for e in "
           "load_examples(sys.argv[1])).encode()).hexdigest())")


def test_expansion_is_deterministic_across_processes() -> None:
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _DIGEST, str(SUITE)], env=env, check=True,
                             capture_output=True, text=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1
    assert expand(load_suite(SUITE)) == expand(load_suite(SUITE))


# --- pass rates ---------------------------------------------------------------------------

def _example(line: int, text: str, attention: bool, functionality: str | None,
             categories: tuple[str, ...] = (), lang: str | None = "nl") -> Example:
    mention = make_mention(text, external_id=str(line), lang=lang)
    return Example(line, mention, attention, categories, functionality=functionality)


def _judge(mention: Mention) -> Verdict:
    """A fake classifier: 'kill' is flagged as a threat, 'boom' as a crisis, the rest not."""
    if "kill" in mention.text:
        return FLAG
    return FLAG_OTHER if "boom" in mention.text else CALM


def test_pass_rate_arithmetic_per_functionality() -> None:
    examples = [
        _example(1, "kill a", True, "threats", ("threat",)),
        _example(2, "boom b", True, "threats", ("threat",)),  # flagged, wrong category
        _example(3, "quiet c", True, "threats", ("threat",)),  # missed
        _example(4, "quiet d", True, "threats", ("threat",), lang="en"),  # missed
        _example(5, "quiet e", False, "clean"),
        _example(6, "kill f", False, "clean"),  # false alarm
        _example(7, "boom g", True, None, ("crisis",)),  # no functionality
    ]
    result = evaluate(examples, _judge)
    threats, clean = result.per_functionality["threats"], result.per_functionality["clean"]
    assert (threats.cases, threats.passed, threats.rate) == (4, 2, 0.5)
    assert (threats.category_cases, threats.category_agreed) == (4, 1)
    assert threats.example_miss == "quiet c"
    assert (threats.language, threats.expected) == ("mixed", "attention")
    assert (clean.cases, clean.passed, clean.rate, clean.category_cases) == (2, 1, 0.5, 0)
    assert (clean.language, clean.expected, clean.example_miss) == ("nl", "none", "kill f")
    assert set(result.per_functionality) == {"threats", "clean"}
    assert (result.passed, result.cases) == (4, 7)
    by_cat = result.pass_by_category
    assert (by_cat["threat"].passed, by_cat["none"].cases, by_cat["crisis"].rate) == (2, 2, 1.0)
    assert [r.name for r in worst_first(result.per_functionality)] == ["clean", "threats"]
    assert result.misses[0].functionality == "threats"
    as_json = result.as_dict()["per_functionality"]["threats"]
    assert as_json["pass_rate"] == 0.5 and as_json["category_agreed"] == 1


def test_jsonl_records_may_carry_a_functionality() -> None:
    examples = read_examples([
        json.dumps({"text": "kill", "label": "attention", "functionality": "f1", "lang": "en"}),
        json.dumps({"text": "calm", "label": "none"}),
    ])
    assert [ex.functionality for ex in examples] == ["f1", None]
    result = evaluate(examples, _judge)
    assert result.per_functionality["f1"].language == "en"
    with pytest.raises(InputError, match="line 1: functionality: expected a non-empty string"):
        read_examples([json.dumps({"text": "x", "label": "none", "functionality": 3})])


# --- the shipped suite --------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    return load_suite(SUITE), load_examples(SUITE)


def test_shipped_suite_structure(shipped) -> None:  # type: ignore[no-untyped-def]
    functionalities, examples = shipped
    assert {fn.area for fn in functionalities} == set(AREAS)
    assert len(functionalities) >= 45
    assert 1500 <= len(examples) <= 3000
    for fn in functionalities:
        assert len(fn.templates) >= 4, fn.name
        assert len(set(fn.templates)) == len(fn.templates), fn.name
        assert fn.area[-3:] not in ("_nl", "_en") or fn.area.endswith(fn.language), fn.name
        assert (fn.category is not None) == (fn.expected == "attention"), fn.name
        for name, values in fn.slots.items():
            assert values and all(v.strip() and "{" not in v for v in values), (fn.name, name)
    for ex in examples:
        assert "{" not in ex.mention.text and "}" not in ex.mention.text, ex.mention.text
    counts = Counter(ex.functionality for ex in examples)
    assert min(counts.values()) >= 15
    langs = {(fn.category, fn.language) for fn in functionalities}
    for category in ("threat", "hate", "complaint", "offensive"):
        assert {(category, "nl"), (category, "en")} <= langs, category
    clean = [fn for fn in functionalities if fn.expected == "none"]
    assert {fn.language for fn in clean} == {"nl", "en"} and len(clean) >= 15


def test_shipped_suite_has_a_url_with_a_query(shipped) -> None:  # type: ignore[no-untyped-def]
    _, examples = shipped
    assert any("?" in ex.mention.url and not ex.attention for ex in examples)


# --- the CLI ------------------------------------------------------------------------------

def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--config", "/dev/null", "classifier", "evaluate", *args],
                              input=stdin)


def test_cli_by_functionality_on_shipped_suite(shipped) -> None:  # type: ignore[no-untyped-def]
    functionalities, examples = shipped
    result = _run(str(SUITE), "--by", "functionality")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:6] == ["functionality", "lang", "expected", "cases", "passed",
                                    "rate"]
    listed = {line.split()[0] for line in lines[1:] if line and not line.startswith(
        ("overall", "category"))}
    assert listed == {fn.name for fn in functionalities}
    rates = [float(line.split()[5].rstrip("%")) for line in lines[1:len(functionalities) + 1]]
    assert rates == sorted(rates)  # worst first
    assert f"/{len(examples)} cases passed" in result.stdout


def test_cli_json_has_per_functionality(shipped) -> None:  # type: ignore[no-untyped-def]
    functionalities, examples = shipped
    result = _run(str(SUITE), "--json")
    data = json.loads(result.stdout)
    assert set(data["per_functionality"]) == {fn.name for fn in functionalities}
    assert sum(f["cases"] for f in data["per_functionality"].values()) == len(examples)
    assert data["examples"] == len(examples)


def test_cli_single_file_and_by_category() -> None:
    result = _run(str(SUITE / "homonyms.toml"), "--by", "category")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()[:2]
    assert header.split()[0] == "category"
    assert row.split()[:3] == ["none", "mixed", "none"]  # homonyms are nl and en, all clean
    assert "1 category," in result.stdout


def test_cli_jsonl_stdin_by_functionality() -> None:
    lines = "\n".join(json.dumps(r) for r in [
        {"text": "Brand bij Curio, school ontruimd", "label": "attention", "functionality": "fire"},
        {"text": "Trots op Curio!", "label": "none", "functionality": "praise"},
    ])
    result = _run("-", "--by", "functionality", stdin=lines)
    assert result.exit_code == 0, result.output
    assert {line.split()[0] for line in result.stdout.splitlines()[1:3]} == {"fire", "praise"}


def test_cli_bad_suite_file_is_one_line_error(tmp_path: Path) -> None:
    _write(tmp_path, "broken.toml", _fn(templates='["ik ga {wie} slaan"]'))
    result = _run(str(tmp_path))
    assert result.exit_code == 2
    assert "broken.toml: functionality 't': templates[0]: unknown slot {wie}" in result.output
    assert "Traceback" not in result.output


def test_cli_by_functionality_without_functionalities_says_so() -> None:
    result = _run("-", "--by", "functionality",
                  stdin=json.dumps({"text": "Trots op Curio!", "label": "none"}))
    assert result.exit_code == 0, result.output
    assert "no case names a functionality" in result.stdout
    assert "/1 cases passed" in result.stdout  # the overall line still comes
