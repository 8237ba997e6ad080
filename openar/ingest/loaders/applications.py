"""Applications of receipts to documents, resolved and checked in SQL (decimals, signs, totals)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openar.ingest import domain
from openar.ingest.bulk import duplicate_lines, execute, fetch
from openar.ingest.loaders.base import Counts, Errors, Loader, generic_merge


class ApplicationLoader(Loader):
    kind = "applications"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("receipt_ref", "text"), ("document_ref", "text"),
        ("amount", "num"), ("applied_date", "date"), ("receipt_id", "int"), ("document_id", "int"),
        ("places", "int"), ("raw_amount", "text"),
    ]  # fmt: skip

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        entity = self.ctx.entity(row, errors, None)
        receipt_ref = domain.text(row, "receipt_ref", errors, required=True, max_len=60)
        document_ref = domain.text(row, "document_ref", errors, required=True, max_len=40)
        raw_amount = domain.text(row, "amount", errors)
        # The document's currency sets the allowed decimals; it is checked once resolved.
        amount = domain.amount_value(row, "amount", None, errors) if raw_amount else None
        if not raw_amount:
            errors.append(("amount", "is required"))
        elif amount is not None and amount == 0:
            errors.append(("amount", "an application amount must not be zero"))
        applied = domain.date_value(row, "applied_date", errors)
        if errors:
            return None
        assert entity is not None
        assert amount is not None
        places = len(raw_amount.partition(".")[2].rstrip("0"))
        return (
            line, entity[0], receipt_ref, document_ref, amount, applied, None, None, places,
            raw_amount,
        )  # fmt: skip

    def after_staging(self) -> None:
        s = self.stage.name
        for line, first in duplicate_lines(
            self.stage, ("entity_id", "receipt_ref", "document_ref")
        ):
            self.late_errors.append(
                (line, "document_ref", f"duplicate of line {first} (same receipt)")
            )
        self.stage.index("entity_id", "receipt_ref")
        execute(
            f"UPDATE {s} SET receipt_id = (SELECT r.id FROM ledger_receipt r WHERE "
            f"r.entity_id = {s}.entity_id AND r.receipt_ref = {s}.receipt_ref), "
            f"document_id = (SELECT d.id FROM ledger_document d WHERE "
            f"d.entity_id = {s}.entity_id AND d.document_ref = {s}.document_ref)"
        )
        for line, ref in fetch(f"SELECT line, receipt_ref FROM {s} WHERE receipt_id IS NULL"):
            self.late_errors.append(
                (line, "receipt_ref", f"unknown receipt {ref!r}: import receipts first")
            )
        for line, ref in fetch(f"SELECT line, document_ref FROM {s} WHERE document_id IS NULL"):
            self.late_errors.append(
                (line, "document_ref", f"unknown document {ref!r}: import items first")
            )
        # Decimals allowed by the document's currency, sign by the document's sign: in SQL, so
        # millions of applications never come back into Python.
        from openar.core.money import MINOR_UNITS

        odd = " ".join(
            f"WHEN '{code}' THEN {places}" for code, places in MINOR_UNITS.items() if places != 2
        )
        for line, raw, currency, places in fetch(
            f"SELECT s.line, s.raw_amount, d.currency, CASE d.currency {odd} ELSE 2 END "
            f"FROM {s} s JOIN ledger_document d ON d.id = s.document_id "
            f"WHERE s.places > CASE d.currency {odd} ELSE 2 END"
        ):
            self.late_errors.append(
                (line, "amount", f"{raw} has more decimals than {currency} allows ({places})")
            )
        for (line,) in fetch(
            f"SELECT s.line FROM {s} s JOIN ledger_document d ON d.id = s.document_id "
            f"WHERE (d.amount < 0 AND s.amount > 0) OR (d.amount > 0 AND s.amount < 0)"
        ):
            self.late_errors.append(
                (line, "amount", "must have the same sign as the document amount")
            )
        # Totals are compared rounded to the stored scale: SQLite sums REALs, and 72.78 + 118.14
        # must equal 190.92 there as it does in PostgreSQL's numeric.
        self.stage.index("receipt_id", "document_id")
        self.stage.index("document_id")
        # Total applied to a document (kept applications plus this file) cannot exceed it.
        for line, ref in fetch(
            f"WITH staged AS (SELECT document_id, SUM(amount) AS amt FROM {s} "
            f"WHERE document_id IS NOT NULL GROUP BY document_id), "
            f"kept AS (SELECT a.document_id, SUM(a.amount) AS amt FROM ledger_application a "
            f"JOIN staged st ON st.document_id = a.document_id WHERE NOT EXISTS (SELECT 1 FROM "
            f"{s} s3 WHERE s3.receipt_id = a.receipt_id AND s3.document_id = a.document_id) "
            f"GROUP BY a.document_id) "
            f"SELECT s.line, s.document_ref FROM {s} s "
            f"JOIN ledger_document d ON d.id = s.document_id "
            f"JOIN staged st ON st.document_id = s.document_id "
            f"LEFT JOIN kept k ON k.document_id = s.document_id "
            f"WHERE ROUND(ABS(st.amt) + ABS(COALESCE(k.amt, 0)), 4) > ROUND(ABS(d.amount), 4)"
        ):
            self.late_errors.append((line, "amount", f"more is applied to {ref!r} than its amount"))
        # A receipt cannot be applied beyond its amount when both are in the same currency.
        for line, ref in fetch(
            f"WITH staged AS (SELECT s2.receipt_id, SUM(s2.amount) AS amt FROM {s} s2 "
            f"JOIN ledger_document d2 ON d2.id = s2.document_id "
            f"JOIN ledger_receipt r2 ON r2.id = s2.receipt_id "
            f"WHERE d2.currency = r2.currency GROUP BY s2.receipt_id), "
            f"kept AS (SELECT a.receipt_id, SUM(a.amount) AS amt FROM ledger_application a "
            f"JOIN staged st ON st.receipt_id = a.receipt_id "
            f"JOIN ledger_document d3 ON d3.id = a.document_id "
            f"JOIN ledger_receipt r3 ON r3.id = a.receipt_id "
            f"WHERE d3.currency = r3.currency AND NOT EXISTS (SELECT 1 FROM {s} s3 "
            f"WHERE s3.receipt_id = a.receipt_id AND s3.document_id = a.document_id) "
            f"GROUP BY a.receipt_id) "
            f"SELECT s.line, s.receipt_ref FROM {s} s "
            f"JOIN ledger_receipt r ON r.id = s.receipt_id "
            f"JOIN staged st ON st.receipt_id = s.receipt_id "
            f"LEFT JOIN kept k ON k.receipt_id = s.receipt_id "
            f"WHERE ROUND(st.amt + COALESCE(k.amt, 0), 4) > ROUND(r.amount, 4)"
        ):
            self.late_errors.append(
                (line, "amount", f"more is applied from receipt {ref!r} than it received")
            )

    def merge(self) -> Counts:
        return generic_merge(
            self, "ledger_application", ("receipt_id", "document_id"), ["amount", "applied_date"],
            None, with_updated_at=True,
        )  # fmt: skip
