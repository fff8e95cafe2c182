"""Functional test suites in the style of a checklist: TOML templates × slot values -> ``Example``s.

A suite is a directory of TOML files, one per area (``threats_nl.toml``, ``homonyms.toml``, ...),
plus an optional ``slots.toml`` with value lists shared by every area::

    # slots.toml                      # threats_nl.toml
    [common]                          [[functionality]]
    school = ["Curio", "#curio"]      name = "threat_intent_nl"
    [nl]                              language = "nl"
    group = ["moslims", "joden"]      expected = "attention"
    target = ["{group}", "jou"]       category = "threat"
                                      templates = ["ik ga {target} op {school} neersteken", ...]

A slot value that is just ``"{name}"`` stands for all values of slot ``name``. A slot is looked
up in the functionality's own ``slots`` table, then the file's ``[slots]``, then ``slots.toml``
under the functionality's language, then ``[common]``.

Expansion is deterministic: a template whose slot combinations fit within ``limit`` (default 8)
yields all of them; otherwise ``limit`` combinations that walk every slot's values in a fixed,
seeded order, continuing where the previous template of the same functionality stopped, so that
over its templates every value gets a turn. Identical texts within a functionality count once.
"""

from __future__ import annotations

import itertools
import random
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.classify.evaluate import LABELS, Example
from monitor.errors import InputError
from monitor.models import Mention

SHARED_SLOTS = "slots.toml"
LANGUAGES = ("nl", "en")
CATEGORIES = ("threat", "hate", "offensive", "complaint", "crisis")
DEFAULT_LIMIT = 8
PUBLISHED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
_KEYS = {"name", "language", "expected", "category", "templates", "slots", "limit", "url",
         "description"}
_FILE_KEYS = {"functionality", "slots"}
_FORMATTER = string.Formatter()

SlotTable = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Functionality:
    """One behaviour to check: its templates and the resolved values of every slot they use."""

    name: str
    area: str  # the file stem, e.g. "threats_nl"
    language: str
    expected: str  # "attention" or "none"
    category: str | None
    templates: tuple[str, ...]
    slots: SlotTable
    limit: int = DEFAULT_LIMIT
    url: str = ""
    description: str = ""


def suite_files(path: Path) -> list[Path]:
    """The area files of a suite directory (sorted), or the single file given."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.toml") if p.name != SHARED_SLOTS)
        if not files:
            raise InputError(f"{path}: no functional test files (*.toml) found")
        return files
    if path.suffix != ".toml":
        raise InputError(f"{path}: expected a directory of .toml files or a .toml file")
    return [path]


def load_suite(path: str | Path) -> tuple[Functionality, ...]:
    """Read and validate a suite (a directory or one area file); raises ``InputError``."""
    root = Path(path)
    files = suite_files(root)
    shared_path = (root if root.is_dir() else root.parent) / SHARED_SLOTS
    shared: Mapping[str, Any] = {}
    if shared_path.is_file():
        shared = _read_toml(shared_path)
        for section in shared:
            if section not in ("common", *LANGUAGES):
                raise InputError(f"{shared_path}: unknown section [{section}] "
                                 f"(expected common, {', '.join(LANGUAGES)})")
            _slot_table(shared[section], f"{shared_path}: [{section}]")
    result: list[Functionality] = []
    seen: dict[str, Path] = {}
    for file in files:
        for fn in _load_file(file, shared):
            if fn.name in seen:
                raise InputError(f"{file}: functionality {fn.name!r}: name already used in "
                                 f"{seen[fn.name].name}")
            seen[fn.name] = file
            result.append(fn)
    return tuple(result)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from None


def _slot_table(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a table of slot lists")
    table = {}
    for name, values in raw.items():
        if not (isinstance(values, list) and values
                and all(isinstance(v, str) and v.strip() for v in values)):
            raise InputError(f"{where}: slot {name!r}: expected a non-empty list of "
                             "non-empty strings")
        table[name] = tuple(values)
    return table


def _load_file(path: Path, shared: Mapping[str, Any]) -> list[Functionality]:
    raw = _read_toml(path)
    unknown = set(raw) - _FILE_KEYS
    if unknown:
        raise InputError(f"{path}: unknown key {sorted(unknown)[0]!r} "
                         "(expected [[functionality]] and [slots])")
    file_slots = _slot_table(raw.get("slots", {}), f"{path}: [slots]")
    entries = raw.get("functionality")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: no [[functionality]] entries")
    return [_functionality(entry, i, path, file_slots, shared) for i, entry in enumerate(entries)]


def _functionality(entry: Any, index: int, path: Path, file_slots: SlotTable,
                   shared: Mapping[str, Any]) -> Functionality:
    where = f"{path}: functionality[{index}]"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}: name: required, a non-empty string")
    where = f"{path}: functionality {name!r}"
    unknown = set(entry) - _KEYS
    if unknown:
        raise InputError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    language = _choice(entry, "language", LANGUAGES, where)
    expected = _choice(entry, "expected", LABELS, where)
    category = _category(entry.get("category"), expected, where)
    templates = entry.get("templates")
    if not (isinstance(templates, list) and templates
            and all(isinstance(t, str) and t.strip() for t in templates)):
        raise InputError(f"{where}: templates: expected a non-empty list of non-empty strings")
    lookup = [_slot_table(entry.get("slots", {}), f"{where}: slots"), file_slots,
              _slot_table(shared.get(language, {}), f"{SHARED_SLOTS}: [{language}]"),
              _slot_table(shared.get("common", {}), f"{SHARED_SLOTS}: [common]")]
    slots: dict[str, tuple[str, ...]] = {}
    for i, template in enumerate(templates):
        for slot in template_slots(template, f"{where}: templates[{i}]"):
            if slot not in slots:
                slots[slot] = _resolve(slot, lookup, f"{where}: templates[{i}]", ())
    limit = entry.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InputError(f"{where}: limit: expected a whole number >= 1")
    for key in ("url", "description"):
        if not isinstance(entry.get(key, ""), str):
            raise InputError(f"{where}: {key}: expected a string")
    return Functionality(name, path.stem, language, expected, category, tuple(templates), slots,
                         limit, entry.get("url", ""), entry.get("description", ""))


def _category(category: Any, expected: str, where: str) -> str | None:
    if category is not None and category not in CATEGORIES:
        raise InputError(f"{where}: category: expected one of {', '.join(CATEGORIES)}, "
                         f"got {category!r}")
    if expected == "attention" and category is None:
        raise InputError(f"{where}: category: required when expected is 'attention'")
    if expected == "none" and category is not None:
        raise InputError(f"{where}: category: only for expected 'attention'")
    return category


def _choice(entry: Mapping[str, Any], key: str, allowed: Sequence[str], where: str) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise InputError(f"{where}: {key}: expected one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def template_slots(template: str, where: str) -> list[str]:
    """The slot names of a template in order of first use; ``InputError`` if it is malformed."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise InputError(f"{where}: bad template {template!r}: {exc}") from None
    names: list[str] = []
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec or conversion:
            raise InputError(f"{where}: bad slot {{{field_name}}} in {template!r}: "
                             "a slot is a plain name such as {target}")
        if field_name not in names:
            names.append(field_name)
    return names


def _resolve(slot: str, lookup: Sequence[SlotTable], where: str,
             chain: tuple[str, ...]) -> tuple[str, ...]:
    if slot in chain:
        raise InputError(f"{where}: slot {slot!r} refers to itself ({' -> '.join(chain)})")
    values = next((table[slot] for table in lookup if slot in table), None)
    if values is None:
        raise InputError(f"{where}: unknown slot {{{slot}}}" + (
            f" (used by slot {chain[-1]!r})" if chain else ""))
    out: list[str] = []
    for value in values:
        if value.startswith("{") and value.endswith("}") and value[1:-1].isidentifier():
            out.extend(_resolve(value[1:-1], lookup, where, (*chain, slot)))
        else:
            out.append(value)
    return tuple(dict.fromkeys(out))


def _fillings(fn: Functionality, index: int) -> list[dict[str, str]]:
    names = template_slots(fn.templates[index], fn.name)
    if not names:
        return [{}]
    lists = [fn.slots[n] for n in names]
    total = 1
    for values in lists:
        total *= len(values)
    if total <= fn.limit:
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]
    orders = {}
    for name in names:  # one seeded order per slot, shared by all templates of the functionality
        order = list(fn.slots[name])
        random.Random(f"{fn.name}/{name}").shuffle(order)
        orders[name] = order
    start = index * fn.limit
    return [{n: orders[n][(start + j) % len(orders[n])] for n in names}
            for j in range(fn.limit)]


def expand(functionalities: Sequence[Functionality], first_line: int = 1) -> list[Example]:
    """Every case of every functionality as a labelled ``Example``; same input, same output."""
    examples: list[Example] = []
    for fn in functionalities:
        seen: set[str] = set()
        for t, template in enumerate(fn.templates):
            for filling in _fillings(fn, t):
                text = template.format_map(filling)
                if text in seen:
                    continue
                seen.add(text)
                line = first_line + len(examples)
                mention = Mention(source="checklist", external_id=f"{fn.name}/{line}",
                                  url=fn.url, text=text, published_at=PUBLISHED,
                                  lang=fn.language)
                examples.append(Example(line, mention, fn.expected == "attention",
                                        (fn.category,) if fn.category else (),
                                        functionality=fn.name, template=f"{fn.name}#{t + 1}"))
    return examples


def load_examples(path: str | Path) -> list[Example]:
    """``load_suite`` then ``expand``: the labelled cases of a suite directory or file."""
    return expand(load_suite(path))
