"""Streaming readers for CSV (UTF-8) and XLSX files: rows come out one at a time as
``(line_number, {column: text})`` so a 2 GB file never sits in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from openar.core.errors import ValidationError
from openar.core.spreadsheets import FORMULA_TRIGGERS
from openar.core.zipsafe import DAMAGED, ArchiveError, check_zip, xlsx_limits

csv.field_size_limit(16 * 1024 * 1024)


class FileProblem(ValidationError):
    """The file as a whole cannot be read; carries the line where reading stopped."""

    def __init__(self, message: str, line: int = 0, field: str = "file") -> None:
        super().__init__(message, code="bad_file", field=field)
        self.line = line


class Row(dict[str, str]):
    """One data row by column name. What the reader noticed about it travels beside the values,
    never as a column, so no header name in a file can reach or fake it: values past the header
    (``extra``), formula cells (``formulas``: ``column@cell=formula``) and the columns holding a
    NUL character (``nul``)."""

    __slots__ = ("extra", "formulas", "nul")

    def __init__(self, values: Any = ()) -> None:
        super().__init__(values)
        self.extra = ""
        self.formulas: list[str] = []
        self.nul: list[str] = []


@dataclass
class RowSource:
    header: list[str]
    rows: Iterator[tuple[int, Row]]
    kind: str  # "csv" | "xlsx"
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def is_xlsx(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def open_rows(path: Path) -> RowSource:
    if is_xlsx(path):
        return _xlsx_rows(path)
    return _csv_rows(path)


def _clean_header(names: list[str]) -> list[str]:
    header = [n.strip().lstrip("\ufeff").strip() for n in names]
    while header and not header[-1]:
        header.pop()  # a trailing separator (spreadsheets add one) names no column
    for position, name in enumerate(header, start=1):
        if not name:
            raise FileProblem(
                f"line 1: column {position} of the header has no name; name every column",
                line=1,
                field=f"column {position}",
            )
        if "\x00" in name:
            raise FileProblem(
                f"line 1: column {position} of the header holds a NUL character",
                line=1,
                field=f"column {position}",
            )
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            raise FileProblem(
                f"line 1: column {name!r} appears twice in the header (columns {seen[name]} "
                f"and {position}); each column name once",
                line=1,
                field=name,
            )
        seen[name] = position
    return header


def _unescape(value: str) -> str:
    """Undo the apostrophe OpenAR's exports put before text a spreadsheet would run as a formula
    (core.spreadsheets), so an exported file reads back unchanged."""
    if value[:1] == "'" and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def _csv_rows(path: Path) -> RowSource:
    raw = open(path, "rb")  # noqa: SIM115 - closed when the row iterator finishes
    head = raw.read(65536)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    try:
        sample = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The sample may end mid-character; only a fault well inside it is a real encoding problem.
        if exc.start < len(head) - 4:
            line = head[: exc.start].count(b"\n") + 1
            raw.close()
            raise FileProblem(
                f"line {line}: the file is not UTF-8 (byte 0x{head[exc.start]:02x} at offset "
                f"{exc.start}); save it as CSV UTF-8",
                line=line,
            ) from None
        sample = head[: exc.start].decode("utf-8-sig", errors="ignore")
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = ","
    if first_line.count(";") > first_line.count(",") and first_line.count(";") > 0:
        delimiter = ";"
    elif first_line.count("\t") > first_line.count(","):
        delimiter = "\t"
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raw.close()
        raise FileProblem("the file is empty (no header row)", line=1) from None
    except UnicodeDecodeError:
        raw.close()
        raise FileProblem("line 1: the file is not UTF-8; save it as CSV UTF-8", line=1) from None
    header = _clean_header(header)

    def rows() -> Iterator[tuple[int, Row]]:
        width = len(header)
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError:
                    line = reader.line_num + 1
                    raise FileProblem(
                        f"line {line}: the file is not UTF-8 from here on; save it as CSV UTF-8",
                        line=line,
                    ) from None
                except csv.Error as exc:
                    raise FileProblem(
                        f"line {reader.line_num}: {exc}", line=reader.line_num
                    ) from None
                if not any(values) or not "".join(values).strip():
                    continue
                line = reader.line_num
                extra = ""
                if len(values) > width:
                    if any(v.strip() for v in values[width:]):
                        extra = ",".join(values[width:])
                    values = values[:width]
                elif len(values) < width:
                    values = values + [""] * (width - len(values))
                row = Row(zip(header, map(_unescape, values), strict=True))
                row.extra = extra
                if "\x00" in "".join(values):
                    row.nul = [name for name, value in row.items() if "\x00" in value]
                yield line, row
        finally:
            raw.close()

    return RowSource(header=header, rows=rows(), kind="csv")


_MERGE_RE = re.compile(rb"<mergeCell\s")


def _sheet_xml_name(zf: zipfile.ZipFile) -> str:
    names = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
    if not names:
        raise FileProblem("the workbook has no worksheet")
    return sorted(names, key=lambda n: int(re.sub(r"\D", "", n) or 0))[0]


def _merged_ranges(path: Path) -> list[str]:
    """Merged cell ranges of the first sheet, read from its XML without loading the sheet."""
    with zipfile.ZipFile(path) as zf, zf.open(_sheet_xml_name(zf)) as fh:
        ranges = []
        for _, elem in etree.iterparse(fh, events=("end",), tag="{*}mergeCell"):
            ranges.append(elem.get("ref", "?"))
            elem.clear()
        return ranges


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps doubles; repr gives the shortest text that round-trips, e.g. 1234.56.
        text = repr(value)
        if "e" in text or "E" in text:
            text = f"{Decimal(text):f}"
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def _xlsx_rows(path: Path) -> RowSource:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    max_bytes, max_ratio = xlsx_limits()
    try:
        check_zip(path, name="the workbook", max_bytes=max_bytes, max_ratio=max_ratio)
    except ArchiveError as exc:
        raise FileProblem(exc.message) from None
    try:
        merged = _merged_ranges(path)
    except (*DAMAGED, etree.XMLSyntaxError) as exc:
        raise FileProblem(f"not a readable XLSX workbook: {exc}") from None
    if merged:
        first = merged[0]
        line = int(re.sub(r"^[A-Z]+", "", first.split(":")[0]) or 0)
        raise FileProblem(
            f"line {line}: merged cells ({', '.join(merged[:5])}) are not allowed; unmerge them "
            "so every row holds its own values",
            line=line,
            field=first,
        )
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise FileProblem(f"not a readable XLSX workbook: {exc}") from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows()
    try:
        header_cells = next(it)
    except StopIteration:
        book.close()
        raise FileProblem("the worksheet is empty (no header row)", line=1) from None
    except (*DAMAGED, etree.XMLSyntaxError, ValueError, TypeError) as exc:
        book.close()
        raise FileProblem(f"line 1: not a readable XLSX workbook: {exc}", line=1) from None
    try:
        header = _clean_header([_cell_text(c.value) for c in header_cells])
    except FileProblem:
        book.close()
        raise

    def rows() -> Iterator[tuple[int, Row]]:
        line = 1
        try:
            for line, cells in enumerate(it, start=2):
                values = Row()
                formulas = []
                for i, cell in enumerate(cells):
                    if i >= len(header):
                        break
                    if getattr(cell, "data_type", None) == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith("=")
                    ):
                        formulas.append(
                            f"{header[i]}@{get_column_letter(i + 1)}{line}={cell.value}"
                        )
                        values[header[i]] = ""
                        continue
                    values[header[i]] = _cell_text(cell.value)
                values.formulas = formulas
                if not any(values.values()):
                    continue
                for name in header:
                    values.setdefault(name, "")
                yield line, values
        except (*DAMAGED, etree.XMLSyntaxError, ValueError, TypeError) as exc:
            # openpyxl reads the sheet lazily: damage deep in it surfaces only here.
            raise FileProblem(
                f"line {line}: not a readable XLSX workbook: {exc}", line=line
            ) from None
        finally:
            book.close()

    return RowSource(header=header, rows=rows(), kind="xlsx")
