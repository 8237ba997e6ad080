"""The aging report on the real database: as-of roll-back, FX conversion, grouping, JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from openar.cli import main
from openar.ledger.selectors import AgingFilters, aging_report, customer_summary, open_items_as_of
from openar.ledger.services import aging_refresh
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    FxRateFactory,
    ReceiptFactory,
    UserFactory,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def ledger(db):
    us = EntityFactory(code="US01", currency="USD")
    mx = EntityFactory(code="MX01", name="Mexico", currency="MXN")
    ana = UserFactory(username="ana", roles=["collector"])
    parent = CustomerFactory(customer_ref="P1", name="Parent Group", entity=us, collector=ana)
    child = CustomerFactory(customer_ref="K1", name="Child", entity=us, parent=parent)
    mex = CustomerFactory(customer_ref="M1", name="Mexicana", entity=mx, currency="MXN")
    DocumentFactory(customer=parent, document_ref="A", due_date=dt.date(2026, 7, 10),
                    amount=Decimal("100.00"))  # fmt: skip
    DocumentFactory(customer=parent, document_ref="B", due_date=dt.date(2026, 6, 15),
                    amount=Decimal("250.00"))  # fmt: skip
    DocumentFactory(customer=child, document_ref="C", due_date=dt.date(2026, 1, 15),
                    amount=Decimal("40.00"))  # fmt: skip
    DocumentFactory(customer=child, document_ref="CM", document_type="credit_memo",
                    due_date=dt.date(2026, 6, 1), amount=Decimal("-15.00"))  # fmt: skip
    DocumentFactory(customer=mex, entity=mx, document_ref="F1", currency="MXN",
                    functional_currency="MXN", due_date=dt.date(2026, 5, 20),
                    amount=Decimal("2000.00"))  # fmt: skip
    # Issued after the as-of date: not in the report.
    DocumentFactory(customer=parent, document_ref="LATE", document_date=dt.date(2026, 7, 2),
                    due_date=dt.date(2026, 8, 1))  # fmt: skip
    FxRateFactory(date=dt.date(2026, 6, 1), from_currency="MXN", to_currency="USD",
                  rate=Decimal("0.05"))  # fmt: skip
    FxRateFactory(date=dt.date(2026, 7, 1), from_currency="MXN", to_currency="USD",
                  rate=Decimal("0.06"))  # after as_of: ignored  # fmt: skip
    return {"parent": parent, "child": child, "mex": mex}


def test_aging_by_customer(ledger):
    report = aging_report(as_of=AS_OF, by="customer")
    rows = {r.key: r for r in report.rows}
    assert set(rows) == {"K1", "M1", "P1"}
    assert rows["P1"].buckets["current"] == Decimal("100.00")
    assert rows["P1"].buckets["1-30"] == Decimal("250.00")
    assert rows["K1"].buckets["120+"] == Decimal("40.00")
    assert rows["K1"].buckets["1-30"] == Decimal("-15.00")
    # 2000 MXN at the latest rate on or before as_of (0.05), not the later one.
    assert rows["M1"].buckets["31-60"] == Decimal("100.00")
    assert report.total == Decimal("475.00")
    assert report.totals["1-30"] == Decimal("235.00")


def test_aging_by_group_collector_entity(ledger):
    groups = {r.key: r.total for r in aging_report(as_of=AS_OF, by="group").rows}
    assert groups == {"P1": Decimal("375.00"), "M1": Decimal("100.00")}
    collectors = {r.key: r.total for r in aging_report(as_of=AS_OF, by="collector").rows}
    assert collectors == {"ana": Decimal("350.00"), "unassigned": Decimal("125.00")}
    entities = {r.key: r.total for r in aging_report(as_of=AS_OF, by="entity").rows}
    assert entities == {"US01": Decimal("375.00"), "MX01": Decimal("100.00")}


def test_item_without_rate_is_reported_not_dropped(ledger):
    report = aging_report(as_of=dt.date(2026, 5, 31), by="customer")
    assert [(u.key, u.currency, u.total) for u in report.unconverted] == [
        ("M1", "MXN", Decimal("2000.00"))
    ]
    assert "M1" not in {r.key for r in report.rows}
    assert report.as_dict()["unconverted"][0]["total"] == "2000.00"


def test_as_of_rolls_back_later_payments(ledger):
    doc = DocumentFactory(customer=ledger["parent"], document_ref="PAID", amount=Decimal("300.00"),
                          open_amount=Decimal("0"), due_date=dt.date(2026, 6, 20),
                          cleared_date=dt.date(2026, 7, 10))  # fmt: skip
    partly = DocumentFactory(customer=ledger["parent"], document_ref="PART",
                             amount=Decimal("500.00"), open_amount=Decimal("100.00"),
                             due_date=dt.date(2026, 6, 20))  # fmt: skip
    receipt = ReceiptFactory(receipt_ref="R1", receipt_date=dt.date(2026, 7, 10),
                             amount=Decimal("700.00"))  # fmt: skip
    ApplicationFactory(receipt=receipt, document=doc, amount=Decimal("300.00"),
                       applied_date=dt.date(2026, 7, 10))  # fmt: skip
    ApplicationFactory(receipt=receipt, document=partly, amount=Decimal("400.00"),
                       applied_date=dt.date(2026, 7, 10))  # fmt: skip
    before = {r.key: r for r in aging_report(as_of=AS_OF).rows}
    # On June 30 both were fully open: 300 + 500 more in 1-30 than the fixture's 250.
    assert before["P1"].buckets["1-30"] == Decimal("1050.00")
    after = {r.key: r for r in aging_report(as_of=dt.date(2026, 7, 15)).rows}
    # July 15: PART's remaining 100 (25 days late), B (30 days) and A (5 days) are all 1-30.
    assert after["P1"].buckets["1-30"] == Decimal("450.00")
    items = {i.document.document_ref: i.open_amount for i in open_items_as_of(as_of=AS_OF)}
    assert items["PAID"] == Decimal("300.00") and items["PART"] == Decimal("500.00")


def test_drill_down_items_match_bucket(ledger):
    items = open_items_as_of(as_of=AS_OF, filters=AgingFilters(customer_ref="K1"), bucket="120+")
    assert [(i.document.document_ref, i.days_past_due) for i in items] == [("C", 166)]


def test_customer_summary(ledger):
    summary = customer_summary(customer_ref="P1", as_of=AS_OF)
    assert summary.balance == Decimal("350.00") and summary.past_due == Decimal("250.00")
    assert summary.available_credit == Decimal("9650.00")
    assert [i.document.document_ref for i in summary.items] == ["B", "A"]


def test_aging_refresh_snapshot(ledger):
    assert aging_refresh(as_of=AS_OF, actor="test") == 3
    child = ledger["child"]
    child.refresh_from_db()
    assert child.aging.balance == Decimal("25.00")
    assert child.aging.days_past_due == 166 and child.aging.open_items == 2
    # Rerunning for the same date gives the same snapshot.
    aging_refresh(as_of=AS_OF, actor="test")
    child.refresh_from_db()
    assert child.aging.balance == Decimal("25.00")


def test_cli_json_contract(ledger, capsys, tmp_path):
    assert main(["report", "aging", "--as-of", "2026-06-30", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:5] == ["as_of", "currency", "buckets", "rows", "totals"]
    assert data["as_of"] == "2026-06-30" and data["currency"] == "USD"
    assert data["buckets"] == ["current", "1-30", "31-60", "61-90", "91-120", "120+"]
    assert data["rows"][0] == {
        "key": "K1",
        "name": "Child",
        "total": "25.00",
        "buckets": {"current": "0.00", "1-30": "-15.00", "31-60": "0.00", "61-90": "0.00",
                    "91-120": "0.00", "120+": "40.00"},
    }  # fmt: skip
    assert data["totals"]["total"] == "475.00"
    out = tmp_path / "aging.xlsx"
    assert main(["report", "aging", "--as-of", "2026-06-30", "--by", "entity", "--format",
                 "xlsx", "--output", str(out)]) == 0  # fmt: skip
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert ["MX01", "Mexico", 0, 0, 100, 0, 0, 0, 100] in values
    csv_out = tmp_path / "aging.csv"
    assert main(["report", "aging", "--as-of", "2026-06-30", "--format", "csv", "--output",
                 str(csv_out), "--buckets", "45"]) == 0  # fmt: skip
    lines = csv_out.read_text().splitlines()
    assert lines[1] == "key,name,current,1-45,45+,total"
    assert lines[-1] == "TOTAL,,100.00,335.00,40.00,475.00"
