"""CSV and XLSX bank exports (lockbox files, bank-portal downloads) read through a saved layout.

A layout says which column holds which OpenAR field and how the bank writes things: delimiter,
encoding, header row, date format, decimal separator and how an amount is signed. It is stored
as a ``BankLayout`` row (``columns`` + ``options`` JSON) and read here as a ``LayoutSpec``.

    columns = {"booking_date": "Fecha", "amount": "Importe", "counterparty_name": "Ordenante",
               "remittance": ["Concepto", "Referencia"]}
    options = {"delimiter": ";", "encoding": "cp1252", "header_row": 1, "date_format": "%d/%m/%Y",
               "decimal": ",", "sign": "signed", "currency": "EUR"}

Sign conventions (``options["sign"]``):
- ``signed``: one amount column, credits positive (``"negate": true`` when the bank writes debits
  positive and credits negative);
- ``columns``: separate ``credit`` and ``debit`` columns, one of them filled on each row;
- ``indicator``: an unsigned ``amount`` and an ``indicator`` column whose values are listed in
  ``credit_values`` / ``debit_values`` (default C/CR/CRDT/H/+ and D/DR/DBIT/S/-).

Every error names the row (as numbered in the file, header included) and the column header."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openar.cashapp.domain import Statement, StatementError, StatementLine
from openar.core.errors import ValidationError
from openar.core.money import check_scale, is_currency, parse_decimal

FORMAT = "csv"

# OpenAR fields a layout may map; "remittance" may take several columns (joined with a space).
FIELDS = (
    "booking_date", "value_date", "amount", "credit", "debit", "indicator", "currency",
    "bank_reference", "end_to_end_id", "counterparty_name", "counterparty_account", "remittance",
    "creditor_reference", "transaction_code", "account",
)  # fmt: skip
TEXT_FIELDS = (
    "bank_reference", "end_to_end_id", "counterparty_name", "counterparty_account",
    "creditor_reference", "transaction_code",
)  # fmt: skip
SIGNS = ("signed", "columns", "indicator")
DEFAULT_CREDIT_VALUES = ("C", "CR", "CRDT", "H", "+", "CREDIT", "HABER", "ABONO")
DEFAULT_DEBIT_VALUES = ("D", "DR", "DBIT", "S", "-", "DEBIT", "DEBE", "CARGO")
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class LayoutSpec:
    """A validated layout: ``columns`` maps OpenAR fields to headers, the rest are options."""

    columns: dict[str, list[str]]
    delimiter: str = ""  # "" = detect from the header line
    encoding: str = "utf-8-sig"
    header_row: int = 1  # 1-based row of the headers; data starts on the next row
    date_format: str = "%Y-%m-%d"
    decimal: str = "."
    sign: str = "signed"
    negate: bool = False
    credit_values: tuple[str, ...] = DEFAULT_CREDIT_VALUES
    debit_values: tuple[str, ...] = DEFAULT_DEBIT_VALUES
    currency: str = ""  # when the file has no currency column
    account: str = ""  # the own account, when the file does not say it
    sheet: str = ""  # XLSX: sheet name (default the first)
    skip_blank_amounts: bool = False  # rows with no amount at all (subtotals) are skipped
    code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        """The JSON ``options`` of a BankLayout for this spec (defaults left out)."""
        defaults = LayoutSpec(columns={})
        result: dict[str, Any] = {}
        for key in (
            "delimiter", "encoding", "header_row", "date_format", "decimal", "sign", "negate",
            "credit_values", "debit_values", "currency", "account", "sheet", "skip_blank_amounts",
        ):  # fmt: skip
            value = getattr(self, key)
            if value != getattr(defaults, key):
                result[key] = list(value) if isinstance(value, tuple) else value
        return result

    def columns_json(self) -> dict[str, str | list[str]]:
        return {key: names if len(names) > 1 else names[0] for key, names in self.columns.items()}


def spec_from(columns: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> LayoutSpec:
    """Build and check a LayoutSpec from JSON ``columns`` and ``options``; a ValidationError
    names the field at fault (``columns.amount``, ``options.decimal``...)."""
    options = dict(options or {})
    if not isinstance(columns, Mapping) or not columns:
        raise ValidationError("a layout needs a columns mapping", field="columns")
    mapped: dict[str, list[str]] = {}
    for key, value in columns.items():
        if key not in FIELDS:
            raise ValidationError(
                f"unknown field {key!r}; use {', '.join(FIELDS)}", field=f"columns.{key}"
            )
        given = [value] if isinstance(value, str | int) else list(value or [])
        names = [str(name).strip() for name in given if str(name).strip()]
        if not names:
            continue
        if len(names) > 1 and key != "remittance":
            raise ValidationError(f"{key} takes one column", field=f"columns.{key}")
        mapped[key] = names
    sign = str(options.get("sign") or "signed")
    if sign not in SIGNS:
        raise ValidationError(f"sign must be one of {', '.join(SIGNS)}", field="options.sign")
    needed = {"signed": ("amount",), "columns": ("credit", "debit"), "indicator": ("amount",)}
    for key in (*needed[sign], *(("indicator",) if sign == "indicator" else ())):
        if key not in mapped:
            raise ValidationError(
                f"the {sign!r} sign convention needs a {key} column", field=f"columns.{key}"
            )
    if "booking_date" not in mapped and "value_date" not in mapped:
        raise ValidationError("map booking_date or value_date", field="columns.booking_date")
    decimal = str(options.get("decimal") or ".")
    if decimal not in {".", ","}:
        raise ValidationError("decimal separator must be '.' or ','", field="options.decimal")
    delimiter = str(options.get("delimiter") or "")
    if delimiter in {"\\t", "tab", "TAB"}:
        delimiter = "\t"
    if len(delimiter) > 1:
        raise ValidationError("delimiter must be one character", field="options.delimiter")
    encoding = str(options.get("encoding") or "utf-8-sig")
    try:
        "".encode(encoding)
    except LookupError:
        raise ValidationError(f"unknown encoding {encoding!r}", field="options.encoding") from None
    try:
        header_row = int(options.get("header_row", 1))
    except (TypeError, ValueError):
        raise ValidationError("header_row must be a number", field="options.header_row") from None
    if header_row < 1:
        raise ValidationError("header_row starts at 1", field="options.header_row")
    date_format = str(options.get("date_format") or "%Y-%m-%d")
    try:
        dt.date(2026, 12, 31).strftime(date_format)
        if "%" not in date_format:
            raise ValueError
    except ValueError:
        raise ValidationError(
            f"bad date format {date_format!r} (use strftime codes such as %d/%m/%Y)",
            field="options.date_format",
        ) from None
    currency = str(options.get("currency") or "").upper()
    if currency and not is_currency(currency):
        raise ValidationError(f"unknown currency {currency!r}", field="options.currency")
    if "currency" not in mapped and not currency:
        raise ValidationError(
            "give a currency column or a fixed currency", field="options.currency"
        )

    def values(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        given = options.get(key)
        if not given:
            return default
        items = [given] if isinstance(given, str) else list(given)
        return tuple(str(item).strip().upper() for item in items if str(item).strip())

    return LayoutSpec(
        columns=mapped,
        delimiter=delimiter,
        encoding=encoding,
        header_row=header_row,
        date_format=date_format,
        decimal=decimal,
        sign=sign,
        negate=bool(options.get("negate", False)),
        credit_values=values("credit_values", DEFAULT_CREDIT_VALUES),
        debit_values=values("debit_values", DEFAULT_DEBIT_VALUES),
        currency=currency,
        account=str(options.get("account") or "").replace(" ", ""),
        sheet=str(options.get("sheet") or ""),
        skip_blank_amounts=bool(options.get("skip_blank_amounts", False)),
    )


def as_spec(layout: Any) -> LayoutSpec:
    """A LayoutSpec from a LayoutSpec, a BankLayout row or a ``{"columns", "options"}`` dict."""
    if isinstance(layout, LayoutSpec):
        return layout
    if layout is None:
        raise StatementError("reading a CSV/XLSX bank file needs a layout", field="layout")
    if isinstance(layout, Mapping):
        columns, options = layout.get("columns") or {}, dict(layout.get("options") or {})
        code = str(layout.get("code") or "")
    else:
        columns, options = layout.columns, dict(layout.options or {})
        code = str(getattr(layout, "code", ""))
        account = getattr(layout, "bank_account", None)
        if account is not None:
            options.setdefault("account", account.account_number)
            options.setdefault("currency", account.currency)
    spec = spec_from(columns, options)
    return LayoutSpec(**{**spec.__dict__, "code": code})


def sniff(head: bytes) -> bool:
    return False  # a CSV has no signature: it is read only when a layout is given


def is_xlsx(data: bytes) -> bool:
    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


# -- reading the table ---------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)
    delimiter: str = ""
    kind: str = "csv"


def read_table(data: bytes, *, name: str, spec: LayoutSpec, limit: int | None = None) -> Table:
    """The header and data rows of a CSV or XLSX file (``limit`` data rows for a preview)."""
    if is_xlsx(data):
        return _read_xlsx(data, name=name, spec=spec, limit=limit)
    try:
        text = data.decode(spec.encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StatementError(
            f"{name}: not {spec.encoding} text (byte {exc.start}); set the layout's encoding",
            position=f"row {line}",
            field="options.encoding",
        ) from None
    if "\x00" in text:  # decoded text: a UTF-16 file's own zero bytes are gone by now
        at = text.index("\x00")
        raise StatementError(
            f"{name}: NUL character in the file (a binary or damaged file)",
            position=f"row {text.count(chr(10), 0, at) + 1}",
            field="file",
        )
    lines = text.splitlines()
    if len(lines) < spec.header_row:
        raise StatementError(
            f"{name}: the file has {len(lines)} rows, the header is on row {spec.header_row}",
            position=f"row {len(lines)}",
            field="options.header_row",
        )
    delimiter = spec.delimiter or _detect_delimiter(lines[spec.header_row - 1])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    try:
        for row in reader:
            number = reader.line_num
            if number < spec.header_row:
                continue
            if not headers:
                headers = [cell.strip() for cell in row]
                continue
            if not any(cell.strip() for cell in row):
                continue
            rows.append((number, row))
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise StatementError(
            f"{name}: {exc}", position=f"row {reader.line_num}", field="file"
        ) from None
    return Table(headers=headers, header_row=spec.header_row, rows=rows, delimiter=delimiter)


def _detect_delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda key: counts[key])
    return best if counts[best] else ","


def _read_xlsx(data: bytes, *, name: str, spec: LayoutSpec, limit: int | None) -> Table:
    from openpyxl import load_workbook

    from openar.core.zipsafe import ArchiveError, check_zip, xlsx_limits

    max_bytes, max_ratio = xlsx_limits()
    try:
        check_zip(data, name=name, max_bytes=max_bytes, max_ratio=max_ratio)
    except ArchiveError as exc:
        raise StatementError(exc.message, field="file") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise StatementError(f"{name}: not a readable XLSX workbook: {exc}", field="file") from exc
    try:
        if spec.sheet:
            if spec.sheet not in workbook.sheetnames:
                raise StatementError(
                    f"{name}: no sheet {spec.sheet!r} (sheets: {', '.join(workbook.sheetnames)})",
                    field="options.sheet",
                )
            sheet = workbook[spec.sheet]
        else:
            sheet = workbook.worksheets[0]
        headers: list[str] = []
        rows: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < spec.header_row:
                continue
            cells = ["" if cell is None else cell for cell in row]
            if number == spec.header_row:
                headers = [str(cell).strip() for cell in cells]
                continue
            if not any(str(cell).strip() for cell in cells):
                continue
            rows.append((number, cells))
            if limit is not None and len(rows) >= limit:
                break
    finally:
        workbook.close()
    if not headers:
        raise StatementError(
            f"{name}: no header on row {spec.header_row}",
            position=f"row {spec.header_row}",
            field="options.header_row",
        )
    return Table(headers=headers, header_row=spec.header_row, rows=rows, kind="xlsx")


# -- rows to lines -------------------------------------------------------------------------------


def parse(data: bytes, *, name: str, layout: Any = None) -> list[Statement]:
    """Read a CSV/XLSX bank export with a layout: one Statement per (account, currency)."""
    spec = as_spec(layout)
    table = read_table(data, name=name, spec=spec)
    index = _column_index(table, spec, name=name)
    grouped: dict[tuple[str, str], list[StatementLine]] = {}
    for number, cells in table.rows:
        line = _line(cells, number, index, spec, name=name)
        if line is None:
            continue
        account = line.extra.pop("account", "") or spec.account
        grouped.setdefault((account, line.currency), []).append(line)
    statements = []
    for (account, currency), lines in grouped.items():
        dates = [line.booking_date or line.value_date for line in lines]
        known = [day for day in dates if day is not None]
        statements.append(
            Statement(
                format=FORMAT,
                statement_id=f"{name}:{account}:{currency}" if len(grouped) > 1 else name,
                account=account,
                currency=currency,
                lines=lines,
                opening_date=min(known) if known else None,
                closing_date=max(known) if known else None,
                extra={"layout": spec.code, "kind": table.kind, "rows": len(lines)},
            )
        )
    if not statements:
        raise StatementError(
            f"{name}: no data rows after the header on row {spec.header_row}",
            position=f"row {spec.header_row}",
            field="file",
        )
    return statements


def _column_index(table: Table, spec: LayoutSpec, *, name: str) -> dict[str, list[int]]:
    lookup = {header.casefold(): position for position, header in enumerate(table.headers)}
    index: dict[str, list[int]] = {}
    for key, names in spec.columns.items():
        positions = []
        for header in names:
            position = lookup.get(header.casefold())
            if position is None and header.isdigit() and 0 < int(header) <= len(table.headers):
                position = int(header) - 1  # a 1-based column number
            if position is None:
                raise StatementError(
                    f"{name}: no column {header!r} for {key} in the header "
                    f"({', '.join(h for h in table.headers if h)})",
                    position=f"row {table.header_row}",
                    field=f"columns.{key}",
                )
            positions.append(position)
        index[key] = positions
    return index


class _Row:
    def __init__(self, cells: list[Any], number: int, index: dict[str, list[int]], name: str):
        self.cells, self.number, self.index, self.name = cells, number, index, name

    def raw(self, key: str) -> Any:
        positions = self.index.get(key)
        if not positions:
            return ""
        position = positions[0]
        return self.cells[position] if position < len(self.cells) else ""

    def text(self, key: str) -> str:
        parts = []
        for position in self.index.get(key, []):
            value = self.cells[position] if position < len(self.cells) else ""
            text = _cell_text(value)
            if text:
                parts.append(text)
        return " ".join(parts)

    def error(self, key: str, message: str) -> StatementError:
        return StatementError(
            f"{self.name}: {message}",
            position=f"row {self.number}, column {key}",
            field=f"columns.{key}",
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _line(
    cells: list[Any], number: int, index: dict[str, list[int]], spec: LayoutSpec, *, name: str
) -> StatementLine | None:
    row = _Row(cells, number, index, name)
    amount = _signed_amount(row, spec)
    if amount is None:
        return None
    currency = (row.text("currency") or spec.currency).upper()
    if not is_currency(currency):
        raise row.error("currency", f"unknown currency {currency!r}")
    try:
        check_scale(amount, currency)
    except ValidationError as exc:
        raise row.error(_amount_key(row, spec), exc.message) from None
    booking = _date(row, "booking_date", spec)
    value = _date(row, "value_date", spec)
    fields = {key: row.text(key) for key in TEXT_FIELDS}
    fields["counterparty_account"] = fields["counterparty_account"].replace(" ", "")
    extra: dict[str, Any] = {"row": number}
    if "account" in index:
        extra["account"] = row.text("account").replace(" ", "")
    return StatementLine(
        booking_date=booking or value,
        value_date=value or booking,
        amount=amount,
        currency=currency,
        remittance=row.text("remittance"),
        extra=extra,
        **fields,
    )


def _amount_key(row: _Row, spec: LayoutSpec) -> str:
    if spec.sign != "columns":
        return "amount"
    return "credit" if row.text("credit") else "debit"


def _number(row: _Row, key: str, spec: LayoutSpec) -> Decimal | None:
    value = row.raw(key)
    if isinstance(value, bool):
        raise row.error(key, f"{value!r} is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # an XLSX number cell: its shortest repr, never binary noise
    if isinstance(value, Decimal):
        return value
    text = _cell_text(value)
    if not text:
        return None
    cleaned = text
    for symbol in ("€", "$", "£", "¥"):
        cleaned = cleaned.replace(symbol, "")
    try:
        return parse_decimal(cleaned, decimal_comma=spec.decimal == ",")
    except ValueError:
        raise row.error(key, f"{text!r} is not an amount") from None


def _signed_amount(row: _Row, spec: LayoutSpec) -> Decimal | None:
    if spec.sign == "columns":
        credit, debit = _number(row, "credit", spec), _number(row, "debit", spec)
        if credit and debit:
            raise row.error("credit", "both credit and debit are filled")
        if not credit and not debit:
            if spec.skip_blank_amounts:
                return None
            raise row.error("credit", "neither credit nor debit is filled")
        return abs(credit) if credit else -abs(debit or Decimal(0))
    amount = _number(row, "amount", spec)
    if amount is None:
        if spec.skip_blank_amounts:
            return None
        raise row.error("amount", "no amount")
    if spec.sign == "indicator":
        flag = row.text("indicator").upper()
        if flag in spec.credit_values:
            return abs(amount)
        if flag in spec.debit_values:
            return -abs(amount)
        raise row.error(
            "indicator",
            f"{flag!r} is neither a credit ({'/'.join(spec.credit_values)}) "
            f"nor a debit ({'/'.join(spec.debit_values)})",
        )
    return -amount if spec.negate else amount


def _date(row: _Row, key: str, spec: LayoutSpec) -> dt.date | None:
    value = row.raw(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        if key == "booking_date" and "value_date" not in row.index:
            raise row.error(key, "no date")
        return None
    try:
        return dt.datetime.strptime(text, spec.date_format).date()
    except ValueError:
        # Excel exports often add a time ("2026-06-30 00:00:00")
        try:
            return dt.datetime.strptime(text.split(" ")[0], spec.date_format).date()
        except ValueError:
            raise row.error(
                key, f"{text!r} is not a date in the layout's format {spec.date_format}"
            ) from None


def preview(data: bytes, *, name: str, layout: Any, rows: int = 10) -> dict[str, Any]:
    """The headers and first rows of a file, each row parsed with the layout when it can be:
    ``{"headers", "delimiter", "rows": [{"row", "cells", "line" | "error"}], "error"}``."""
    result: dict[str, Any] = {"headers": [], "rows": [], "error": None, "delimiter": ""}
    try:
        spec = as_spec(layout)
    except ValidationError as exc:
        spec = None
        result["error"] = exc.message
    raw_spec = spec or _raw_spec(layout)
    try:
        table = read_table(data, name=name, spec=raw_spec, limit=rows)
    except StatementError as exc:
        result["error"] = exc.message
        return result
    result["headers"] = table.headers
    result["delimiter"] = table.delimiter
    index = None
    if spec is not None:
        try:
            index = _column_index(table, spec, name=name)
        except StatementError as exc:
            result["error"] = exc.message
    for number, cells in table.rows:
        entry: dict[str, Any] = {"row": number, "cells": [_cell_text(cell) for cell in cells]}
        if spec is not None and index is not None:
            try:
                line = _line(cells, number, index, spec, name=name)
                entry["line"] = line.as_dict() if line is not None else None
            except StatementError as exc:
                entry["error"] = exc.message
        result["rows"].append(entry)
    return result


def _raw_spec(layout: Any) -> LayoutSpec:
    """Enough of an unfinished layout to show the file: header row, encoding, delimiter."""
    options = (
        layout.get("options") if isinstance(layout, Mapping) else getattr(layout, "options", None)
    ) or {}
    try:
        header_row = max(1, int(options.get("header_row", 1)))
    except (TypeError, ValueError):
        header_row = 1
    encoding = str(options.get("encoding") or "utf-8-sig")
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "utf-8-sig"
    delimiter = str(options.get("delimiter") or "")
    delimiter = "\t" if delimiter in {"\\t", "tab", "TAB"} else delimiter[:1]
    return LayoutSpec(
        columns={}, header_row=header_row, encoding=encoding, delimiter=delimiter,
        sheet=str(options.get("sheet") or ""),
    )  # fmt: skip
