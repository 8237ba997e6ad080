"""CSV/XLSX bank exports read through a layout: columns, options, sign conventions, errors."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import csvbank, parse_bytes, parse_file
from openar.core.errors import ValidationError

SPANISH = {
    "columns": {
        "booking_date": "Fecha",
        "value_date": "F. Valor",
        "amount": "Importe",
        "counterparty_name": "Ordenante",
        "counterparty_account": "Cuenta",
        "remittance": ["Concepto", "Referencia"],
        "bank_reference": "Ref. banco",
    },
    "options": {
        "delimiter": ";",
        "encoding": "cp1252",
        "date_format": "%d/%m/%Y",
        "decimal": ",",
        "currency": "EUR",
        "account": "ES91 2100 0418 4502 0005 1332",
    },
}
SPANISH_FILE = (
    "Fecha;F. Valor;Importe;Ordenante;Cuenta;Concepto;Referencia;Ref. banco\r\n"
    "30/06/2026;30/06/2026;1.234,56;Ferretería López SL;ES76 0049 1500 0512 3456 7892;"
    "Pago facturas;INV-1001 INV-1002;B001\r\n"
    "30/06/2026;01/07/2026;-12,00;Banco;;Comisión;;B002\r\n"
).encode("cp1252")


def test_spanish_portal_export_signed_amounts() -> None:
    [statement] = parse_bytes(SPANISH_FILE, name="extracto.csv", fmt="csv", layout=SPANISH)
    assert statement.format == "csv"
    assert statement.account == "ES9121000418450200051332"
    assert statement.currency == "EUR"
    first, fee = statement.lines
    assert first.amount == Decimal("1234.56")
    assert first.booking_date == dt.date(2026, 6, 30)
    assert first.counterparty_name == "Ferretería López SL"
    assert first.counterparty_account == "ES7600491500051234567892"
    assert first.remittance == "Pago facturas INV-1001 INV-1002"
    assert first.bank_reference == "B001"
    assert first.extra["row"] == 2
    assert fee.amount == Decimal("-12.00") and fee.value_date == dt.date(2026, 7, 1)
    assert statement.opening_date == statement.closing_date == dt.date(2026, 6, 30)


def test_layout_given_means_csv_with_auto_format() -> None:
    [statement] = parse_bytes(SPANISH_FILE, name="extracto.csv", layout=SPANISH)
    assert len(statement.lines) == 2


def test_separate_credit_and_debit_columns() -> None:
    layout = {
        "columns": {"booking_date": "Date", "credit": "Credit", "debit": "Debit",
                    "remittance": "Details", "currency": "Ccy"},
        "options": {"sign": "columns"},
    }  # fmt: skip
    data = b'Date,Details,Debit,Credit,Ccy\n2026-06-30,LOCKBOX 5511,,"1,500.00",USD\n'
    data += b"2026-06-30,FEE,25.00,,USD\n"
    [statement] = parse_bytes(data, name="lockbox.csv", fmt="csv", layout=layout)
    assert [line.amount for line in statement.lines] == [Decimal("1500.00"), Decimal("-25.00")]


def test_indicator_column_and_header_on_a_later_row() -> None:
    layout = {
        "columns": {"booking_date": "Buchung", "amount": "Betrag", "indicator": "S/H"},
        "options": {"sign": "indicator", "header_row": 3, "decimal": ",",
                    "date_format": "%d.%m.%Y", "currency": "EUR"},
    }  # fmt: skip
    data = "Umsätze Konto 123\nExport 30.06.2026\nBuchung;Betrag;S/H\n"
    data += "30.06.2026;100,00;H\n30.06.2026;40,00;S\n"
    [statement] = parse_bytes(data.encode(), name="umsatz.csv", fmt="csv", layout=layout)
    assert [line.amount for line in statement.lines] == [Decimal("100.00"), Decimal("-40.00")]
    assert statement.lines[0].extra["row"] == 4


def test_negate_for_banks_that_write_credits_negative() -> None:
    layout = {"columns": {"booking_date": "d", "amount": "a"},
              "options": {"negate": True, "currency": "GBP"}}  # fmt: skip
    [statement] = parse_bytes(b"d,a\n2026-06-30,-10.50\n", name="x.csv", fmt="csv", layout=layout)
    assert statement.lines[0].amount == Decimal("10.50")


def test_one_statement_per_account_and_currency() -> None:
    layout = {"columns": {"booking_date": "d", "amount": "a", "currency": "c", "account": "acct"}}
    data = (
        b"d,a,c,acct\n2026-06-30,1.00,USD,111\n2026-06-30,2.00,EUR,222\n2026-06-30,3.00,USD,111\n"
    )
    statements = parse_bytes(data, name="multi.csv", fmt="csv", layout=layout)
    assert {(s.account, s.currency, len(s.lines)) for s in statements} == {
        ("111", "USD", 2),
        ("222", "EUR", 1),
    }


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Movimientos"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_date_and_number_cells(tmp_path: Path) -> None:
    data = _xlsx(
        [
            ["Fecha", "Importe", "Concepto"],
            [dt.datetime(2026, 6, 30), 1234.56, "FRA 2026-001"],
            [dt.date(2026, 7, 1), -0.1, "comision"],
        ]
    )
    path = tmp_path / "movimientos.xlsx"
    path.write_bytes(data)
    layout = {
        "columns": {"booking_date": "Fecha", "amount": "Importe", "remittance": "Concepto"},
        "options": {"currency": "EUR", "sheet": "Movimientos"},
    }
    [statement] = parse_file(path, layout=layout)
    assert [line.amount for line in statement.lines] == [Decimal("1234.56"), Decimal("-0.1")]
    assert statement.lines[0].booking_date == dt.date(2026, 6, 30)
    assert statement.extra["kind"] == "xlsx"


def test_xlsx_missing_sheet_is_named() -> None:
    layout = {"columns": {"booking_date": "Fecha", "amount": "Importe"},
              "options": {"currency": "EUR", "sheet": "Hoja9"}}  # fmt: skip
    with pytest.raises(StatementError, match="no sheet 'Hoja9'"):
        parse_bytes(_xlsx([["Fecha", "Importe"]]), name="x.xlsx", fmt="csv", layout=layout)


@pytest.mark.parametrize(
    ("data", "message", "position", "field"),
    [
        (b"d,a\n2026-06-30,abc\n", "'abc' is not an amount", "row 2, column amount",
         "columns.amount"),
        (b"d,a\n30/06/2026,1.00\n", "not a date in the layout", "row 2, column booking_date",
         "columns.booking_date"),
        (b"d,a\n2026-06-30,1.001\n", "more decimals than USD", "row 2, column amount",
         "columns.amount"),
        (b"d,a\n2026-06-30,1.00\n2026-06-30,\n", "no amount", "row 3, column amount",
         "columns.amount"),
        (b"date,amt\n2026-06-30,1.00\n", "no column 'd' for booking_date", "row 1",
         "columns.booking_date"),
        (b"d,a\n", "no data rows", "row 1", "file"),
    ],
)  # fmt: skip
def test_errors_name_row_and_column(data: bytes, message: str, position: str, field: str) -> None:
    layout = {"columns": {"booking_date": "d", "amount": "a"}, "options": {"currency": "USD"}}
    with pytest.raises(StatementError, match=message) as caught:
        parse_bytes(data, name="bad.csv", fmt="csv", layout=layout)
    assert caught.value.position == position
    assert caught.value.field == field


def test_bad_indicator_value_is_refused() -> None:
    layout = {"columns": {"booking_date": "d", "amount": "a", "indicator": "i"},
              "options": {"sign": "indicator", "currency": "USD"}}  # fmt: skip
    with pytest.raises(StatementError, match="'X' is neither a credit") as caught:
        parse_bytes(b"d,a,i\n2026-06-30,1.00,X\n", name="i.csv", fmt="csv", layout=layout)
    assert caught.value.position == "row 2, column indicator"


def test_wrong_encoding_names_the_option() -> None:
    layout = {"columns": {"booking_date": "d", "amount": "a"}, "options": {"currency": "EUR"}}
    with pytest.raises(StatementError, match="not utf-8-sig text") as caught:
        parse_bytes("d,a\n2026-06-30,1.00 López\n".encode("cp1252"), name="x.csv", fmt="csv",
                    layout=layout)  # fmt: skip
    assert caught.value.field == "options.encoding"


@pytest.mark.parametrize(
    ("columns", "options", "field"),
    [
        ({}, {}, "columns"),
        ({"booking_date": "d", "amount": "a", "colour": "c"}, {"currency": "EUR"},
         "columns.colour"),
        ({"booking_date": "d"}, {"currency": "EUR"}, "columns.amount"),
        ({"booking_date": "d", "amount": "a"}, {"currency": "EUR", "sign": "columns"},
         "columns.credit"),
        ({"booking_date": "d", "amount": "a"}, {"currency": "EUR", "sign": "indicator"},
         "columns.indicator"),
        ({"amount": "a"}, {"currency": "EUR"}, "columns.booking_date"),
        ({"booking_date": "d", "amount": "a"}, {}, "options.currency"),
        ({"booking_date": "d", "amount": "a"}, {"currency": "EUR", "decimal": ";"},
         "options.decimal"),
        ({"booking_date": "d", "amount": "a"}, {"currency": "EUR", "date_format": "dd/mm"},
         "options.date_format"),
        ({"booking_date": "d", "amount": "a"}, {"currency": "EUR", "encoding": "klingon"},
         "options.encoding"),
        ({"booking_date": "d", "amount": ["a", "b"]}, {"currency": "EUR"}, "columns.amount"),
    ],
)  # fmt: skip
def test_layout_validation_names_the_field(columns, options, field) -> None:
    with pytest.raises(ValidationError) as caught:
        csvbank.spec_from(columns, options)
    assert caught.value.field == field


def test_spec_options_round_trip() -> None:
    spec = csvbank.spec_from(SPANISH["columns"], SPANISH["options"])
    again = csvbank.spec_from(spec.columns_json(), spec.options())
    assert again == spec


def test_preview_shows_cells_and_parsed_lines() -> None:
    result = csvbank.preview(SPANISH_FILE, name="extracto.csv", layout=SPANISH, rows=5)
    assert result["error"] is None
    assert result["headers"][:3] == ["Fecha", "F. Valor", "Importe"]
    assert result["delimiter"] == ";"
    assert result["rows"][0]["line"]["amount"] == "1234.56"
    assert result["rows"][1]["cells"][2] == "-12,00"


def test_preview_with_an_incomplete_layout_still_shows_the_file() -> None:
    layout = {"columns": {"booking_date": "Fecha"}, "options": {"encoding": "cp1252"}}
    result = csvbank.preview(SPANISH_FILE, name="extracto.csv", layout=layout)
    assert result["error"]
    assert result["headers"][0] == "Fecha" and len(result["rows"]) == 2
    assert "line" not in result["rows"][0]


def test_csv_is_never_sniffed_without_a_layout() -> None:
    with pytest.raises(StatementError, match="not a statement format"):
        parse_bytes(b"d,a\n2026-06-30,1.00\n", name="x.csv")
