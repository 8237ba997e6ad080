"""Aging report renderings shared by the CLI, the UI and the API: text table, CSV, XLSX."""

from __future__ import annotations

from decimal import Decimal
from typing import IO, Any

from openar.core.money import format_amount, minor_units
from openar.core.spreadsheets import csv_writer, xlsx_workbook
from openar.ledger.selectors.aging import AgingReport


def _header(report: AgingReport) -> list[str]:
    return ["key", "name", *report.bucket_names, "total"]


def aging_to_csv(report: AgingReport, stream: IO[str]) -> None:
    writer = csv_writer(stream, lineterminator="\n")
    cur = report.currency
    writer.writerow(["as_of", report.as_of.isoformat(), "currency", cur, "by", report.by])
    writer.writerow(_header(report))
    for row in report.rows:
        writer.writerow(
            [row.key, row.name]
            + [format_amount(row.buckets[n], cur) for n in report.bucket_names]
            + [format_amount(row.total, cur)]
        )
    writer.writerow(
        ["TOTAL", ""]
        + [format_amount(report.totals[n], cur) for n in report.bucket_names]
        + [format_amount(report.total, cur)]
    )
    if report.unconverted:
        writer.writerow([])
        writer.writerow(["not converted: no rate to " + cur + " on or before " + str(report.as_of)])
        writer.writerow(["key", "name", "currency", *report.bucket_names, "total"])
        for u in report.unconverted:
            writer.writerow(
                [u.key, u.name, u.currency]
                + [format_amount(u.buckets[n], u.currency) for n in report.bucket_names]
                + [format_amount(u.total, u.currency)]
            )


def aging_to_xlsx(report: AgingReport, target: str | IO[bytes]) -> None:
    """Numbers are written as numbers (exactly representable at the currency's decimals) with a
    currency-precision number format, so the sheet sums like the report."""
    book = xlsx_workbook(target, {"in_memory": True})
    sheet = book.add_worksheet("Aging")
    bold = book.add_format({"bold": True})
    places = minor_units(report.currency)
    money = book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else "")})
    money_bold = book.add_format(
        {"bold": True, "num_format": "#,##0" + ("." + "0" * places if places else "")}
    )
    sheet.write_row(0, 0, ["As of", report.as_of.isoformat(), "Currency", report.currency], bold)
    header = _header(report)
    sheet.write_row(2, 0, header, bold)
    r = 3

    def num(value: Decimal, currency: str) -> Any:
        return float(format_amount(value, currency))

    for row in report.rows:
        sheet.write(r, 0, row.key)
        sheet.write(r, 1, row.name)
        for c, name in enumerate(report.bucket_names, start=2):
            sheet.write_number(r, c, num(row.buckets[name], report.currency), money)
        sheet.write_number(r, len(header) - 1, num(row.total, report.currency), money)
        r += 1
    sheet.write(r, 0, "TOTAL", bold)
    for c, name in enumerate(report.bucket_names, start=2):
        sheet.write_number(r, c, num(report.totals[name], report.currency), money_bold)
    sheet.write_number(r, len(header) - 1, num(report.total, report.currency), money_bold)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(header) - 1, 14)
    sheet.freeze_panes(3, 2)
    if report.unconverted:
        other = book.add_worksheet("Not converted")
        other.write_row(0, 0, ["key", "name", "currency", *report.bucket_names, "total"], bold)
        for i, u in enumerate(report.unconverted, start=1):
            other.write_row(i, 0, [u.key, u.name, u.currency])
            for c, name in enumerate(report.bucket_names, start=3):
                other.write_number(i, c, num(u.buckets[name], u.currency))
            other.write_number(i, 3 + len(report.bucket_names), num(u.total, u.currency))
    book.close()


def aging_to_table(report: AgingReport) -> str:
    cur = report.currency
    header = _header(report)
    body = [
        [row.key, row.name[:30]]
        + [format_amount(row.buckets[n], cur) for n in report.bucket_names]
        + [format_amount(row.total, cur)]
        for row in report.rows
    ]
    body.append(
        ["TOTAL", ""]
        + [format_amount(report.totals[n], cur) for n in report.bucket_names]
        + [format_amount(report.total, cur)]
    )
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        cells = [
            str(v).ljust(w) if i < 2 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    out = [f"Aging as of {report.as_of} by {report.by}, in {cur}", fmt(header)]
    out.append("  ".join("-" * w for w in widths))
    out.extend(fmt(line) for line in body)
    for u in report.unconverted:
        out.append(
            f"not converted (no {u.currency}->{cur} rate on or before {report.as_of}): "
            f"{u.key} {format_amount(u.total, u.currency)} {u.currency}"
        )
    return "\n".join(out) + "\n"
