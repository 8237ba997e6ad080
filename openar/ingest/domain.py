"""Pure parsing and checks of canonical rows: no ORM, no I/O.

Every check returns errors as ``(field, message)`` so one bad row reports all its problems."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from openar.core.money import ZERO, is_currency, minor_units

Errors = list[tuple[str, str]]

TRUE_WORDS = {"true", "yes", "y", "1", "x", "si", "sí"}
FALSE_WORDS = {"false", "no", "n", "0", ""}
DOCUMENT_TYPES = ("invoice", "credit_memo", "debit_memo", "down_payment")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_AMOUNT_RE = re.compile(r"^[+-]?(\d*)(?:\.(\d*))?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def text(
    row: dict[str, Any], name: str, errors: Errors, *, required: bool = False, max_len: int = 200
) -> str:
    value = row.get(name)
    if value:
        value = value.strip()
    if not value:
        if required:
            errors.append((name, "is required"))
        return ""
    if len(value) > max_len:
        errors.append((name, f"is longer than {max_len} characters"))
        return value[:max_len]
    return value


def date_value(
    row: dict[str, Any], name: str, errors: Errors, *, required: bool = True
) -> dt.date | None:
    raw = text(row, name, errors, required=required)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append((name, f"{raw!r} is not a date (expected YYYY-MM-DD)"))
        return None


def currency_value(row: dict[str, Any], name: str, errors: Errors) -> str | None:
    raw = text(row, name, errors, required=True).upper()
    if not raw:
        return None
    if not is_currency(raw):
        errors.append((name, f"unknown currency {raw!r} (expected an ISO 4217 code such as USD)"))
        return None
    return raw


def amount_value(
    row: dict[str, Any], name: str, currency: str | None, errors: Errors, *, required: bool = True
) -> Decimal | None:
    raw = text(row, name, errors, required=required)
    if not raw:
        return None
    match = _AMOUNT_RE.match(raw)
    if match is None or not (match.group(1) or match.group(2)):
        errors.append((name, f"{raw!r} is not an amount (use digits with '.' for decimals)"))
        return None
    # Checked on the text: trailing zeros are harmless, a real extra decimal is refused.
    if currency is not None:
        places = minor_units(currency)
        if len((match.group(2) or "").rstrip("0")) > places:
            errors.append((name, f"{raw} has more decimals than {currency} allows ({places})"))
            return None
    if len(match.group(1).lstrip("0")) > 15:
        errors.append((name, f"{raw} is too large"))
        return None
    return Decimal(raw)


def bool_value(row: dict[str, Any], name: str, errors: Errors) -> bool:
    raw = text(row, name, errors).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    errors.append((name, f"{raw!r} is not true or false"))
    return False


def int_value(
    row: dict[str, Any], name: str, errors: Errors, *, low: int, high: int, default: int | None
) -> int | None:
    raw = text(row, name, errors)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors.append((name, f"{raw!r} is not a whole number"))
        return default
    if not low <= value <= high:
        errors.append((name, f"{value} is outside {low}..{high}"))
        return default
    return value


def check_item_amounts(
    *,
    document_type: str | None,
    amount: Decimal | None,
    open_amount: Decimal | None,
    cleared_date: dt.date | None,
    document_date: dt.date | None,
    errors: Errors,
) -> Decimal | None:
    """Sign and size rules for a document; returns the open amount to store."""
    if amount is None or document_type is None:
        return None
    if document_type == "credit_memo" and amount > 0:
        errors.append(("amount", "a credit memo amount must be negative"))
    elif document_type in ("invoice", "debit_memo") and amount < 0:
        errors.append(
            (
                "amount",
                f"an {document_type.replace('_', ' ')} amount must not be negative "
                "(credit memos carry negative amounts)",
            )
        )
    if open_amount is None:
        open_amount = ZERO if cleared_date else amount
    if amount >= 0 and not ZERO <= open_amount <= amount:
        errors.append(
            ("open_amount", f"open_amount {open_amount} must be between 0 and amount {amount}")
        )
    elif amount < 0 and not amount <= open_amount <= ZERO:
        errors.append(
            ("open_amount", f"open_amount {open_amount} must be between amount {amount} and 0")
        )
    if cleared_date is not None and open_amount != 0:
        errors.append(("cleared_date", "a cleared item must have open_amount 0"))
    if cleared_date is not None and document_date is not None and cleared_date < document_date:
        errors.append(("cleared_date", "is before the document date"))
    return open_amount


def email_ok(value: str) -> bool:
    return not value or bool(_EMAIL_RE.match(value))


def find_cycles(parents: dict[str, str]) -> set[str]:
    """Refs that sit on a parent cycle (a customer cannot be its own ancestor)."""
    bad: set[str] = set()
    for start in parents:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parents:
            if node in seen:
                bad.update(seen[seen.index(node) :])
                break
            seen.append(node)
            node = parents.get(node)
    return bad
