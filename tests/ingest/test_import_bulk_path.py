"""The bulk path: PostgreSQL checks foreign keys once per load instead of once per row."""

from __future__ import annotations

from django.db import connection

from openar.ingest import bulk
from openar.ingest.services import import_file
from openar.ledger.models import Document
from tests.ingest.helpers import items_csv


def foreign_keys() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'ledger_document'::regclass AND contype = 'f' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def test_bulk_load_keeps_foreign_keys(customers, tmp_path, monkeypatch):
    before = foreign_keys()
    monkeypatch.setattr(bulk, "BULK_FK_THRESHOLD", 1)
    rows = [
        f"US01,C1,B{i},invoice,2026-05-01,2026-05-31,USD,{i}.00,{i}.00,,,," for i in range(1, 6)
    ]
    result = import_file(kind="items", path=items_csv(tmp_path, *rows))
    assert result.created == 5, result.errors
    assert Document.objects.count() == 5
    # The constraints are back, exactly as they were (deferrable, same targets).
    assert foreign_keys() == before
    if connection.vendor == "postgresql":
        assert any("REFERENCES ledger_customer(id)" in c for c in before)
