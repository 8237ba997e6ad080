"""Loading open items: counts, idempotency, change records, conversion to functional currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.ingest.services import import_file
from openar.ledger.models import Document, DocumentChange, FxRate
from tests.ingest.helpers import items_csv

GOOD = [
    "US01,C1,INV1,invoice,2026-05-01,2026-05-31,USD,1000.00,1000.00,,REF1,PO1,false",
    "US01,C1,INV2,invoice,2026-03-01,2026-03-31,USD,500.00,200.00,,,,true",
    "US01,C2,CM1,credit_memo,2026-06-01,2026-06-01,USD,-50.00,-50.00,,,,",
    "US01,C1,INV0,invoice,2026-01-01,2026-01-31,USD,80.00,0,2026-02-10,,,",
    "MX01,C3,F100,invoice,2026-06-01,2026-07-16,MXN,20000.00,,,,,",
]


def test_items_load_then_reload_changes_nothing(customers, tmp_path):
    path = items_csv(tmp_path, *GOOD)
    first = import_file(kind="items", path=path)
    assert (first.rows, first.created, first.updated, first.unchanged, first.rejected) == (
        5, 5, 0, 0, 0,
    )  # fmt: skip
    second = import_file(kind="items", path=path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert Document.objects.count() == 5
    inv2 = Document.objects.get(document_ref="INV2")
    assert inv2.open_amount == Decimal("200.00") and inv2.disputed is True
    # A missing open_amount means fully open; a cleared item is open for nothing.
    assert Document.objects.get(document_ref="F100").open_amount == Decimal("20000.00")
    assert Document.objects.get(document_ref="INV0").cleared_date == dt.date(2026, 2, 10)


def test_reload_with_changed_amount_updates_and_records_change(customers, tmp_path):
    import_file(kind="items", path=items_csv(tmp_path, *GOOD))
    changed = [GOOD[0].replace("1000.00,1000.00", "1000.00,400.00"), *GOOD[1:]]
    result = import_file(kind="items", path=items_csv(tmp_path, *changed, name="again.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    doc = Document.objects.get(document_ref="INV1")
    assert doc.open_amount == Decimal("400.00")
    change = DocumentChange.objects.get(document=doc)
    assert change.field == "open_amount"
    assert Decimal(change.before) == Decimal("1000") and Decimal(change.after) == Decimal("400")
    assert change.batch_id == result.batch_id


def test_functional_amount_uses_rate_on_document_date(customers, tmp_path):
    FxRate.objects.create(date=dt.date(2026, 5, 1), from_currency="USD", to_currency="MXN",
                          rate=Decimal("20"))  # fmt: skip
    row = "MX01,C3,F200,invoice,2026-05-15,2026-06-30,USD,100.00,100.00,,,,"
    result = import_file(kind="items", path=items_csv(tmp_path, row))
    assert result.created == 1, result.errors
    doc = Document.objects.get(document_ref="F200")
    assert doc.functional_currency == "MXN"
    assert doc.functional_amount == Decimal("2000.00")
    assert doc.fx_rate == Decimal("20") and doc.fx_rate_date == dt.date(2026, 5, 1)


def test_missing_rate_leaves_functional_amount_empty(customers, tmp_path):
    row = "MX01,C3,F300,invoice,2026-05-15,2026-06-30,EUR,100.00,100.00,,,,"
    assert import_file(kind="items", path=items_csv(tmp_path, row)).created == 1
    doc = Document.objects.get(document_ref="F300")
    assert doc.functional_amount is None and doc.fx_rate is None


def test_extra_columns_are_kept_as_attributes(customers, tmp_path):
    from tests.ingest.helpers import ITEMS_HEADER, write

    path = write(
        tmp_path,
        "extra.csv",
        ITEMS_HEADER + ",region,sales_rep\n"
        "US01,C1,INV9,invoice,2026-05-01,2026-05-31,USD,10.00,10.00,,,,false,north,Bob\n",
    )
    assert import_file(kind="items", path=path).created == 1
    assert Document.objects.get(document_ref="INV9").attributes == {
        "region": "north",
        "sales_rep": "Bob",
    }


def test_dry_run_counts_but_writes_nothing(customers, tmp_path):
    result = import_file(kind="items", path=items_csv(tmp_path, *GOOD), dry_run=True)
    assert result.status == "previewed" and result.created == 5
    assert Document.objects.count() == 0
