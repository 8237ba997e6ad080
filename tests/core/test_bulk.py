"""core.bulk.insert_models and insert_rows: many rows of one model in one COPY (PostgreSQL) or
bulk_create."""

from __future__ import annotations

import pytest

from openar.core.bulk import insert_models, insert_rows
from openar.core.models import AuditEvent
from openar.ledger.models import Entity
from tests.factories import EntityFactory

pytestmark = pytest.mark.django_db


def test_rows_are_written_with_every_column_and_auto_now_add():
    insert_models(
        [
            AuditEvent(
                at="2026-06-30T12:00:00Z", actor_label="job", action="x.one", after={"n": 1}
            ),
            AuditEvent(at="2026-06-30T12:00:00Z", actor_label="job", action="x.two", before=None),
        ]
    )
    rows = {e.action: e for e in AuditEvent.objects.filter(action__startswith="x.")}
    assert set(rows) == {"x.one", "x.two"}
    assert rows["x.one"].after == {"n": 1}
    assert rows["x.two"].before is None
    assert rows["x.one"].actor_label == "job"


def test_ignore_conflicts_skips_rows_a_unique_key_already_holds():
    EntityFactory(code="E1", name="Kept", currency="EUR")
    insert_models(
        [
            Entity(code="E1", name="Duplicate", currency="USD"),
            Entity(code="E2", name="New", currency="MXN"),
        ],
        ignore_conflicts=True,
    )
    assert dict(Entity.objects.values_list("code", "name")) == {"E1": "Kept", "E2": "New"}
    assert Entity.objects.get(code="E2").created_at is not None


def test_nothing_to_insert_is_a_no_op():
    insert_models([])
    insert_models([], ignore_conflicts=True)


def test_plain_rows_take_the_defaults_of_the_columns_not_given():
    insert_rows(
        AuditEvent,
        ("at", "actor_label", "action", "after"),
        [
            ("2026-06-30T12:00:00Z", "job", "y.one", {"n": [1, 2]}),
            ("2026-06-30T12:00:00Z", "job", "y.two", None),
        ],
    )
    rows = {e.action: e for e in AuditEvent.objects.filter(action__startswith="y.")}
    assert set(rows) == {"y.one", "y.two"}
    assert rows["y.one"].after == {"n": [1, 2]}
    assert rows["y.two"].after is None
    assert rows["y.one"].object_type == "" and rows["y.one"].actor_id is None


def test_plain_rows_skip_what_a_unique_key_already_holds():
    EntityFactory(code="E1", name="Kept", currency="EUR")
    insert_rows(
        Entity,
        ("code", "name", "currency"),
        [("E1", "Duplicate", "USD"), ("E2", "New", "MXN")],
        ignore_conflicts=True,
    )
    assert dict(Entity.objects.values_list("code", "name")) == {"E1": "Kept", "E2": "New"}
    assert Entity.objects.get(code="E2").created_at is not None
    insert_rows(Entity, ("code",), [])
