"""The import graph: no cycles, and every arrow points down the floors (docs/architecture.md).

Reads the source with ``ast`` (nothing is imported), so a function-level import counts like any
other: it cannot hide a cycle or an upward arrow. Imports under ``if TYPE_CHECKING:`` are left out:
they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("monitor", "connectors", "migrations")

# (room, floor, module prefixes). A module belongs to the room with its longest matching prefix.
# Within a room imports are free (cycles aside); between rooms an arrow points to a lower floor,
# except on the two top floors, where application functions and faces may use each other.
ROOMS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("domain", 0, ("monitor", "monitor.models", "monitor.errors", "monitor.redaction",
                   "monitor.private_files")),
    ("settings", 1, ("monitor.config", "monitor.configschema", "monitor.logsetup")),
    ("matching", 1, ("monitor.matching",)),
    ("records", 1, ("monitor.jsonl",)),
    ("store", 2, ("monitor.store", "monitor.db", "monitor.migrate", "migrations")),
    ("classify", 3, ("monitor.classify",)),
    ("connectors", 3, ("connectors",)),
    ("pipeline", 4, ("monitor.pipeline",)),
    ("digest", 4, ("monitor.digest",)),
    ("privacy", 4, ("monitor.privacy",)),
    ("application", 5, ("monitor.collecting", "monitor.importer", "monitor.reclassify",
                        "monitor.spikes_job", "monitor.training_job", "monitor.hooks",
                        "monitor.status", "monitor.doctor", "monitor.demo", "monitor.feedserver",
                        "monitor.runtime", "monitor.service.jobs", "monitor.service.lock",
                        "monitor.service.pglock", "monitor.service.holder")),
    ("faces", 6, ("monitor.cli", "monitor.__main__", "monitor.scheduler", "monitor.service")),
)
SIDEWAYS_FROM = 5  # floors from which an arrow may also point sideways
STRICT = ("store", "classify", "connectors")  # the rooms the issue names; checked first
STORE_MAY_IMPORT = ("domain", "matching", "store")  # models, errors, pure matching, SQLAlchemy


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports(_wrap(child)))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def _wrap(node: ast.AST) -> ast.AST:
    return ast.Module(body=[node], type_ignores=[])  # type: ignore[list-item]


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, node: ast.Import | ast.ImportFrom, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".")[: len(module.split(".")) - node.level + is_package]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
    for name in names:
        known = _known(name)
        if known and known != module:
            yield known


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        graph[module] = {t for node in _imports(tree) for t in _targets(module, node, is_package)}
    return graph


GRAPH = _graph()


def room_of(module: str) -> tuple[str, int]:
    best = max((p for _room, _floor, prefixes in ROOMS for p in prefixes
                if module == p or (module.startswith(p + ".") and p != "monitor")),
               key=len, default=None)
    assert best is not None, f"{module} has no room: add it to ROOMS and docs/architecture.md"
    return next((room, floor) for room, floor, prefixes in ROOMS if best in prefixes)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        room, floor = room_of(module)
        for target in sorted(targets):
            t_room, t_floor = room_of(target)
            if t_room == room or t_floor < floor or (t_floor == floor and floor >= SIDEWAYS_FROM):
                continue
            wrong.append(f"{module} (floor {floor}) imports {target} (floor {t_floor})")
    return wrong


def test_every_module_has_a_room():
    for module in MODULES:
        room_of(module)
    with pytest.raises(AssertionError, match="has no room"):
        room_of("monitor.newcomer")


def test_no_import_cycles():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("room", STRICT)
def test_store_classify_and_connectors_import_nothing_above_them(room):
    wrong = [line for line in upward(GRAPH) if room_of(line.split(" ", 1)[0])[0] == room]
    assert wrong == []


def test_no_arrow_points_up():
    assert upward(GRAPH) == []


def test_the_store_imports_only_the_domain_and_itself():
    wrong = sorted(f"{m} imports {t}" for m, targets in GRAPH.items() if room_of(m)[0] == "store"
                   for t in targets if room_of(t)[0] not in STORE_MAY_IMPORT)
    assert wrong == []


def _tables() -> set[str]:
    tree = ast.parse(MODULES["monitor.db"].read_text(encoding="utf-8"))
    return {target.id for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "Table"
            for target in node.targets if isinstance(target, ast.Name)}


# The PostgreSQL advisory lock speaks SQL on a connection of its own, outside any store transaction.
SQL_ALLOWED = ("monitor.service.pglock",)


def test_no_sql_outside_the_store():
    """Outside ``store/`` (and the schema), SQLAlchemy appears only as the ``Connection`` type."""
    tables = _tables()
    assert {"mentions", "verdicts", "triage"} <= tables
    wrong = []
    for module, path in MODULES.items():
        if room_of(module)[0] == "store" or module in SQL_ALLOWED:
            continue
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wrong += [f"{module}: import {a.name}" for a in node.names
                          if a.name.startswith("sqlalchemy")]
                continue
            names = {a.name for a in node.names}
            if (node.module or "").startswith("sqlalchemy") and names != {"Connection"}:
                wrong.append(f"{module}: from {node.module} import {', '.join(sorted(names))}")
            if node.module == "monitor.db" and names & tables:
                wrong.append(f"{module}: imports the tables {', '.join(sorted(names & tables))}")
    assert wrong == []


def test_packages_have_no_lazy_exports():
    """A package ``__getattr__`` that imports on demand hides the graph from this test."""
    lazy = [m for m, p in MODULES.items() if p.name == "__init__.py"
            and any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                    for n in ast.parse(p.read_text(encoding="utf-8")).body)]
    assert lazy == []


# The checker itself: a test that cannot fail is a defect.

def test_the_cycle_finder_finds_a_cycle_and_a_self_contained_graph_has_none():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_an_upward_arrow_is_reported():
    assert upward({"monitor.store.x": {"monitor.digest.model"}, "monitor.digest.model": set()}) == [
        "monitor.store.x (floor 2) imports monitor.digest.model (floor 4)"]
    assert upward({"monitor.digest.y": {"monitor.store.x"}, "monitor.store.x": set()}) == []


def test_a_function_level_import_is_seen():
    tree = ast.parse("def f():\n    from monitor.digest import model\n")
    assert [t for n in _imports(tree) for t in _targets("monitor.store.x", n, False)] == [
        "monitor.digest", "monitor.digest.model"]
