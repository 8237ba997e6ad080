"""BAI2 (cash management balance reporting) files: one Statement per account (03 record).

The ``bai2`` library assembles records (with their 88 continuations) and parses fields; we check
control totals and record counts ourselves so an error can name the line, and so a blank account
trailer total is read as the file means it (see ``_account_total``). A control total the records
do not add up to is an ``unbalanced`` warning naming the trailer's line and both totals (read,
refused by an import unless accepted, like a camt or MT940 statement whose balances do not add
up); a record, account or group count that disagrees is an error (a file cut or spliced)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bai2 import bai2 as bai2_lib
from bai2.exceptions import IntegrityException, NotSupportedYetException, ParsingException

from openar.cashapp.domain import Statement, StatementError, StatementLine, StatementWarning
from openar.cashapp.remittance import rejoin_labels, split_originator
from openar.core.errors import ValidationError
from openar.core.money import format_amount, minor_units

FORMAT = "bai2"
OPENING_LEDGER, CLOSING_LEDGER = "010", "015"


def sniff(head: bytes) -> bool:
    return head.lstrip().startswith(b"01,")


class _Records:
    """Physical lines with their line numbers; logical records (a record plus its 88
    continuations) in file order, as the library sees them."""

    def __init__(self, text: str) -> None:
        self.lines = [
            (number, line.strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
        # (code, first line number, number of physical records incl. 88 continuations)
        self.logical: list[tuple[str, int, int]] = []
        for number, line in self.lines:
            code = line[:2]
            if code == "88" and self.logical:
                prev_code, prev_line, count = self.logical[-1]
                self.logical[-1] = (prev_code, prev_line, count + 1)
            else:
                self.logical.append((code, number, 1))
        self._cursor = 0
        self.consumed = 0

    def feed(self) -> Iterator[str]:
        for number, line in self.lines:
            self.consumed = number
            yield line

    def next(self, code: str) -> tuple[int, int]:
        """Position and physical size of the next logical record, which must be ``code``."""
        if self._cursor >= len(self.logical):
            raise StatementError(
                f"file ends before a {code} record (truncated?)", position=self.end
            )
        found, line, count = self.logical[self._cursor]
        if found != code:
            raise StatementError(
                f"expected a {code} record, found {found}", position=f"line {line}"
            )
        self._cursor += 1
        return line, count

    @property
    def end(self) -> str:
        return f"line {self.lines[-1][0]}" if self.lines else "line 1"


def _to_amount(minor: int | None, currency: str) -> Decimal:
    return Decimal(minor or 0).scaleb(-minor_units(currency))


def _currency(code: str, position: str) -> str:
    try:
        minor_units(code)
    except ValidationError:
        raise StatementError(
            f"unknown currency {code!r}", position=position, field="currency"
        ) from None
    return code


def _check(label: str, expected: int | None, found: int, position: str) -> None:
    if expected is not None and expected != found:
        raise StatementError(
            f"{label} is {expected} in the trailer but the records add up to {found}",
            position=position,
        )


def _total_warning(
    name: str, label: str, expected: int | None, found: int, position: str, currency: str
) -> StatementWarning | None:
    """A control total (a sum of amounts) the records do not add up to: the file is still read,
    as a bank's statement whose balances do not add up (``unbalanced``: ``statement parse``
    shows it, an import refuses it unless told to accept it). Counts of records, accounts and
    groups that disagree mean a file cut or spliced: those stay errors."""
    if expected is None or expected == found:
        return None
    difference = _to_amount(expected - found, currency)
    return StatementWarning(
        code="unbalanced",
        message=(
            f"{name}: {label} is {expected} in the trailer but the records add up to {found} "
            f"(difference {format_amount(difference, currency)} {currency}, at {position})"
        ),
        position=position,
        currency=currency,
        difference=f"{difference:f}",
    )


def _account_total(trailer: Any) -> int:
    """A blank account control total (seen in real files for accounts with no balances and no
    activity) means "nothing to report", i.e. zero: it is checked as zero, so a blank total on an
    account that does report amounts is still an error."""
    return 0 if trailer.account_control_total is None else int(trailer.account_control_total)


def _text(value: str | None) -> str:
    text = (value or "").strip()
    return "" if text == "/" else text.removesuffix("/").strip()


def parse(data: bytes, *, name: str) -> list[Statement]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    records = _Records(text)
    if not records.lines or not records.lines[0][1].startswith("01,"):
        raise StatementError(f"{name}: not a BAI2 file (no 01 file header)", position="line 1")
    if not records.lines[-1][1].startswith("99,"):
        raise StatementError(
            f"{name}: file ends without a 99 file trailer (truncated?)", position=records.end
        )
    try:
        parsed = bai2_lib.parse_from_lines(records.feed(), check_integrity=False)
    except StatementError:
        raise
    except (
        ParsingException,
        NotSupportedYetException,
        IntegrityException,
        ValueError,
        TypeError,
        IndexError,
        KeyError,
        StopIteration,
    ) as exc:
        raise StatementError(f"{name}: {exc}", position=f"line {records.consumed}") from exc

    statements: list[Statement] = []
    records.next("01")
    file_total, file_count = 0, 2  # 01 and 99
    for group in parsed.children:
        first_of_group = len(statements)
        header = group.header
        _, group_rows = records.next("02")
        group_currency = header.currency or "USD"  # the library defaults a blank to USD per spec
        as_of: dt.date | None = header.as_of_date
        group_total, group_count = 0, group_rows + 1  # 02 and 98
        for account in group.children:
            ident = account.header
            account_line, account_rows = records.next("03")
            currency = _currency(ident.currency or group_currency, f"line {account_line}")
            computed = sum(s.amount or 0 for s in ident.summary_items)
            count = account_rows
            lines: list[StatementLine] = []
            for detail in account.children:
                detail_line, detail_rows = records.next("16")
                count += detail_rows
                computed += detail.amount or 0
                lines.append(_line(detail, currency, as_of, detail_line))
            trailer_line, trailer_rows = records.next("49")
            count += trailer_rows
            where = f"line {trailer_line}"
            _check("account record count", account.trailer.number_of_records, count, where)
            warning = _total_warning(
                name, "account control total", _account_total(account.trailer), computed, where,
                currency,
            )  # fmt: skip
            group_total += computed
            group_count += count
            balances = {s.type_code.code: s.amount for s in ident.summary_items if s.type_code}
            statement_id = (
                f"{parsed.header.file_id or ''}/{ident.customer_account_number}"
                f"/{as_of.isoformat() if as_of else ''}"
            )
            statements.append(
                Statement(
                    format=FORMAT,
                    statement_id=statement_id,
                    account=ident.customer_account_number or "",
                    currency=currency,
                    lines=lines,
                    opening_balance=_balance(balances, OPENING_LEDGER, currency),
                    closing_balance=_balance(balances, CLOSING_LEDGER, currency),
                    opening_date=as_of,
                    closing_date=as_of,
                    extra={
                        "file_id": parsed.header.file_id,
                        "sender_id": parsed.header.sender_id,
                        "summary": {
                            code: str(_to_amount(v, currency)) for code, v in balances.items()
                        },
                        "line": account_line,
                    },
                    warnings=[replace(warning, statement_id=statement_id)] if warning else [],
                )
            )
        trailer_line, _ = records.next("98")
        where = f"line {trailer_line}"
        _check("group account count", group.trailer.number_of_accounts, len(group.children), where)
        _check("group record count", group.trailer.number_of_records, group_count, where)
        _warn_all(
            statements[first_of_group:], name, "group control total",
            group.trailer.group_control_total, group_total, where, group_currency,
        )  # fmt: skip
        file_total += group_total
        file_count += group_count
    trailer_line, _ = records.next("99")
    where = f"line {trailer_line}"
    _warn_all(
        statements, name, "file control total", parsed.trailer.file_control_total, file_total,
        where, statements[0].currency if statements else "USD",
    )  # fmt: skip
    _check("file group count", parsed.trailer.number_of_groups, len(parsed.children), where)
    _check("file record count", parsed.trailer.number_of_records, file_count, where)
    return statements


def _warn_all(
    statements: list[Statement],
    name: str,
    label: str,
    expected: int | None,
    found: int,
    position: str,
    currency: str,
) -> None:
    """A group or file total that does not add up concerns every account under it."""
    warning = _total_warning(name, label, expected, found, position, currency)
    if warning is None:
        return
    for statement in statements:
        statement.warnings.append(replace(warning, statement_id=statement.statement_id))
    if not statements:
        raise StatementError(warning.message, position=position)


def _balance(balances: dict[str, int | None], code: str, currency: str) -> Decimal | None:
    return _to_amount(balances[code], currency) if code in balances else None


def _line(detail: Any, currency: str, as_of: dt.date | None, position: int) -> StatementLine:
    code = detail.type_code.code
    if detail.amount is None:
        raise StatementError("transaction detail without an amount", position=f"line {position}")
    amount = _to_amount(detail.amount, currency)
    if 400 <= int(code) <= 699:
        amount = -amount
    elif not 100 <= int(code) <= 399:
        raise StatementError(
            f"type code {code} is not a credit (100-399) or debit (400-699) detail",
            position=f"line {position}",
        )
    funds = detail.funds_type.value if detail.funds_type else ""
    value_date: dt.date | None = None
    if funds == "V" and detail.availability and detail.availability.get("date"):
        value_date = detail.availability["date"]
    elif funds in ("", "0", "Z"):
        value_date = as_of  # immediate availability (or unknown: the as-of date)
    extra: dict[str, Any] = {"funds_type": funds, "line": position}
    if detail.availability:
        extra["availability"] = {str(k): str(v) for k, v in detail.availability.items()}
    customer_reference = _text(detail.customer_reference)
    if customer_reference:
        extra["customer_reference"] = customer_reference
    text = _text(detail.text)
    name, account = text_parties(text)
    return StatementLine(
        booking_date=as_of,
        value_date=value_date,
        amount=amount,
        currency=currency,
        bank_reference=_text(detail.bank_reference),
        end_to_end_id=customer_reference,
        counterparty_name=name,
        counterparty_account=account,
        remittance=text,
        transaction_code=code,
        extra=extra,
    )


# BAI2 has no payer fields; banks write the payer into the 16/88 text with their own labels.
# Citi UK: "BO:11111111 BO1:DOE JO" (by order of: account, name); US ACH: "ORIG CO NAME:ACME
# CORP ORIG ID:..."; Fedwire: "ORG=ACME CORP OBI=..."; JPMorgan: "B/O: ACME CORP".
_NAME_LABELS = (
    r"\bBO1:", r"\bORIG CO NAME:", r"\bORIGINATOR NAME:", r"\bORG=", r"\bB/O:", r"\bIND NAME:",
)  # fmt: skip
_ACCOUNT_LABELS = (r"\bBO:", r"\bORIG ACCT:", r"\bORIGINATOR ACCT:")
_NEXT_LABEL = re.compile(
    r"\s(?:ORIG ID|ORIG CO NAME|DESC DATE|CO ENTRY DESCR|ENTRY DESCR|IND ID|IND NAME|CO ID"
    r"|[A-Z]{2,6}\d?|B/O|TRACE#):|\s[A-Z]{3}="
)


def text_parties(text: str) -> tuple[str, str]:
    """The payer's name and account as labelled in a BAI2 detail text, or ("", ""). A wire's
    originator may carry its account before the name ("ORG=/123456789 ACME CORP")."""
    text = rejoin_labels(text)
    account, name = split_originator(_labelled(text, _NAME_LABELS))
    labelled = _labelled(text, _ACCOUNT_LABELS).replace(" ", "")
    return name, labelled or account


def _labelled(text: str, labels: tuple[str, ...]) -> str:
    for label in labels:
        match = re.search(label, text)
        if match is None:
            continue
        rest = text[match.end() :].lstrip()
        end = _NEXT_LABEL.search(" " + rest)
        value = (rest[: end.start()] if end else rest).strip(" /,")
        if value:
            return value[:200]
    return ""
