"""Bank statements as OpenAR reads them, whatever the file format: pure data, no ORM.

Amounts are signed Decimals in the account currency: credits (money in) positive, debits
negative. Every parser fills the same shape so matching never looks at formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openar.core.errors import ValidationError
from openar.core.money import format_amount, is_currency


class StatementError(ValidationError):
    """A file that cannot be read as a statement; ``position`` says where (line, byte offset or
    XML path) so the bank or the user can find the fault."""

    default_code = "bad_statement"

    def __init__(self, message: str, *, position: str = "", field: str | None = None) -> None:
        where = f" at {position}" if position else ""
        super().__init__(f"{message}{where}", field=field)
        self.position = position


@dataclass(frozen=True)
class StatementLine:
    booking_date: dt.date | None
    value_date: dt.date | None
    amount: Decimal  # signed: credits positive
    currency: str
    bank_reference: str = ""
    end_to_end_id: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""  # IBAN or account number
    remittance: str = ""  # the full unstructured remittance text
    creditor_reference: str = ""  # structured reference, e.g. RF18539007547034 (ISO 11649)
    transaction_code: str = ""  # BAI type code, MT940 GVC / transaction type, camt domain codes
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON of ``openar statement parse --json`` (contract keys first)."""
        amount = (
            format_amount(self.amount, self.currency)
            if is_currency(self.currency)
            else str(self.amount)
        )
        return {
            "booking_date": self.booking_date.isoformat() if self.booking_date else None,
            "value_date": self.value_date.isoformat() if self.value_date else None,
            "amount": amount,
            "currency": self.currency,
            "bank_reference": self.bank_reference,
            "end_to_end_id": self.end_to_end_id,
            "counterparty_name": self.counterparty_name,
            "counterparty_account": self.counterparty_account,
            "remittance": self.remittance,
            "creditor_reference": self.creditor_reference,
            "transaction_code": self.transaction_code,
        }


@dataclass
class Statement:
    format: str  # "camt.053", "camt.054", "camt.052", "bai2", "mt940", "mt942", "ofx", "csv"
    statement_id: str
    account: str  # IBAN or bank account number of the company's own account
    currency: str
    lines: list[StatementLine] = field(default_factory=list)
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    opening_date: dt.date | None = None
    closing_date: dt.date | None = None
    created_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            if value is None:
                return None
            return format_amount(value, self.currency) if is_currency(self.currency) else str(value)

        return {
            "format": self.format,
            "statement_id": self.statement_id,
            "account": self.account,
            "currency": self.currency,
            "opening_balance": money(self.opening_balance),
            "closing_balance": money(self.closing_balance),
            "opening_date": self.opening_date.isoformat() if self.opening_date else None,
            "closing_date": self.closing_date.isoformat() if self.closing_date else None,
            "lines": [line.as_dict() for line in self.lines],
        }
