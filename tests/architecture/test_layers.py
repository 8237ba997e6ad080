"""The layer rule of DESIGN.md, checked on the source: every ``openar`` module imports only from
its own app or from apps below it.

core <- ledger <- (ingest, activity) <- (risk, disputes, credit, cashapp) <- strategy <- worklist
<- comms <- reports <- (jobs, demo). Within a bracket peers call each other in the order written,
never back. ``api_auth`` is infrastructure beside core (it may use core; core does not use it).
The project's top-level modules (``cli``, ``urls``, ``api``, ``settings``...) are the composition
root: they may import any app, and no app imports them.

Imports are read with ``ast`` (module level, inside functions and under ``TYPE_CHECKING`` alike),
so an import moved into a function to dodge a cycle still counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

OPENAR = Path(__file__).resolve().parents[2] / "openar"

# Lowest first. An app may import itself and any app before it in this list.
LAYERS = [
    "core",
    "api_auth",
    "ledger",
    "ingest",
    "activity",
    "risk",
    "disputes",
    "credit",
    "cashapp",
    "strategy",
    "worklist",
    "comms",
    "reports",
    "jobs",
    "demo",
]
RANK = {app: i for i, app in enumerate(LAYERS)}
ROOT_RANK = len(LAYERS)  # openar.cli, openar.urls, openar.api, openar.settings, openar.tasks...

# Known violations that other open work removes; each entry is (importing module, imported
# module). The list may only shrink: an entry that no longer occurs fails the test below.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(OPENAR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _rank(module: str) -> int | None:
    """The layer of ``openar.<app>...``; the composition root ranks above every app; None for
    modules outside the project."""
    parts = module.split(".")
    if parts[0] != "openar":
        return None
    if len(parts) == 1:
        return ROOT_RANK
    if parts[1] in RANK:
        return RANK[parts[1]]
    if (OPENAR / parts[1]).is_dir() and (OPENAR / parts[1] / "apps.py").exists():
        raise AssertionError(f"app openar.{parts[1]} is not placed in LAYERS")
    return ROOT_RANK


def _is_module(name: str) -> bool:
    path = OPENAR.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from openar.jobs import tasks` names a module: count `openar.jobs.tasks`.
            found.update(
                f"{target}.{alias.name}"
                for alias in node.names
                if _is_module(f"{target}.{alias.name}")
            )
    return found


def _violations() -> set[tuple[str, str]]:
    bad: set[tuple[str, str]] = set()
    for path in sorted(OPENAR.rglob("*.py")):
        module = _module_name(path)
        own = _rank(module)
        if own is None or own == ROOT_RANK:
            continue  # the composition root may import anything
        for imported in _imports(path, module):
            rank = _rank(imported)
            if rank is not None and imported != "openar" and rank > own:
                bad.add((module, imported))
    return bad


def test_every_app_is_placed_in_the_layers():
    apps = {p.parent.name for p in OPENAR.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"apps missing from LAYERS: {sorted(apps - set(LAYERS))}"


def test_imports_point_down_the_layers():
    new = sorted(_violations() - ALLOWED)
    assert not new, "imports up the layers (DESIGN.md):\n" + "\n".join(
        f"  {module} imports {imported}" for module, imported in new
    )


def test_allow_list_only_shrinks():
    gone = sorted(ALLOWED - _violations())
    assert not gone, "fixed, remove from ALLOWED:\n" + "\n".join(f"  {m} -> {i}" for m, i in gone)


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        (
            "from openar.strategy.services import x\n",
            "openar.credit.services",
            "openar.strategy.services",
        ),
        ("from . import models\n", "openar.credit.services", "openar.credit.models"),
        ("from openar.jobs import tasks\n", "openar.ledger.views", "openar.jobs.tasks"),
        ("from ..jobs import tasks\n", "openar.core.views", "openar.jobs"),
        ("def f():\n    import openar.demo.users\n", "openar.ledger.views", "openar.demo.users"),
    ],
)
def test_the_checker_reads_every_import_form(tmp_path, source, module, expected):
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    assert expected in _imports(path, module)
