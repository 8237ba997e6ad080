"""Receipts, applications and FX rates: references resolved, over-application refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.ingest.services import import_file
from openar.ledger.models import Application, FxRate, Receipt
from tests.ingest.helpers import items_csv, write

RECEIPTS = (
    "entity,receipt_ref,customer_ref,receipt_date,currency,amount,method,remittance\n"
    "US01,R1,C1,2026-06-10,USD,700.00,wire,INV1 INV2\n"
    "US01,R2,,2026-06-11,USD,99.00,check,unknown payer\n"
)


@pytest.fixture
def items(customers, tmp_path):
    result = import_file(
        kind="items",
        path=items_csv(
            tmp_path,
            "US01,C1,INV1,invoice,2026-05-01,2026-05-31,USD,500.00,0,2026-06-10,,,",
            "US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,400.00,200.00,,,,",
        ),
    )
    assert result.created == 2


def test_receipts_load_with_unidentified_cash(items, tmp_path):
    result = import_file(kind="receipts", path=write(tmp_path, "r.csv", RECEIPTS))
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert Receipt.objects.get(receipt_ref="R2").customer is None
    assert import_file(kind="receipts", path=write(tmp_path, "r.csv", RECEIPTS)).unchanged == 2


def test_applications_link_receipts_to_documents(items, tmp_path):
    import_file(kind="receipts", path=write(tmp_path, "r.csv", RECEIPTS))
    apps = (
        "entity,receipt_ref,document_ref,amount,applied_date\n"
        "US01,R1,INV1,500.00,2026-06-10\n"
        "US01,R1,INV2,200.00,2026-06-10\n"
    )
    result = import_file(kind="applications", path=write(tmp_path, "a.csv", apps))
    assert (result.created, result.rejected) == (2, 0), result.errors
    assert Application.objects.filter(receipt__receipt_ref="R1").count() == 2
    again = import_file(kind="applications", path=write(tmp_path, "a.csv", apps))
    assert (again.created, again.unchanged) == (0, 2)


def test_applications_with_unknown_refs_and_over_application(items, tmp_path):
    import_file(kind="receipts", path=write(tmp_path, "r.csv", RECEIPTS))
    apps = (
        "entity,receipt_ref,document_ref,amount,applied_date\n"
        "US01,R9,INV1,10.00,2026-06-10\n"
        "US01,R1,NOPE,10.00,2026-06-10\n"
        "US01,R2,INV2,450.00,2026-06-11\n"
    )
    result = import_file(kind="applications", path=write(tmp_path, "a.csv", apps))
    assert result.status == "rejected"
    got = {(e.line, e.field) for e in result.errors}
    assert (2, "receipt_ref") in got and (3, "document_ref") in got
    # 450 applied to a 400 invoice, from a 99 receipt: both refused on line 4.
    messages = [e.message for e in result.errors if e.line == 4]
    assert any("more is applied to 'INV2'" in m for m in messages)
    assert any("more is applied from receipt 'R2'" in m for m in messages)
    assert Application.objects.count() == 0


def test_partial_applications_reject_only_bad_rows(items, tmp_path):
    import_file(kind="receipts", path=write(tmp_path, "r.csv", RECEIPTS))
    apps = (
        "entity,receipt_ref,document_ref,amount,applied_date\n"
        "US01,R1,INV1,500.00,2026-06-10\n"
        "US01,R1,NOPE,10.00,2026-06-10\n"
    )
    rejects = tmp_path / "a.rejects.csv"
    result = import_file(
        kind="applications", path=write(tmp_path, "a.csv", apps), partial=True,
        rejects_path=rejects,
    )  # fmt: skip
    assert (result.created, result.rejected) == (1, 1)
    text = rejects.read_text(encoding="utf-8")
    assert "3,document_ref: unknown document 'NOPE'" in text and "R1,NOPE,10.00" in text


def test_fx_rates_load_update_and_reject(db, tmp_path):
    good = "date,from_currency,to_currency,rate\n2026-06-30,MXN,USD,0.0551234567\n"
    assert import_file(kind="fx-rates", path=write(tmp_path, "fx.csv", good)).created == 1
    changed = good.replace("0.0551234567", "0.056")
    assert import_file(kind="fx-rates", path=write(tmp_path, "fx2.csv", changed)).updated == 1
    rate = FxRate.objects.get()
    assert rate.rate == Decimal("0.056") and rate.date == dt.date(2026, 6, 30)
    bad = (
        "date,from_currency,to_currency,rate\n"
        "2026-06-30,MXN,MXN,1\n"
        "2026-06-30,MXN,USD,-2\n"
        "2026-06-31,ABC,USD,1\n"
        "2026-06-29,EUR,USD,1.12345678901\n"
    )
    result = import_file(kind="fx-rates", path=write(tmp_path, "bad.csv", bad))
    assert {(e.line, e.field) for e in result.errors} == {
        (2, "to_currency"),
        (3, "rate"),
        (4, "date"),
        (4, "from_currency"),
        (5, "rate"),
    }
    assert result.errors[-1].message == "has more than 10 decimals"
