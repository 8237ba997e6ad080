"""ISO 20022 bank-to-customer cash management messages: camt.052 (account report), camt.053
(statement) and camt.054 (debit/credit notification), any version ``001.NN``.

The element names we read have kept their meaning from version 02 to 08; where v08 moved a
name under ``Pty`` (``Dbtr/Pty/Nm``) both places are read. Version 01 (2007) names its message
``BkToCstmrStmtV01`` (``...AcctRptV01``, ``...DbtCdtNtfctnV01``), puts ``TxDtls`` straight under
``Ntry`` (no ``NtryDtls``), types a balance as ``Tp/Cd``, an account as ``Id/PrtryAcct/Id`` (or
``BBAN``/``UPIC``), a creditor reference as ``CdtrRefInf/CdtrRef`` and a return reason as
``RtrInf/RtrRsn/Cd``: both spellings are read. Mapping: docs/bank-statements.md.

Lines keep their own currency (multi-currency accounts report several) and their exact amount
(up to 5 fraction digits); balances are checked per currency, and a statement that does not add
up is returned with an ``unbalanced`` warning rather than refused: the import decides."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from openar.cashapp.domain import (
    Balance,
    Statement,
    StatementError,
    StatementLine,
    StatementWarning,
    exact_amount,
)
from openar.core.money import is_currency

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
# Account identification: v02+ ``IBAN`` / ``Othr/Id``; v01 ``IBAN`` / ``BBAN`` / ``UPIC`` /
# ``PrtryAcct/Id``.
_ACCOUNT_IDS = ("Id/IBAN", "Id/Othr/Id", "Id/BBAN", "Id/UPIC", "Id/PrtryAcct/Id")
# A text field longer than this is hostile or broken (the longest ISO 20022 text is 500).
MAX_TEXT = 10_000
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    return _SNIFF.search(head) is not None


def parse(data: bytes, *, name: str, check_balances: bool = True) -> list[Statement]:
    """Read every statement/report/notification in a camt file.

    Each statement whose opening + booked entries differ from its closing balance (per
    currency) carries an ``unbalanced`` warning; ``check_balances=False`` skips that check."""
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
    # Version 01 suffixes the version to the message element: BkToCstmrStmtV01.
    container = reader.find(root, container_tag)
    if container is None:
        container = reader.find(root, f"{container_tag}V{version}")
    if container is None:
        reader.required(root, container_tag)  # raises, naming the path
    header_created = reader.datetime(reader.find(container, "GrpHdr/CreDtTm"))
    message_id = reader.text(container, "GrpHdr/MsgId")
    elements = reader.findall(container, statement_tag)
    if not elements:
        kind = {"Stmt": "statement", "Rpt": "report", "Ntfctn": "notification"}[statement_tag]
        raise StatementError(
            f"{name}: the document has a group header but no {kind} "
            f"({statement_tag}): nothing to read",
            position=reader.where(container, statement_tag),
            field=statement_tag,
        )
    statements = []
    for element in elements:
        statement = reader.statement(element, fmt=f"camt.{message}")
        statement.created_at = statement.created_at or header_created
        statement.extra.update(version=f"001.{version}", message_id=message_id, file=name)
        if check_balances:
            _check_balance(statement, element, reader)
        statements.append(statement)
    return statements


def _load(data: bytes, *, name: str) -> Any:
    # A bank statement never declares a DTD: refusing one up front rules out entity expansion
    # (billion laughs) and external entities whatever the XML library would do with them.
    head_end = data.find(b"<Document")
    doctype = _DOCTYPE.search(data, 0, head_end if head_end >= 0 else 65536)
    if doctype is not None:
        line = data.count(b"\n", 0, doctype.start()) + 1
        raise StatementError(
            f"{name}: XML document type declarations (<!DOCTYPE>, entities) are not allowed "
            "in a bank statement",
            position=f"line {line}",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise StatementError(
            f"{name}: malformed XML: {exc.msg.strip()}", position=f"line {line}, column {column}"
        ) from None
    if root is None:
        raise StatementError(f"{name}: empty XML document", position="line 1")
    if root.getroottree().docinfo.doctype:
        raise StatementError(
            f"{name}: XML document type declarations (<!DOCTYPE>, entities) are not allowed "
            "in a bank statement",
            position="line 1",
        )
    return root


def _check_balance(statement: Statement, element: Any, reader: _Reader) -> None:
    """Opening + booked entries = closing, for every currency with both balances."""
    booked: dict[str, Decimal] = statement.extra["booked_totals"]
    for balance in statement.balances:
        if balance.opening is None or balance.closing is None:
            continue
        entries = booked.get(balance.currency, Decimal(0))
        expected = balance.opening + entries
        if expected == balance.closing:
            continue
        difference = balance.closing - expected
        ccy = balance.currency
        statement.warnings.append(
            StatementWarning(
                code="unbalanced",
                message=(
                    f"{reader.name}: statement {statement.statement_id} does not balance in "
                    f"{ccy}: opening {exact_amount(balance.opening, ccy)} + entries "
                    f"{exact_amount(entries, ccy)} = {exact_amount(expected, ccy)}, but closing "
                    f"is {exact_amount(balance.closing, ccy)} (difference "
                    f"{exact_amount(difference, ccy)} {ccy})"
                ),
                position=reader.where(element),
                statement_id=statement.statement_id,
                currency=ccy,
                difference=exact_amount(difference, ccy),
            )
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
        return self._clean(found)

    def _clean(self, found: Any) -> str:
        if len(found.text) > MAX_TEXT:
            raise StatementError(
                f"{self.name}: {etree.QName(found).localname} is {len(found.text)} characters "
                f"long (at most {MAX_TEXT} are read)",
                position=self.where(found),
                field=etree.QName(found).localname,
            )
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
        """An ``Amt Ccy="EUR">12.30`` element: non-negative amount and its ISO 4217 currency.

        Kept exactly as written: ISO 20022 allows up to 5 fraction digits whatever the currency
        (the receipt an import makes of it is rounded to the currency's minor units)."""
        found = self.required(element, path)
        text = (found.text or "").strip()
        if not _AMOUNT.match(text):
            shown = text if len(text) <= 40 else f"{text[:40]}..."
            raise StatementError(
                f"{self.name}: {shown!r} is not an amount (at most 18 digits, 5 after the point)",
                position=self.where(found),
                field=path,
            )
        currency = (found.get("Ccy") or "").strip()
        self.check_currency(currency, found, path)
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
            raise StatementError(
                f"{self.name}: {text!r} is not an amount", position=self.where(found), field=path
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
            currency = currency if len(currency) <= 10 else f"{currency[:10]}..."
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
        account = self.first_text(account_el, *_ACCOUNT_IDS)
        if not account:
            raise StatementError(
                f"{self.name}: statement {statement_id} has no account id (Acct/Id/IBAN or "
                "Acct/Id/Othr/Id; in version 01 also BBAN, UPIC or PrtryAcct/Id)",
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
        # A multi-currency account reports entries in several currencies: each line keeps its
        # own, and the balances are checked per currency.
        booked: dict[str, Decimal] = defaultdict(Decimal)
        for entry in self.findall(element, "Ntry"):
            amount, entry_currency, lines = self.entry(entry)
            if not statement.currency:
                statement.currency = entry_currency
            if lines[0].extra.get("status", "BOOK") not in _UNBOOKED:
                booked[entry_currency] += amount
            statement.lines.extend(lines)
        statement.extra["booked_totals"] = dict(booked)
        statement.extra["booked_total"] = booked.get(statement.currency, Decimal(0))
        if not statement.currency:
            raise StatementError(
                f"{self.name}: statement {statement_id} has no currency (Acct/Ccy) and no amounts",
                position=self.where(account_el),
                field="currency",
            )
        return statement

    def _balances(self, element: Any, statement: Statement) -> None:
        # currency -> balance code -> (signed amount, date); a multi-currency account reports
        # an opening and a closing balance per currency.
        found: dict[str, dict[str, tuple[Decimal, dt.date | None]]] = {}
        for balance in self.findall(element, "Bal"):
            code = self.first_text(
                balance, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry", "Tp/Cd", "Tp/Prtry"
            )
            if not code:
                raise StatementError(
                    f"{self.name}: balance without a type (Tp/CdOrPrtry/Cd, in version 01 Tp/Cd)",
                    position=self.where(balance, "Tp"),
                    field="Bal/Tp",
                )
            value, currency = self.amount(balance)
            if not statement.currency:
                statement.currency = currency
            found.setdefault(currency, {}).setdefault(
                code, (value * self.sign(balance), self.date(balance, "Dt"))
            )
        for currency in sorted(found, key=lambda c: c != statement.currency):
            codes = found[currency]
            opening = next((codes[c] for c in _OPENING_CODES if c in codes), (None, None))
            closing = codes.get("CLBD", (None, None))
            statement.balances.append(
                Balance(
                    currency=currency,
                    opening=opening[0],
                    closing=closing[0],
                    opening_date=opening[1],
                    closing_date=closing[1],
                )
            )
        main = next((b for b in statement.balances if b.currency == statement.currency), None)
        if main is not None:
            statement.opening_balance, statement.opening_date = main.opening, main.opening_date
            statement.closing_balance, statement.closing_date = main.closing, main.closing_date

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
        # v02+: Ntry/NtryDtls/TxDtls; v01: Ntry/TxDtls
        elements = self.findall(entry, "NtryDtls/TxDtls") + self.findall(entry, "TxDtls")
        txs = [self.tx(tx, credit=sign > 0) for tx in elements]

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
            # The entry stays one line; every transaction's end-to-end id is kept with it.
            ids = [tx.fields["end_to_end_id"] for tx in txs if tx.fields["end_to_end_id"]]
            if ids:
                extra["end_to_end_ids"] = ids
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
        unstructured = [self._clean(el) for el in self.findall(tx, "RmtInf/Ustrd") if el.text]
        remittance = " ".join(part for part in unstructured if part)
        if not remittance:
            remittance = self.text(tx, "AddtlTxInf")
        references = [
            self._clean(el)
            for path in ("RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Strd/CdtrRefInf/CdtrRef")
            for el in self.findall(tx, path)
            if el.text and el.text.strip()
        ]
        extra: dict[str, Any] = {}
        for key, paths in (
            ("instruction_id", ("Refs/InstrId",)),
            ("mandate_id", ("Refs/MndtId",)),
            ("return_reason", ("RtrInf/Rsn/Cd", "RtrInf/RtrRsn/Cd")),
        ):
            value = self.first_text(tx, *paths)
            if value:
                extra[key] = value
        result.fields = {
            "bank_reference": self.text(tx, "Refs/AcctSvcrRef"),
            "end_to_end_id": end_to_end,
            "counterparty_name": self.first_text(
                tx, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"
            ),
            "counterparty_account": self.first_text(
                tx, *(f"RltdPties/{account}/{path}" for path in _ACCOUNT_IDS)
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
