"""The cash-application export for the ERP: one CSV row per application of cash to a document.

``bank_reference,receipt_ref,customer_ref,document_ref,amount,mode``: ``mode`` is ``auto`` or
``manual``. Only applications made by cash application are written (those loaded from the ERP
came from it); ``cash_only=False`` adds them with mode ``import``. Amounts are in the document
currency with its decimals."""

from __future__ import annotations

from pathlib import Path

from openar.core.money import format_amount
from openar.core.spreadsheets import csv_writer
from openar.ledger.models import Application

COLUMNS = ["bank_reference", "receipt_ref", "customer_ref", "document_ref", "amount", "mode"]
CHUNK = 5000


def export_cash_applications(path: str | Path, *, cash_only: bool = True) -> int:
    """Write the applications made from bank lines; returns the number of rows."""
    qs = Application.objects.order_by("receipt_id", "id")
    if cash_only:
        qs = qs.filter(cash_application__isnull=False)
    rows = qs.values_list(
        "cash_application__line__bank_reference",
        "cash_application__line__end_to_end_id",
        "receipt__receipt_ref",
        "document__customer__customer_ref",
        "document__document_ref",
        "amount",
        "document__currency",
        "cash_application__mode",
    )
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for (
            bank_ref,
            e2e,
            receipt_ref,
            customer_ref,
            doc_ref,
            amount,
            currency,
            mode,
        ) in rows.iterator(chunk_size=CHUNK):
            writer.writerow(
                [
                    bank_ref or e2e or "",
                    receipt_ref,
                    customer_ref,
                    doc_ref,
                    format_amount(amount, currency),
                    mode or "import",
                ]
            )
            count += 1
    return count
