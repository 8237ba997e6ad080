"""No models or migrations cycle between apps: foreign keys and migration dependencies point down
the layers of DESIGN.md (see test_layers.py), so a lower app migrates without a higher one."""

from __future__ import annotations

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from tests.architecture.test_layers import LAYERS, RANK

OURS = set(LAYERS)

# Known violations that open work removes; the lists may only shrink (they are empty: keep them).
ALLOWED_RELATIONS: set[tuple[str, str]] = set()
ALLOWED_MIGRATION_DEPENDENCIES: set[tuple[str, str]] = set()
# Apps whose migrations still need a higher app's; may only shrink.
ALLOWED_MIGRATION_PLANS: dict[str, set[str]] = {}


def _relations_up() -> set[tuple[str, str]]:
    """(``app.Model.field``, ``app.Model``) for each relation that points to a higher app."""
    bad = set()
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in OURS:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in OURS and RANK[target] > RANK[source]:
                bad.add((f"{model._meta.label}.{field.name}", field.related_model._meta.label))
    return bad


def _migration_dependencies_up() -> set[tuple[str, str]]:
    """(``app.migration``, ``app.migration``) for each migration that depends on a higher app's."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    bad = set()
    for (app, name), migration in loader.disk_migrations.items():
        if app not in OURS:
            continue
        for dep_app, dep_name in migration.dependencies:
            if dep_app in OURS and RANK[dep_app] > RANK[app]:
                bad.add((f"{app}.{name}", f"{dep_app}.{dep_name}"))
    return bad


def test_foreign_keys_point_down_the_layers():
    new = sorted(_relations_up() - ALLOWED_RELATIONS)
    assert not new, "relations up the layers:\n" + "\n".join(f"  {f} -> {t}" for f, t in new)
    assert not ALLOWED_RELATIONS - _relations_up(), "fixed: remove from ALLOWED_RELATIONS"


def test_migrations_depend_only_on_lower_apps():
    found = _migration_dependencies_up()
    new = sorted(found - ALLOWED_MIGRATION_DEPENDENCIES)
    assert not new, "migrations that depend on a higher app:\n" + "\n".join(
        f"  {m} depends on {d}" for m, d in new
    )
    assert not ALLOWED_MIGRATION_DEPENDENCIES - found, "fixed: remove from the allow-list"


def test_each_app_migrates_without_the_apps_above_it():
    """The plan to migrate every app up to ``app`` needs no migration of a higher app."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    for app in LAYERS:
        for leaf in graph.leaf_nodes(app):
            needed = {node[0] for node in graph.forwards_plan(leaf)}
            above = {a for a in needed if a in OURS and RANK[a] > RANK[app]}
            assert above == ALLOWED_MIGRATION_PLANS.get(app, set()), (
                f"migrating {app} needs {above}"
            )
