"""Every app on its floor (STYLE.md rule 13, docs/architecture.md).

Walks every module under ``rollcall/`` with ``ast`` (no import is run) and checks that

- an app imports only from its own floor or the floors below it:
  rules < kernel < accounts, people, schools < notify, audit < casework < areas < reports, api,
  demo, operations;
- apps on the same floor import each other without a cycle;
- no name starting with ``_`` crosses an app boundary, imported or read as a module attribute.

Project wiring (settings, the root URLconf, wsgi) names every app by design and is not an app.
Imports under ``if TYPE_CHECKING:`` load nothing at run time and are not counted: ``accounts``
names ``schools.School`` that way (and by string in its foreign key), while ``schools`` imports
``accounts`` for real.
"""

from __future__ import annotations

import ast
import graphlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "rollcall"

FLOORS: tuple[frozenset[str], ...] = (
    frozenset({"rules"}),
    frozenset({"kernel"}),
    frozenset({"accounts", "people", "schools"}),
    frozenset({"notify", "audit"}),
    frozenset({"casework"}),
    frozenset(
        {
            "returns",
            "admissions",
            "health",
            "attendance",
            "policies",
            "actionplans",
            "rolls",
            "homeeducation",
            "exclusions",
            "transfers",
        }
    ),
    frozenset({"reports", "api", "demo", "operations", "dataprotection"}),
)
FLOOR_OF = {app: level for level, apps in enumerate(FLOORS) for app in apps}
WIRING = frozenset({"settings", "settings_test", "urls", "wsgi", "asgi"})


@dataclass(frozen=True)
class Crossing:
    """One reference from a module of ``source`` to something of ``target``."""

    source: str
    target: str
    where: str
    name: str = ""


def app_of_module(dotted: str) -> str | None:
    """The app a dotted module belongs to: ``rollcall.casework.services`` -> ``casework``."""
    parts = dotted.split(".")
    if parts[0] != "rollcall" or len(parts) < 2:
        return None
    if parts[1] in WIRING:
        return None
    package = ROOT / parts[1]
    return parts[1] if package.is_dir() else "kernel"


def app_of_file(path: Path) -> str | None:
    relative = path.relative_to(ROOT)
    if len(relative.parts) == 1:
        return None if relative.stem in WIRING else "kernel"
    return relative.parts[0]


def modules() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and "__pycache__" not in p.parts
    )


def crossings(path: Path, text: str | None = None) -> list[Crossing]:
    """Every reference from this file (or ``text`` as if it were this file) to another app."""
    source = app_of_file(path)
    if source is None:
        return []
    tree = ast.parse(path.read_text() if text is None else text, filename=str(path))
    for block in ast.walk(tree):
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test):
            block.body = []
    found: list[Crossing] = []
    foreign_modules: dict[str, str] = {}  # local name bound to another app's module -> that app
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            target = app_of_module(node.module)
            if target is None and node.module == "rollcall":
                # ``from rollcall import clock`` names kernel modules (or an app package).
                for alias in node.names:
                    inner = app_of_module(f"rollcall.{alias.name}")
                    if inner is not None and inner != source:
                        found.append(Crossing(source, inner, where))
                        foreign_modules[alias.asname or alias.name] = inner
                continue
            if target is None or target == source:
                continue
            for alias in node.names:
                found.append(Crossing(source, target, where, alias.name))
                if (ROOT.parent / node.module.replace(".", "/") / f"{alias.name}.py").exists():
                    foreign_modules[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                target = app_of_module(alias.name)
                if target is not None and target != source:
                    found.append(Crossing(source, target, where))
                    if alias.asname:
                        foreign_modules[alias.asname] = target
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            found.append(Crossing(source, foreign_modules[node.value.id], where, node.attr))
    return found


ALL = [crossing for path in modules() for crossing in crossings(path)]


def test_every_app_is_on_a_floor() -> None:
    apps = {app_of_file(path) for path in modules()} - {None}
    assert apps <= set(FLOOR_OF), f"Put these apps on a floor in tests/test_layers.py: {apps - set(FLOOR_OF)}"


def test_no_app_imports_from_a_floor_above_it() -> None:
    upward = [
        f"{c.where}: {c.source} (floor {FLOOR_OF[c.source]}) imports {c.target} (floor {FLOOR_OF[c.target]})"
        for c in ALL
        if FLOOR_OF[c.target] > FLOOR_OF[c.source]
    ]
    assert upward == []


def test_apps_on_one_floor_import_each_other_without_a_cycle() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for c in ALL:
        if FLOOR_OF[c.target] == FLOOR_OF[c.source]:
            graph[c.source].add(c.target)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as cycle:
        pytest.fail(f"These apps import each other in a circle: {' -> '.join(cycle.args[1])}")


def test_no_private_name_crosses_an_app_boundary() -> None:
    private = [
        f"{c.where}: {c.source} uses {c.target}'s {c.name}"
        for c in ALL
        if c.name.startswith("_") and not c.name.startswith("__")
    ]
    assert private == []


def test_the_rules_import_nothing_but_the_rules() -> None:
    assert [c.where for c in ALL if c.source == "rules"] == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from rollcall.casework.services import case_open\n", [("people", "casework", "case_open")]),
        ("from rollcall.casework import services\nservices._task_create()\n", None),
        ("import rollcall.casework.services as s\ns._first_tasks()\n", None),
        ("from rollcall import clock\n", [("people", "kernel", "")]),
        ("from rollcall.people.models import Child\n", []),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rollcall.casework.models import Case\n",
            [],
        ),
    ],
)
def test_the_walker_sees_imports_and_private_attribute_reads(
    code: str, expected: list[tuple[str, str, str]] | None
) -> None:
    # The code is read as if it were a module of the people app; nothing is imported.
    found = [(c.source, c.target, c.name) for c in crossings(ROOT / "people" / "probe.py", code)]
    if expected is None:
        assert any(name.startswith("_") and source == "people" for source, _target, name in found), found
    else:
        assert found == expected
