"""Bad files get an error naming line and field, and change nothing."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from openar.ingest.services import import_file
from openar.ledger.models import Customer, Document
from tests.ingest.helpers import ITEMS_HEADER, items_csv, write

OK = "US01,C1,INV1,invoice,2026-05-01,2026-05-31,USD,1000.00,1000.00,,,,false"


def errors_of(result):
    return [(e.line, e.field, e.message) for e in result.errors]


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        ("US01,NOPE,INV2,invoice,2026-05-01,2026-05-31,USD,1.00,1.00,,,,", "customer_ref",
         "unknown customer 'NOPE'"),
        ("US01,C1,INV2,invoice,2026-02-30,2026-05-31,USD,1.00,1.00,,,,", "document_date",
         "'2026-02-30' is not a date"),
        ("US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,12a.00,1.00,,,,", "amount",
         "'12a.00' is not an amount"),
        ("US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,1.005,1.00,,,,", "amount",
         "more decimals than USD allows (2)"),
        ("US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,10.00,20.00,,,,", "open_amount",
         "must be between 0 and amount 10.00"),
        ("US01,C1,INV2,invoice,2026-05-01,2026-05-31,XYZ,10.00,10.00,,,,", "currency",
         "unknown currency 'XYZ'"),
        ("US01,C1,INV2,receipt,2026-05-01,2026-05-31,USD,10.00,10.00,,,,", "document_type",
         "'receipt' is not one of"),
        ("US01,C1,INV2,credit_memo,2026-05-01,2026-05-31,USD,10.00,10.00,,,,", "amount",
         "credit memo amount must be negative"),
        ("ZZ99,C1,INV2,invoice,2026-05-01,2026-05-31,USD,10.00,10.00,,,,", "entity",
         "unknown entity 'ZZ99'"),
        ("US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,10.00,10.00,,,,maybe", "disputed",
         "'maybe' is not true or false"),
    ],
)  # fmt: skip
def test_bad_row_rejects_whole_file(customers, tmp_path, row, field, fragment):
    result = import_file(kind="items", path=items_csv(tmp_path, OK, row))
    assert result.status == "rejected"
    assert result.rejected == 1 and result.created == 0
    assert [(line, f) for line, f, _ in errors_of(result)] == [(3, field)]
    assert fragment in result.errors[0].message
    assert Document.objects.count() == 0


def test_every_error_is_listed(customers, tmp_path):
    result = import_file(
        kind="items",
        path=items_csv(
            tmp_path,
            "US01,NOPE,INV2,invoice,bad,2026-05-31,USD,1.00,1.00,,,,",
            OK,
            "US01,C1,INV3,invoice,2026-05-01,2026-05-31,USD,x,1.00,,,,",
        ),
    )
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "customer_ref"),
        (2, "document_date"),
        (4, "amount"),
    ]
    assert result.rejected == 2


def test_duplicate_document_ref_in_file(customers, tmp_path):
    result = import_file(kind="items", path=items_csv(tmp_path, OK, OK))
    assert errors_of(result) == [(3, "document_ref", "duplicate of line 2 (same entity)")]
    assert Document.objects.count() == 0


def test_missing_required_column(customers, tmp_path):
    path = write(tmp_path, "items.csv", "entity,customer_ref,document_ref\nUS01,C1,X\n")
    result = import_file(kind="items", path=path)
    assert result.status == "rejected"
    fields = {e.field for e in result.errors}
    assert {"document_type", "due_date", "amount", "currency"} <= fields
    assert all(e.line == 1 for e in result.errors)


def test_wrong_encoding_is_named(customers, tmp_path):
    text = ITEMS_HEADER + "\n" + OK.replace("INV1", "FACTURA-AÑO") + "\n"
    path = write(tmp_path, "latin1.csv", text, encoding="latin-1")
    result = import_file(kind="items", path=path)
    assert result.status == "rejected"
    assert result.errors[0].line == 2
    assert "not UTF-8" in result.errors[0].message
    assert Document.objects.count() == 0


def test_partial_loads_good_rows_and_writes_rejects(customers, tmp_path):
    bad = "US01,C1,INV2,invoice,2026-05-01,2026-05-31,USD,1.001,1.00,,,,"
    path = items_csv(tmp_path, OK, bad)
    rejects = tmp_path / "rejects.csv"
    result = import_file(kind="items", path=path, partial=True, rejects_path=rejects)
    assert result.status == "partial"
    assert (result.created, result.rejected) == (1, 1)
    assert Document.objects.filter(document_ref="INV1").exists()
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    assert rows[0]["line"] == "3" and rows[0]["document_ref"] == "INV2"
    assert "amount: 1.001 has more decimals than USD allows" in rows[0]["errors"]


def test_xlsx_formulas_are_rejected(customers, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(ITEMS_HEADER.split(","))
    sheet.append(OK.split(","))
    sheet.append(
        ["US01", "C1", "INV2", "invoice", "2026-05-01", "2026-05-31", "USD", "=10*2", "20"]
    )
    path = tmp_path / "items.xlsx"
    book.save(path)
    result = import_file(kind="items", path=path)
    assert result.status == "rejected"
    assert [(e.line, e.field) for e in result.errors] == [(3, "amount")]
    assert result.errors[0].message == "cell H3 holds a formula (=10*2); paste values instead"
    assert Document.objects.count() == 0


def test_xlsx_merged_cells_are_rejected(customers, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(ITEMS_HEADER.split(","))
    sheet.append(OK.split(","))
    sheet.merge_cells("A2:B2")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    result = import_file(kind="items", path=path)
    assert result.status == "rejected"
    assert result.errors[0].line == 2 and "merged cells" in result.errors[0].message


def test_xlsx_values_load(customers, tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(ITEMS_HEADER.split(","))
    sheet.append(["US01", "C1", "INV7", "invoice", dt.date(2026, 5, 1), dt.date(2026, 5, 31),
                  "USD", 1234.56, 1234.56, None, None, None, False])  # fmt: skip
    path = tmp_path / "ok.xlsx"
    book.save(path)
    result = import_file(kind="items", path=path)
    assert result.created == 1, result.errors
    assert str(Document.objects.get(document_ref="INV7").amount.normalize()) == "1234.56"


def test_unknown_parent_and_cycle_rejected(entities, tmp_path):
    from tests.ingest.helpers import customers_csv

    path = customers_csv(
        tmp_path,
        "A,Alpha,B,US01,USD,,,,,,,,",
        "B,Beta,A,US01,USD,,,,,,,,",
        "C,Gamma,ZZZ,US01,USD,,,,,,,,",
    )
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    by_line = {(e.line, e.field): e.message for e in result.errors}
    assert by_line[(4, "parent_ref")] == "unknown parent customer 'ZZZ'"
    assert "loops back" in by_line[(2, "parent_ref")]
    assert Customer.objects.count() == 0
