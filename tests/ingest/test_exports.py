"""Exports: what OpenAR writes, the importer reads back (OpenAR, SAP FBL5N-style, Oracle)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from openar.ingest import exports
from openar.ingest.exports import oracle_date, sap_amount, sap_date

AS_OF = dt.date(2026, 6, 30)


def test_erp_formatting_helpers():
    assert sap_amount(Decimal("1234.5"), "USD") == "1,234.50"
    assert sap_amount(Decimal("-1234567.891"), "USD") == "1,234,567.89-"
    assert sap_amount(Decimal("-0.25"), "EUR") == "0.25-"
    assert sap_amount(Decimal("1500"), "JPY") == "1,500"
    assert sap_date(dt.date(2026, 1, 5)) == "05.01.2026"
    assert oracle_date(dt.date(2026, 1, 5)) == "05-JAN-2026"
    assert oracle_date(dt.date(2025, 12, 31)) == "31-DEC-2025"
    assert sap_date(None) == oracle_date(None) == ""


@pytest.fixture
def demo_ledger(db, tmp_path) -> dict:
    from openar.demo.portfolio import demo_data

    return demo_data(
        customers=40,
        collectors=1,
        seed=5,
        as_of=AS_OF,
        output_dir=str(tmp_path / "demo"),
        load=True,
        reset=True,
    )


def _import(kind: str, path: Path, fmt: str = "openar") -> dict:
    from openar.ingest.services import import_file

    return import_file(kind=kind, path=path, fmt=fmt, actor="test").as_dict()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _totals() -> dict:
    from openar.ledger.selectors import aging_report

    return aging_report(as_of=AS_OF, by="customer").as_dict()["totals"]


def test_openar_export_reimports_unchanged(demo_ledger, tmp_path):
    from openar.ledger.models import Application, Customer, Document, FxRate, Receipt

    writers = {
        "fx-rates": exports.export_fx_rates,
        "customers": exports.export_customers,
        "receipts": exports.export_receipts,
        "applications": exports.export_applications,
    }
    counts = {}
    for kind, write in writers.items():
        counts[kind] = write(tmp_path / f"{kind}.csv")
    counts["items"] = exports.export_items(fmt="openar", path=tmp_path / "items.csv")
    assert counts == {
        "fx-rates": FxRate.objects.count(),
        "customers": Customer.objects.count(),
        "receipts": Receipt.objects.count(),
        "applications": Application.objects.count(),
        "items": Document.objects.count(),
    }
    for kind in ("fx-rates", "customers", "items", "receipts", "applications"):
        result = _import(kind, tmp_path / f"{kind}.csv")
        assert result["rejected"] == 0, (kind, result["errors"][:3])
        assert (result["created"], result["updated"]) == (0, 0), kind
        assert result["unchanged"] == counts[kind], kind


def test_openar_items_export_matches_the_generated_file(demo_ledger, tmp_path):
    exports.export_items(fmt="openar", path=tmp_path / "items.csv")
    key = ("entity", "document_ref")
    exported = {tuple(r[k] for k in key): r for r in _rows(tmp_path / "items.csv")}
    generated = {tuple(r[k] for k in key): r for r in _rows(demo_ledger["files"]["items"])}
    assert exported == generated


def _fresh_ledger_with_masters(tmp_path: Path) -> None:
    """Keep customers and rates on file, wipe the ledger, and load them back (no items)."""
    from openar.demo.portfolio import ENTITIES, _reset_ledger
    from openar.ledger.services import entity_add

    exports.export_customers(tmp_path / "customers.csv")
    exports.export_fx_rates(tmp_path / "fx-rates.csv")
    _reset_ledger()
    for spec in ENTITIES:
        entity_add(code=spec.code, name=spec.name, currency=spec.currency, actor="test")
    for kind in ("fx-rates", "customers"):
        result = _import(kind, tmp_path / f"{kind}.csv")
        assert result["rejected"] == 0 and result["created"] > 0, result["errors"][:3]


@pytest.mark.parametrize("fmt", ["sap", "oracle"])
def test_erp_export_loads_into_a_fresh_ledger_with_the_same_aging(demo_ledger, tmp_path, fmt):
    from openar.ledger.models import Document

    before = _totals()
    open_items = Document.objects.filter(cleared_date__isnull=True).exclude(open_amount=0).count()
    path = tmp_path / f"items-{fmt}.csv"
    assert exports.export_items(fmt=fmt, path=path, as_of=AS_OF, open_only=True) == open_items
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == (exports.SAP_COLUMNS if fmt == "sap" else exports.ORACLE_COLUMNS)

    _fresh_ledger_with_masters(tmp_path)
    assert Document.objects.count() == 0
    result = _import("items", path, fmt=fmt)
    assert result["rejected"] == 0, result["errors"][:3]
    assert result["created"] == open_items
    assert _totals() == before
    assert before["total"] != "0.00"


def test_sap_export_writes_open_amounts_credits_and_disputes(demo_ledger, tmp_path):
    from openar.ledger.models import Document

    path = tmp_path / "sap.csv"
    exports.export_items(fmt="sap", path=path, open_only=True)
    rows = {r["Document Number"]: r for r in _rows(path)}
    partly_paid = Document.objects.filter(
        cleared_date__isnull=True, open_amount__gt=0, applications__isnull=False
    ).first()
    assert partly_paid is not None
    row = rows[partly_paid.document_ref]
    assert row["Amount in Doc. Curr."] == sap_amount(partly_paid.open_amount, partly_paid.currency)
    assert row["Net Due Date"] == sap_date(partly_paid.due_date)
    credit = Document.objects.filter(document_type="credit_memo", cleared_date__isnull=True).first()
    assert credit is not None
    assert rows[credit.document_ref]["Document Type"] == "DG"
    assert rows[credit.document_ref]["Amount in Doc. Curr."].endswith("-")
    disputed = Document.objects.filter(disputed=True).first()
    assert disputed is not None
    assert rows[disputed.document_ref]["Dunning block"] == "R"


def test_items_as_of_an_earlier_date_roll_cash_back(demo_ledger, tmp_path):
    """Exported open amounts on an earlier date match the aging drill-down for that date."""
    from openar.ledger.selectors import open_items_as_of

    earlier = dt.date(2026, 3, 31)
    path = tmp_path / "items-march.csv"
    exports.export_items(fmt="openar", path=path, as_of=earlier, open_only=True)
    exported: dict[str, Decimal] = defaultdict(Decimal)
    for r in _rows(path):
        assert r["document_date"] <= earlier.isoformat()
        assert r["cleared_date"] == ""
        exported[r["currency"]] += Decimal(r["open_amount"])
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for item in open_items_as_of(as_of=earlier):
        expected[item.document.currency] += item.open_amount
    assert exported == expected
    assert len(_rows(path)) == len(open_items_as_of(as_of=earlier))


def test_export_command(demo_ledger, tmp_path, capsys):
    from openar.ingest.export_commands import register
    from openar.ledger.models import Customer

    parser = argparse.ArgumentParser(prog="openar")
    register(parser.add_subparsers(dest="command"))
    out = tmp_path / "customers.csv"
    args = parser.parse_args(["export", "customers", "--output", str(out)])
    assert args.handler(args) == 0
    assert len(_rows(out)) == Customer.objects.count()
    assert f"{Customer.objects.count()} customers rows written" in capsys.readouterr().out
    oracle = tmp_path / "oracle.csv"
    args = parser.parse_args(
        ["export", "items", "--format", "oracle", "--open-only", "--as-of", "2026-06-30",
         "--output", str(oracle)]
    )  # fmt: skip
    assert args.handler(args) == 0
    first = _rows(oracle)[0]
    assert first["Transaction Date"][2] == "-" and first["Transaction Date"][3:6].isupper()

    from openar.core.errors import UsageError

    args = parser.parse_args(["export", "receipts", "--format", "sap", "--output", str(out)])
    with pytest.raises(UsageError):
        args.handler(args)
