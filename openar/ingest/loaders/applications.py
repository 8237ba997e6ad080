"""Applications of receipts to documents: references resolved and decimals checked in SQL, then
checked and posted by the ledger's posting service (``ledger.services.applications_post``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openar.core.money import MINOR_UNITS
from openar.ingest import domain
from openar.ingest.bulk import execute, fetch
from openar.ingest.loaders.base import Counts, Errors, Loader
from openar.ledger.choices import PostingEffect
from openar.ledger.services import PostingError, applications_check, applications_post

# The ledger names what it refuses by receipt, document or amount; the file by its columns.
_FIELDS = {"receipt": "receipt_ref", "document": "document_ref", "amount": "amount"}


class ApplicationLoader(Loader):
    kind = "applications"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("receipt_ref", "text"), ("document_ref", "text"),
        ("amount", "num"), ("applied_date", "date"), ("receipt_id", "int"), ("document_id", "int"),
        ("places", "int"), ("raw_amount", "text"),
    ]  # fmt: skip
    checked: list[PostingError]

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
        # Decimals allowed by the document's currency, read from the file's own text: in SQL,
        # so millions of applications never come back into Python.
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
        # Duplicates, signs and totals (of each document and each receipt) are the ledger's
        # rules for posting applications, the same ones cash application is held to.
        self.checked = applications_check(stage=self.stage, effect=PostingEffect.HISTORY)
        for error in self.checked:
            self.late_errors.append((error.line, _FIELDS[error.field], error.message))

    def merge(self) -> Counts:
        result = applications_post(
            stage=self.stage,
            effect=PostingEffect.HISTORY,
            source=self.ctx.source,
            actor=self.ctx.actor,
            checked=True,
        )
        return Counts(created=result.created, updated=result.updated, unchanged=result.unchanged)
