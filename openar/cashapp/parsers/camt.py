"""ISO 20022 bank-to-customer cash management messages: camt.052 (account report), camt.053
(statement) and camt.054 (debit/credit notification), any version ``001.NN``.

The element names we read have kept their meaning from version 02 to 08; where v08 moved a
name under ``Pty`` (``Dbtr/Pty/Nm``) both places are read. Mapping: docs/bank-statements.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from openar.cashapp.domain import Statement, StatementError, StatementLine
from openar.core.errors import ValidationError
from openar.core.money import check_scale, is_currency

FORMAT = "camt"

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})$")
_SNIFF = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.001\.\d{2}")
# message type -> (document child, statement element)
_CONTAINERS = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
_AMOUNT = re.compile(r"^\d{1,18}(\.\d{1,5})?$")
_OPENING_CODES = ("OPBD", "PRCD")
_UNBOOKED = {"PDNG", "INFO", "FUTR"}


def sniff(head: bytes) -> bool:
    return _SNIFF.search(head) is not None


def parse(data: bytes, *, name: str, check_balances: bool = True) -> list[Statement]:
    """Read every statement/report/notification in a camt file.

    ``check_balances=False`` skips the opening + entries = closing check (for looking at a file a
    bank got wrong; imports always check)."""
    root = _load(data, name=name)
    match = _NAMESPACE.match(etree.QName(root).namespace or "")
    if match is None or etree.QName(root).localname != "Document":
        raise StatementError(
            f"{name}: not an ISO 20022 camt.052/053/054 document (root element {root.tag!r})",
            position=f"line {root.sourceline}",
        )
    message, version = match.groups()
    reader = _Reader(ns=etree.QName(root).namespace or "", name=name)
    container_tag, statement_tag = _CONTAINERS[message]
    container = reader.required(root, container_tag)
    header_created = reader.datetime(reader.find(container, "GrpHdr/CreDtTm"))
    message_id = reader.text(container, "GrpHdr/MsgId")
    statements = []
    for element in reader.findall(container, statement_tag):
        statement = reader.statement(element, fmt=f"camt.{message}")
        statement.created_at = statement.created_at or header_created
        statement.extra.update(version=f"001.{version}", message_id=message_id, file=name)
        if check_balances:
            _check_balance(statement, element, reader)
        statements.append(statement)
    return statements


def _load(data: bytes, *, name: str) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise StatementError(
            f"{name}: malformed XML: {exc.msg}", position=f"line {line}, column {column}"
        ) from None
    if root is None:
        raise StatementError(f"{name}: empty XML document", position="line 1")
    return root


def _check_balance(statement: Statement, element: Any, reader: _Reader) -> None:
    if statement.opening_balance is None or statement.closing_balance is None:
        return
    booked = statement.extra["booked_total"]
    expected = statement.opening_balance + booked
    if expected != statement.closing_balance:
        difference = statement.closing_balance - expected
        raise StatementError(
            f"{reader.name}: statement {statement.statement_id} does not balance: opening "
            f"{statement.opening_balance} + entries {booked} = {expected}, but closing is "
            f"{statement.closing_balance} (difference {difference} {statement.currency})",
            position=reader.where(element),
            field="closing_balance",
        )


@dataclass
class _Tx:
    """One transaction's details, before it becomes a line."""

    element: Any
    amount: Decimal | None = None
    currency: str = ""
    sign: int = 0  # 0: take the entry's direction
    fields: dict[str, Any] = field(default_factory=dict)


class _Reader:
    def __init__(self, *, ns: str, name: str) -> None:
        self.ns = ns
        self.name = name
        self._paths: dict[str, str] = {}

    # -- element access -------------------------------------------------------------------
    def _q(self, path: str) -> str:
        cached = self._paths.get(path)
        if cached is None:
            cached = "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))
            self._paths[path] = cached
        return cached

    def find(self, element: Any, path: str) -> Any:
        return element.find(self._q(path))

    def findall(self, element: Any, path: str) -> list[Any]:
        return list(element.iterfind(self._q(path)))

    def text(self, element: Any, path: str) -> str:
        found = element.find(self._q(path))
        if found is None or found.text is None:
            return ""
        return " ".join(found.text.split())

    def first_text(self, element: Any, *paths: str) -> str:
        for path in paths:
            value = self.text(element, path)
            if value:
                return value
        return ""

    def where(self, element: Any, child: str = "") -> str:
        """``line N, /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt`` for error messages."""
        parts = []
        node = element
        while node is not None:
            tag = etree.QName(node).localname
            parent = node.getparent()
            if parent is not None:
                same = [sib for sib in parent if sib.tag == node.tag]
                if len(same) > 1:
                    tag = f"{tag}[{same.index(node) + 1}]"
            parts.append(tag)
            node = parent
        path = "/" + "/".join(reversed(parts))
        if child:
            path = f"{path}/{child}"
        return f"line {element.sourceline}, {path}"

    def required(self, element: Any, path: str) -> Any:
        found = self.find(element, path)
        if found is None:
            raise StatementError(
                f"{self.name}: missing mandatory element {path}",
                position=self.where(element, path),
                field=path,
            )
        return found

    def required_text(self, element: Any, path: str) -> str:
        found = self.required(element, path)
        value = " ".join((found.text or "").split())
        if not value:
            raise StatementError(
                f"{self.name}: empty mandatory element {path}",
                position=self.where(found),
                field=path,
            )
        return value

    # -- values ---------------------------------------------------------------------------
    def amount(self, element: Any, path: str = "Amt") -> tuple[Decimal, str]:
        """An ``Amt Ccy="EUR">12.30`` element: non-negative amount and its ISO 4217 currency."""
        found = self.required(element, path)
        text = (found.text or "").strip()
        if not _AMOUNT.match(text):
            raise StatementError(
                f"{self.name}: {text!r} is not an amount", position=self.where(found), field=path
            )
        currency = (found.get("Ccy") or "").strip()
        self.check_currency(currency, found, path)
        try:
            value = Decimal(text)
            check_scale(value, currency)
        except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
            raise StatementError(
                f"{self.name}: {text!r} is not an amount", position=self.where(found), field=path
            ) from None
        except ValidationError as exc:
            raise StatementError(
                f"{self.name}: {exc.message}", position=self.where(found), field=path
            ) from None
        return value, currency

    def check_currency(self, currency: str, element: Any, path: str) -> None:
        if not currency:
            raise StatementError(
                f"{self.name}: {path} has no currency (Ccy)",
                position=self.where(element),
                field="currency",
            )
        if not is_currency(currency):
            raise StatementError(
                f"{self.name}: unknown currency {currency!r} (expected an ISO 4217 code)",
                position=self.where(element),
                field="currency",
            )

    def sign(self, element: Any) -> int:
        indicator = self.required_text(element, "CdtDbtInd")
        if indicator == "CRDT":
            return 1
        if indicator == "DBIT":
            return -1
        raise StatementError(
            f"{self.name}: CdtDbtInd must be CRDT or DBIT, not {indicator!r}",
            position=self.where(self.find(element, "CdtDbtInd")),
            field="CdtDbtInd",
        )

    def date(self, element: Any, path: str) -> dt.date | None:
        """``<X><Dt>2014-01-05</Dt></X>`` or ``<X><DtTm>...</DtTm></X>``."""
        holder = self.find(element, path)
        if holder is None:
            return None
        day = self.find(holder, "Dt")
        if day is not None and day.text:
            try:
                return dt.date.fromisoformat(day.text.strip()[:10])
            except ValueError:
                raise StatementError(
                    f"{self.name}: {day.text.strip()!r} is not a date",
                    position=self.where(day),
                    field=path,
                ) from None
        moment = self.datetime(self.find(holder, "DtTm"))
        return moment.date() if moment else None

    def datetime(self, element: Any) -> dt.datetime | None:
        if element is None or not element.text:
            return None
        try:
            # Naive times are the bank's local time; they are kept as the bank wrote them.
            return dt.datetime.fromisoformat(element.text.strip())
        except ValueError:
            raise StatementError(
                f"{self.name}: {element.text.strip()!r} is not a date and time",
                position=self.where(element),
            ) from None

    # -- statement ------------------------------------------------------------------------
    def statement(self, element: Any, *, fmt: str) -> Statement:
        statement_id = self.required_text(element, "Id")
        account_el = self.required(element, "Acct")
        account = self.first_text(account_el, "Id/IBAN", "Id/Othr/Id")
        if not account:
            raise StatementError(
                f"{self.name}: statement {statement_id} has no account id (Acct/Id/IBAN or "
                "Acct/Id/Othr/Id)",
                position=self.where(account_el, "Id"),
                field="account",
            )
        currency = self.text(account_el, "Ccy")
        if currency:
            self.check_currency(currency, self.find(account_el, "Ccy"), "Acct/Ccy")
        statement = Statement(
            format=fmt,
            statement_id=statement_id,
            account=account,
            currency=currency,
            created_at=self.datetime(self.find(element, "CreDtTm")),
        )
        self._balances(element, statement)
        booked = Decimal(0)
        for entry in self.findall(element, "Ntry"):
            amount, entry_currency, lines = self.entry(entry)
            if not statement.currency:
                statement.currency = entry_currency
            elif entry_currency != statement.currency:
                raise StatementError(
                    f"{self.name}: entry in {entry_currency} on a {statement.currency} account",
                    position=self.where(entry, "Amt"),
                    field="currency",
                )
            if lines[0].extra.get("status", "BOOK") not in _UNBOOKED:
                booked += amount
            statement.lines.extend(lines)
        statement.extra["booked_total"] = booked
        if not statement.currency:
            raise StatementError(
                f"{self.name}: statement {statement_id} has no currency (Acct/Ccy) and no amounts",
                position=self.where(account_el),
                field="currency",
            )
        return statement

    def _balances(self, element: Any, statement: Statement) -> None:
        found: dict[str, tuple[Decimal, dt.date | None]] = {}
        for balance in self.findall(element, "Bal"):
            code = self.first_text(balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
            if not code:
                raise StatementError(
                    f"{self.name}: balance without a type (Tp/CdOrPrtry/Cd)",
                    position=self.where(balance, "Tp"),
                    field="Bal/Tp",
                )
            value, currency = self.amount(balance)
            if not statement.currency:
                statement.currency = currency
            elif currency != statement.currency:
                raise StatementError(
                    f"{self.name}: {code} balance in {currency} on a {statement.currency} account",
                    position=self.where(balance, "Amt"),
                    field="currency",
                )
            found.setdefault(code, (value * self.sign(balance), self.date(balance, "Dt")))
        for code in _OPENING_CODES:
            if code in found:
                statement.opening_balance, statement.opening_date = found[code]
                break
        if "CLBD" in found:
            statement.closing_balance, statement.closing_date = found["CLBD"]

    # -- entries --------------------------------------------------------------------------
    def entry(self, entry: Any) -> tuple[Decimal, str, list[StatementLine]]:
        """The signed entry amount, its currency, and its lines (one, or one per TxDtls)."""
        value, currency = self.amount(entry)
        sign = self.sign(entry)
        signed = value * sign
        common: dict[str, Any] = {
            "booking_date": self.date(entry, "BookgDt"),
            "value_date": self.date(entry, "ValDt"),
            "currency": currency,
        }
        extra: dict[str, Any] = {
            "status": self.first_text(entry, "Sts/Cd", "Sts") or "BOOK",
            "entry_reference": self.text(entry, "NtryRef"),
        }
        if self.text(entry, "RvslInd").lower() == "true":
            extra["reversal"] = True
        entry_code = self.transaction_code(entry)
        entry_info = self.text(entry, "AddtlNtryInf")
        entry_ref = self.text(entry, "AcctSvcrRef")
        txs = [self.tx(tx, credit=sign > 0) for tx in self.findall(entry, "NtryDtls/TxDtls")]

        if len(txs) > 1 and self._splittable(txs, signed, currency, sign):
            lines = []
            for tx in txs:
                assert tx.amount is not None
                fields = dict(tx.fields)
                tx_extra = fields.pop("extra")
                fields["bank_reference"] = fields["bank_reference"] or entry_ref
                fields["remittance"] = fields["remittance"] or entry_info
                tx_code = fields["transaction_code"]
                fields["transaction_code"] = entry_code or tx_code
                if tx_code and tx_code != fields["transaction_code"]:
                    tx_extra["transaction_code_detail"] = tx_code
                lines.append(
                    StatementLine(
                        **common,
                        amount=tx.amount * (tx.sign or sign),
                        **fields,
                        extra={**extra, **tx_extra, "entry_amount": signed},
                    )
                )
            return signed, currency, lines

        fields = self._merge(txs)
        tx_extra = fields.pop("extra")
        fields["bank_reference"] = fields["bank_reference"] or entry_ref
        fields["remittance"] = fields["remittance"] or entry_info
        # The entry's own code describes the booking; a transaction's code only when it has none.
        fields["transaction_code"] = entry_code or fields["transaction_code"]
        if len(txs) > 1:
            extra["unsplit_transactions"] = len(txs)
        line = StatementLine(**common, amount=signed, **fields, extra={**extra, **tx_extra})
        return signed, currency, [line]

    def _splittable(self, txs: list[_Tx], signed: Decimal, currency: str, sign: int) -> bool:
        """A batch splits only when every transaction has an amount in the entry currency and
        together they make the entry amount: a split never invents or loses money."""
        if any(tx.amount is None or tx.currency != currency for tx in txs):
            return False
        total = sum((tx.amount * (tx.sign or sign) for tx in txs if tx.amount), Decimal(0))
        return total == signed

    def _merge(self, txs: list[_Tx]) -> dict[str, Any]:
        """One line for an entry with zero, one or several (unsplittable) transactions."""
        if len(txs) == 1:
            return dict(txs[0].fields)
        merged: dict[str, Any] = {
            "bank_reference": "",
            "end_to_end_id": "",
            "counterparty_name": "",
            "counterparty_account": "",
            "remittance": "",
            "creditor_reference": "",
            "transaction_code": "",
            "extra": {},
        }
        if not txs:
            return merged
        for key in merged:
            if key == "extra":
                continue
            values = [tx.fields[key] for tx in txs if tx.fields[key]]
            if key == "remittance":
                merged[key] = " ".join(values)
            elif values and all(value == values[0] for value in values):
                merged[key] = values[0]  # several transactions agree: keep it
        return merged

    def tx(self, tx: Any, *, credit: bool) -> _Tx:
        result = _Tx(element=tx)
        for path in ("Amt", "AmtDtls/TxAmt/Amt"):
            if self.find(tx, path) is not None:
                result.amount, result.currency = self.amount(tx, path)
                break
        if self.find(tx, "CdtDbtInd") is not None:
            result.sign = self.sign(tx)
        if result.sign:
            credit = result.sign > 0
        party, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        end_to_end = self.text(tx, "Refs/EndToEndId")
        if end_to_end.upper() == "NOTPROVIDED":
            end_to_end = ""
        unstructured = [
            " ".join(el.text.split()) for el in self.findall(tx, "RmtInf/Ustrd") if el.text
        ]
        remittance = " ".join(part for part in unstructured if part)
        if not remittance:
            remittance = self.text(tx, "AddtlTxInf")
        references = [
            " ".join(el.text.split())
            for el in self.findall(tx, "RmtInf/Strd/CdtrRefInf/Ref")
            if el.text and el.text.strip()
        ]
        extra: dict[str, Any] = {}
        for key, path in (
            ("instruction_id", "Refs/InstrId"),
            ("mandate_id", "Refs/MndtId"),
            ("return_reason", "RtrInf/Rsn/Cd"),
        ):
            value = self.text(tx, path)
            if value:
                extra[key] = value
        result.fields = {
            "bank_reference": self.text(tx, "Refs/AcctSvcrRef"),
            "end_to_end_id": end_to_end,
            "counterparty_name": self.first_text(
                tx, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"
            ),
            "counterparty_account": self.first_text(
                tx, f"RltdPties/{account}/Id/IBAN", f"RltdPties/{account}/Id/Othr/Id"
            ),
            "remittance": remittance,
            "creditor_reference": " ".join(references),
            "transaction_code": self.transaction_code(tx),
            "extra": extra,
        }
        return result

    def transaction_code(self, element: Any) -> str:
        domain = self.find(element, "BkTxCd/Domn")
        if domain is not None:
            parts = [
                self.text(domain, "Cd"),
                self.text(domain, "Fmly/Cd"),
                self.text(domain, "Fmly/SubFmlyCd"),
            ]
            if any(parts):
                return "/".join(part for part in parts if part)
        return self.text(element, "BkTxCd/Prtry/Cd")
