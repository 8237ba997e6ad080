"""The cash-application CLI contract: import statement, cashapp match, export applications."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

from openar import cli
from openar.cashapp.models import StatementLine
from openar.demo.bank_formats import write_camt053
from openar.demo.bank_statements import GeneratedStatement, Line
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory

from .conftest import STATEMENTS

pytestmark = ON_TODAY

CAMT = STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files"
DAY = dt.date(2026, 6, 30)


def run(*argv: str) -> int:
    try:
        return cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code or 0)


@pytest.fixture
def statement(db, tmp_path):
    entity = EntityFactory(code="US01", currency="USD")
    apex = CustomerFactory(customer_ref="C0000001", name="Apex Foods Inc.", entity=entity)
    for ref, amount in (("INVUS00000101", "1000.00"), ("INVUS00000102", "250.00")):
        DocumentFactory(customer=apex, entity=entity, document_ref=ref, amount=Decimal(amount))
    assert run("cashapp", "account", "add", "US01 USD 0001", "--entity", "US01",
               "--currency", "USD", "--name", "Main") == 0  # fmt: skip
    lines = [
        Line(Decimal("1250.00"), "USD", DAY, DAY, "BR1", "E2E1", "APEX FOODS", "",
             "INV INVUS00000101 INVUS00000102"),
        Line(Decimal("99.00"), "USD", DAY, DAY, "BR2", "E2E2", "NOBODY", "", "THANKS"),
        Line(Decimal("-12.00"), "USD", DAY, DAY, "FEE1", "", "BANK", "", "FEE"),
    ]  # fmt: skip
    data = write_camt053(
        GeneratedStatement("US01USD0001", "US01", "USD", "S1", Decimal("0.00"), DAY, DAY, lines)
    )
    path = tmp_path / "stmt.xml"
    path.write_bytes(data)
    return path


def test_import_match_export(statement, tmp_path, capsys) -> None:
    assert run("import", "statement", str(statement), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["lines"], out["credits"], out["debits"]) == ("imported", 3, 2, 1)
    assert out["credit_totals"] == {"USD": "1349.00"}

    assert run("cashapp", "match", "--as-of", DAY.isoformat(), "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["lines"], summary["auto_applied"], summary["unidentified"]) == (2, 1, 1)
    assert summary["amounts"]["auto_applied"] == {"USD": "1250.00"}
    assert summary["amounts"]["unidentified"] == {"USD": "99.00"}

    assert run("cashapp", "match", "--as-of", DAY.isoformat()) == 0
    text = capsys.readouterr().out
    assert "applied automatically" in text and "unidentified" in text

    target = tmp_path / "apps.csv"
    assert run("export", "applications", str(target)) == 0
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["bank_reference", "receipt_ref", "customer_ref", "document_ref",
                       "amount", "mode"]  # fmt: skip
    assert sorted((r[0], r[2], r[3], r[4], r[5]) for r in rows[1:]) == [
        ("BR1", "C0000001", "INVUS00000101", "1000.00", "auto"),
        ("BR1", "C0000001", "INVUS00000102", "250.00", "auto"),
    ]
    # The ledger layout of the database issue still works.
    ledger = tmp_path / "ledger.csv"
    assert run("export", "applications", "--output", str(ledger)) == 0
    assert next(csv.reader(ledger.open()))[:2] == ["entity", "receipt_ref"]


def test_duplicate_and_unknown_account_exit_1(statement, tmp_path, capsys) -> None:
    assert run("import", "statement", str(statement)) == 0
    capsys.readouterr()
    copy = tmp_path / "again.xml"
    copy.write_bytes(statement.read_bytes())
    assert run("import", "statement", str(copy), "--json") == 1
    out = capsys.readouterr()
    assert json.loads(out.out)["error"]["code"] == "duplicate_file"
    assert "already imported" in out.err
    assert StatementLine.objects.count() == 3
    assert run("import", "statement", str(CAMT / "test-camt054")) == 1
    assert "not one of our accounts" in capsys.readouterr().err


def test_usage_errors_exit_2(db, tmp_path) -> None:
    assert run("import", "statement", str(tmp_path / "missing.xml")) == 2
    assert run("export", "items", str(tmp_path / "x.csv")) == 2
    assert run("cashapp", "match", "--threshold", "2") == 2
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("customer_ref\n")
    assert run("import", "customers", str(csv_file), "--format", "camt") == 2
