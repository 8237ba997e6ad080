"""OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements, read with ``ofxtools``."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from decimal import Decimal
from typing import Any

from ofxtools.Parser import OFXTree

from openar.cashapp.domain import Statement, StatementError, StatementLine
from openar.core.money import is_currency

FORMAT = "ofx"


def sniff(head: bytes) -> bool:
    text = head.lstrip()[:512].upper()
    return text.startswith(b"OFXHEADER") or b"<OFX>" in text or b"<?OFX" in text


def _date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _position(data: bytes, marker: bytes) -> str:
    index = data.find(marker)
    return f"line {data.count(b'\n', 0, index) + 1}" if index >= 0 else ""


def parse(data: bytes, *, name: str) -> list[Statement]:
    if b"</OFX>" not in data.upper():
        last = data.count(b"\n") + 1
        raise StatementError(
            f"{name}: OFX file ends without </OFX> (truncated?)", position=f"line {last}"
        )
    data, repairs = _repair(data)
    tree = OFXTree()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree.parse(io.BytesIO(data))
            ofx = tree.convert()
    except Exception as exc:  # ofxtools raises its own ParseError/OFXSpecError and ValueError
        raise StatementError(f"{name}: {exc}", position=_position(data, b"<OFX>")) from exc
    notes = [*repairs, *(str(w.message) for w in caught)]
    try:
        found = list(ofx.statements)
    except Exception as exc:
        raise StatementError(f"{name}: {exc}", position=_position(data, b"<OFX>")) from exc
    statements = []
    for stmt in found:
        if type(stmt).__name__ not in {"STMTRS", "CCSTMTRS"}:
            continue  # investment statements carry no bank lines
        currency = stmt.curdef
        if not is_currency(currency or ""):
            raise StatementError(
                f"{name}: unknown currency {currency!r}",
                position=_position(data, b"<CURDEF>"),
                field="currency",
            )
        account = stmt.account
        tranlist = stmt.banktranlist
        lines = [_line(trn, currency, name=name, data=data) for trn in (tranlist or [])]
        ledger = stmt.ledgerbal
        statements.append(
            Statement(
                format=FORMAT,
                statement_id=f"{getattr(account, 'acctid', '')}/"
                f"{_date(tranlist.dtend) if tranlist is not None else ''}",
                account=getattr(account, "acctid", "") or "",
                currency=currency,
                lines=lines,
                closing_balance=(
                    _amount(ledger.balamt, tag="BALAMT", name=name, data=data)
                    if ledger is not None
                    else None
                ),
                opening_date=_date(tranlist.dtstart) if tranlist is not None else None,
                closing_date=_date(ledger.dtasof) if ledger is not None else None,
                extra={
                    "bank_id": getattr(account, "bankid", "") or "",
                    "account_type": getattr(account, "accttype", "") or "",
                    "available_balance": (
                        str(_amount(stmt.availbal.balamt, tag="BALAMT", name=name, data=data))
                        if stmt.availbal
                        else None
                    ),
                    **({"warnings": notes} if notes else {}),
                },
            )
        )
    return statements


_OPEN_TRANLIST = re.compile(rb"<BANKTRANLIST>", re.IGNORECASE)
_CLOSE_TRANLIST = re.compile(rb"</BANKTRANLIST>", re.IGNORECASE)
_BALANCE_AFTER_TRANLIST = re.compile(rb"(\s*)(<(?:LEDGERBAL|AVAILBAL)>)", re.IGNORECASE)


def _repair(data: bytes) -> tuple[bytes, list[str]]:
    """Close a BANKTRANLIST the bank left open before LEDGERBAL (Nubank's SGML export), the one
    structural slip we repair; anything else ofxtools refuses is refused with its message."""
    if len(_OPEN_TRANLIST.findall(data)) != 1 or _CLOSE_TRANLIST.search(data):
        return data, []
    start = _OPEN_TRANLIST.search(data)
    assert start is not None
    balance = _BALANCE_AFTER_TRANLIST.search(data, start.end())
    if balance is None:
        return data, []
    repaired = data[: balance.start(2)] + b"</BANKTRANLIST>\n" + data[balance.start(2) :]
    line = data.count(b"\n", 0, balance.start(2)) + 1
    return repaired, [f"BANKTRANLIST not closed before line {line}: closed there"]


# No bank moves a quadrillion in one line: anything larger is a damaged or hostile file.
_LARGEST = Decimal(10) ** 15


def _amount(value: Any, *, tag: str, name: str, data: bytes) -> Decimal:
    """A finite amount of sensible size: ofxtools reads ``NaN``, ``Infinity`` and ``1E400`` into
    Decimals that would print as such or fail deep in the import."""
    amount = Decimal(value)
    if not amount.is_finite() or abs(amount) >= _LARGEST:
        raise StatementError(
            f"{name}: <{tag}> {str(value)[:40]!r} is not an amount (only finite amounts under "
            "10^15 are accepted)",
            position=_bad_amount_position(data, tag),
            field=tag,
        )
    return amount


def _bad_amount_position(data: bytes, tag: str) -> str:
    for match in re.finditer(rb"<" + tag.encode() + rb">([^<\r\n]*)", data, re.IGNORECASE):
        try:
            amount = Decimal(match.group(1).strip().decode("latin-1"))
        except ArithmeticError:
            continue  # ofxtools refuses what Decimal cannot read
        if not amount.is_finite() or abs(amount) >= _LARGEST:
            return f"line {data.count(b'\n', 0, match.start()) + 1}"
    return _position(data, f"<{tag}>".encode())


def _line(trn: Any, currency: str, *, name: str, data: bytes) -> StatementLine:
    payee = getattr(trn, "payee", None)
    counterparty = trn.name or (payee.name if payee is not None else "") or ""
    account = ""
    if getattr(trn, "bankacctto", None) is not None:
        account = trn.bankacctto.acctid or ""
    extra: dict[str, Any] = {}
    for key in ("checknum", "refnum", "sic", "payeeid"):
        value = getattr(trn, key, None)
        if value:
            extra[key] = str(value)
    return StatementLine(
        booking_date=_date(trn.dtposted),
        value_date=_date(trn.dtuser or trn.dtavail or trn.dtposted),
        amount=_amount(trn.trnamt, tag="TRNAMT", name=name, data=data),
        currency=trn.currency.cursym if getattr(trn, "currency", None) else currency,
        bank_reference=trn.fitid or "",
        counterparty_name=counterparty,
        counterparty_account=account,
        remittance=trn.memo or "",
        transaction_code=trn.trntype or "",
        extra=extra,
    )
