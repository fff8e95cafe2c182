"""Every third-party module the code imports is a declared dependency, and every declared
dependency is imported somewhere (an unused one is dead weight to install and audit)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = {"monitor", "connectors", "migrations"}
# Declared for what they bring, not imported by name: the PostgreSQL driver (loaded by
# SQLAlchemy from the URL's dialect).
NOT_IMPORTED = {"psycopg"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {"": {_name(r) for r in project["dependencies"]}}
    for extra, requirements in project["optional-dependencies"].items():
        found[extra] = {_name(r) for r in requirements if not r.startswith("signaleer")}
    return found


def imported() -> dict[str, set[str]]:
    """Top-level third-party module names -> the files that import them."""
    found: dict[str, set[str]] = {}
    for package in sorted(OWN):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and not node.level
                         and node.module else [])
                for top in {n.split(".")[0] for n in names}:
                    if top not in sys.stdlib_module_names and top not in OWN:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


DISTRIBUTIONS = packages_distributions()


def distribution(module: str) -> str:
    return DISTRIBUTIONS.get(module, [module])[0].lower().replace("_", "-")


def test_every_imported_package_is_declared() -> None:
    everything = set().union(*declared().values())
    missing = {distribution(m): sorted(files) for m, files in imported().items()
               if distribution(m) not in everything}
    assert missing == {}


def test_every_runtime_dependency_is_imported() -> None:
    used = {distribution(m) for m in imported()}
    assert sorted(declared()[""] - used - NOT_IMPORTED) == []
