"""Receipts: cash as the ERP booked it; a receipt without customer is unidentified cash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openar.ingest import domain
from openar.ingest.bulk import duplicate_lines
from openar.ingest.loaders.base import (
    Counts,
    Errors,
    LoadContext,
    Loader,
    attributes_json,
    generic_merge,
)
from openar.ledger.models import Customer


class ReceiptLoader(Loader):
    kind = "receipts"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("receipt_ref", "text"), ("customer_id", "int"),
        ("receipt_date", "date"), ("currency", "text"), ("amount", "num"), ("method", "text"),
        ("remittance", "text"), ("attributes", "text"),
    ]  # fmt: skip
    updated_fields = [
        "customer_id",
        "receipt_date",
        "currency",
        "amount",
        "method",
        "remittance",
        "attributes",
    ]

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.customers = dict(Customer.objects.values_list("customer_ref", "id"))

    def after_staging(self) -> None:
        for line, first in duplicate_lines(self.stage, ("entity_id", "receipt_ref")):
            self.late_errors.append(
                (line, "receipt_ref", f"duplicate of line {first} (same entity)")
            )

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        currency = domain.currency_value(row, "currency", errors)
        entity = self.ctx.entity(row, errors, currency)
        ref = domain.text(row, "receipt_ref", errors, required=True, max_len=60)
        customer_ref = domain.text(row, "customer_ref", errors, max_len=40)
        customer_id = None
        if customer_ref:
            customer_id = self.customers.get(customer_ref)
            if customer_id is None:
                errors.append(
                    (
                        "customer_ref",
                        f"unknown customer {customer_ref!r} (leave it empty for unidentified cash)",
                    )
                )
        receipt_date = domain.date_value(row, "receipt_date", errors)
        amount = domain.amount_value(row, "amount", currency, errors)
        if amount is not None and amount <= 0:
            errors.append(("amount", "a receipt amount must be positive"))
        method = domain.text(row, "method", errors, max_len=30)
        remittance = domain.text(row, "remittance", errors, max_len=100000)
        if errors:
            return None
        assert entity is not None
        return (
            line, entity[0], ref, customer_id, receipt_date, currency, amount, method, remittance,
            attributes_json(row, self.extra_columns),
        )  # fmt: skip

    def merge(self) -> Counts:
        return generic_merge(
            self, "ledger_receipt", ("entity_id", "receipt_ref"), self.updated_fields,
            "CAST(s.entity_id AS TEXT) || ':' || s.receipt_ref", with_updated_at=True,
        )  # fmt: skip
