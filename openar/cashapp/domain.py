"""Bank statements as OpenAR reads them, whatever the file format: pure data, no ORM.

Amounts are signed Decimals in the line's own currency (a multi-currency account reports lines
in several currencies): credits (money in) positive, debits negative, exactly as the bank wrote
them (ISO 20022 allows 5 fraction digits; nothing is rounded here). Every parser fills the same
shape so matching never looks at formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openar.core.errors import ValidationError
from openar.core.money import decimals_of, format_amount, is_currency, minor_units


class StatementError(ValidationError):
    """A file that cannot be read as a statement; ``position`` says where (line, byte offset or
    XML path) so the bank or the user can find the fault."""

    default_code = "bad_statement"

    def __init__(self, message: str, *, position: str = "", field: str | None = None) -> None:
        where = f" at {position}" if position else ""
        super().__init__(f"{message}{where}", field=field)
        self.position = position


def exact_amount(amount: Decimal, currency: str) -> str:
    """The amount as a decimal string with the currency's decimals, or with every decimal the
    bank wrote when it wrote more (``100.12345`` EUR stays ``100.12345``: never rounded)."""
    if not is_currency(currency):
        return f"{amount:f}"
    normalized = amount.normalize() if amount else amount
    if decimals_of(normalized) > minor_units(currency):
        return f"{normalized:f}"
    return format_amount(amount, currency)


@dataclass(frozen=True)
class StatementWarning:
    """Something a person should know about a statement that is still readable: the balances do
    not add up (``unbalanced``). ``openar statement parse`` prints it; an import refuses the
    statement unless told to accept it, then stores it with the statement."""

    code: str
    message: str
    position: str = ""
    statement_id: str = ""
    currency: str = ""
    difference: str = ""  # closing minus (opening + entries), exact decimal string

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "position": self.position,
            "statement_id": self.statement_id,
            "currency": self.currency,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class Balance:
    """Opening and closing balance of one currency of a statement (signed, exact)."""

    currency: str
    opening: Decimal | None = None
    closing: Decimal | None = None
    opening_date: dt.date | None = None
    closing_date: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else exact_amount(value, self.currency)

        return {
            "currency": self.currency,
            "opening_balance": money(self.opening),
            "closing_balance": money(self.closing),
            "opening_date": self.opening_date.isoformat() if self.opening_date else None,
            "closing_date": self.closing_date.isoformat() if self.closing_date else None,
        }


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
        return {
            "booking_date": self.booking_date.isoformat() if self.booking_date else None,
            "value_date": self.value_date.isoformat() if self.value_date else None,
            "amount": exact_amount(self.amount, self.currency),
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
    # Every currency's balances (the statement currency's first) when the bank reports
    # balances in more than one currency; opening/closing_balance above are the first's.
    balances: list[Balance] = field(default_factory=list)
    warnings: list[StatementWarning] = field(default_factory=list)

    @property
    def unbalanced(self) -> list[StatementWarning]:
        return [w for w in self.warnings if w.code == "unbalanced"]

    @property
    def currencies(self) -> list[str]:
        """The statement currency, then every other currency its lines or balances use."""
        found = [self.currency] if self.currency else []
        for code in [b.currency for b in self.balances] + [x.currency for x in self.lines]:
            if code and code not in found:
                found.append(code)
        return found

    def as_dict(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else exact_amount(value, self.currency)

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
            "currencies": self.currencies,
            "balances": [balance.as_dict() for balance in self.balances],
            "warnings": [warning.as_dict() for warning in self.warnings],
        }
