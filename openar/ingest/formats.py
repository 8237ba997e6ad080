"""File layouts: OpenAR's own columns, an SAP FBL5N-style export and an Oracle Receivables-style
export. Each adapter maps a source row onto OpenAR's canonical column names; parsing and checks
happen afterwards in one place (``domain.py``) so every format gets the same errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openar.core.errors import ValidationError
from openar.core.money import parse_decimal
from openar.ingest.choices import ImportFormat, ImportKind

OPENAR_COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    # kind: (required columns, optional columns)
    ImportKind.CUSTOMERS: (
        ["customer_ref", "name", "entity", "currency"],
        [
            "parent_ref",
            "credit_limit",
            "payment_terms_days",
            "language",
            "country",
            "collector",
            "segment",
            "email",
            "phone",
        ],
    ),
    ImportKind.ITEMS: (
        [
            "entity",
            "customer_ref",
            "document_ref",
            "document_type",
            "document_date",
            "due_date",
            "currency",
            "amount",
        ],
        ["open_amount", "cleared_date", "reference", "po_number", "disputed"],
    ),
    ImportKind.RECEIPTS: (
        ["entity", "receipt_ref", "receipt_date", "currency", "amount"],
        ["customer_ref", "method", "remittance"],
    ),
    ImportKind.APPLICATIONS: (
        ["entity", "receipt_ref", "document_ref", "amount", "applied_date"],
        [],
    ),
    ImportKind.FX_RATES: (["date", "from_currency", "to_currency", "rate"], []),
}

# The OpenAR layout's columns in their documented order (docs/import-formats.md); exports and the
# demo generator write exactly these.
LAYOUT_COLUMNS: dict[str, list[str]] = {
    ImportKind.CUSTOMERS: [
        "customer_ref", "name", "parent_ref", "entity", "currency", "credit_limit",
        "payment_terms_days", "language", "country", "collector", "segment", "email", "phone",
    ],
    ImportKind.ITEMS: [
        "entity", "customer_ref", "document_ref", "document_type", "document_date", "due_date",
        "currency", "amount", "open_amount", "cleared_date", "reference", "po_number", "disputed",
    ],
    ImportKind.RECEIPTS: [
        "entity", "receipt_ref", "customer_ref", "receipt_date", "currency", "amount", "method",
        "remittance",
    ],
    ImportKind.APPLICATIONS: ["entity", "receipt_ref", "document_ref", "amount", "applied_date"],
    ImportKind.FX_RATES: ["date", "from_currency", "to_currency", "rate"],
}  # fmt: skip

# SAP FBL5N column names (as the ALV layout exports them) and accepted variants.
SAP_COLUMNS = {
    "entity": ["Company Code", "CoCd"],
    "customer_ref": ["Account", "Customer", "Customer Account"],
    "document_ref": ["Document Number", "DocumentNo"],
    "sap_document_type": ["Document Type", "Type"],
    "document_date": ["Document Date", "Doc. Date"],
    "due_date": ["Net Due Date", "Net due date"],
    "amount": ["Amount in Doc. Curr.", "Amount in doc. curr."],
    "currency": ["Document currency", "Document Currency", "Curr."],
    "local_amount": ["Amount in Local Currency", "Amount in local currency", "Amount in LC"],
    "local_currency": ["Local Currency", "LCurr"],
    "clearing_document": ["Clearing Document", "Clrng doc."],
    "cleared_date": ["Clearing date", "Clearing Date"],
    "reference": ["Reference"],
    "assignment": ["Assignment"],
    "dunning_block": ["Dunning block", "Dunning Block"],
    "text": ["Text"],
}
SAP_REQUIRED = [
    "customer_ref",
    "document_ref",
    "sap_document_type",
    "document_date",
    "due_date",
    "amount",
    "currency",
]

ORACLE_COLUMNS = {
    "entity": ["Operating Unit", "Legal Entity", "Business Unit"],
    "customer_ref": ["Customer Number", "Account Number"],
    "customer_name": ["Customer Name"],
    "document_ref": ["Transaction Number", "Invoice Number"],
    "oracle_class": ["Class", "Transaction Class"],
    "document_date": ["Transaction Date", "Invoice Date"],
    "due_date": ["Due Date"],
    "amount": ["Amount Due Original", "Original Amount"],
    "open_amount": ["Amount Due Remaining", "Remaining Amount", "Balance Due"],
    "currency": ["Currency", "Currency Code", "Invoice Currency"],
    "po_number": ["Purchase Order", "PO Number"],
    "reference": ["Reference"],
    "cleared_date": ["Closed Date", "Date Closed"],
    "disputed": ["In Dispute", "Disputed"],
}
ORACLE_REQUIRED = [
    "customer_ref",
    "document_ref",
    "oracle_class",
    "document_date",
    "due_date",
    "amount",
    "open_amount",
    "currency",
]

SAP_DOCUMENT_TYPES = {"RV": "invoice", "DR": "invoice", "DG": "credit_memo", "DD": "debit_memo"}
ORACLE_CLASSES = {
    "INV": "invoice",
    "CM": "credit_memo",
    "DM": "debit_memo",
    "DEP": "down_payment",
    "CB": "debit_memo",
}


def detect_format(header: list[str]) -> str:
    names = set(header)
    if names & {"Amount in Doc. Curr.", "Net Due Date", "Amount in doc. curr."}:
        return ImportFormat.SAP
    if names & {"Amount Due Remaining", "Transaction Number"}:
        return ImportFormat.ORACLE
    return ImportFormat.OPENAR


_DATE_FORMATS = ("%d.%m.%Y", "%Y%m%d", "%d/%m/%Y", "%d-%b-%Y", "%d-%b-%y", "%Y/%m/%d")


def normalize_date(text: str, formats: tuple[str, ...] = _DATE_FORMATS) -> str:
    """ERP date text to ISO; unparseable text is returned as is so the checks name it."""
    text = text.strip()
    if not text:
        return ""
    if len(text) >= 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return text
    return _try(text, formats)


def _try(text: str, formats: tuple[str, ...]) -> str:
    for fmt in formats:
        try:
            return (
                dt.datetime.strptime(text.title() if "%b" in fmt else text, fmt).date().isoformat()
            )
        except ValueError:
            continue
    return text


def normalize_amount(text: str, decimal_comma: bool | None) -> str:
    text = text.strip()
    if not text:
        return ""
    try:
        return f"{parse_decimal(text, decimal_comma=decimal_comma):f}"
    except ValueError:
        return text


@dataclass
class Adapter:
    """Maps raw rows of one file onto canonical OpenAR columns."""

    fmt: str
    kind: str
    header: list[str]
    missing: list[str]
    known: set[str]
    convert: Callable[[dict[str, str]], dict[str, Any]]
    extra_columns: list[str] = field(default_factory=list)


def _resolve(header: list[str], table: dict[str, list[str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    lower = {h.lower(): h for h in header}
    for canonical, names in table.items():
        for name in names:
            if name in header:
                found[canonical] = name
                break
            if name.lower() in lower:
                found[canonical] = lower[name.lower()]
                break
    return found


def make_adapter(
    *, fmt: str, kind: str, header: list[str], entity: str | None, decimal_comma: bool | None
) -> Adapter:
    if fmt == ImportFormat.OPENAR:
        required, optional = OPENAR_COLUMNS[kind]
        if entity and "entity" in required and "entity" not in header:
            required = [c for c in required if c != "entity"]
        missing = [c for c in required if c not in header]
        known = set(required) | set(optional) | {"entity"}

        def convert_openar(raw: dict[str, str]) -> dict[str, Any]:
            if entity and not raw.get("entity"):
                raw["entity"] = entity
            return raw

        return Adapter(
            fmt,
            kind,
            header,
            missing,
            known,
            convert_openar,
            [h for h in header if h not in known and h],
        )

    if kind != ImportKind.ITEMS:
        raise ValidationError(
            f"the {fmt} layout carries open items only; load {kind} in the OpenAR layout",
            code="unsupported_format",
            field="format",
        )
    table = SAP_COLUMNS if fmt == ImportFormat.SAP else ORACLE_COLUMNS
    required = SAP_REQUIRED if fmt == ImportFormat.SAP else ORACLE_REQUIRED
    found = _resolve(header, table)
    missing = [table[c][0] for c in required if c not in found]
    if "entity" not in found and not entity:
        missing.append(f"{table['entity'][0]} (or --entity)")
    used = set(found.values())
    extras = [h for h in header if h and h not in used]

    def pick(raw: dict[str, str], canonical: str) -> str:
        name = found.get(canonical)
        value = raw.get(name, "") if name else ""
        return value.strip() if isinstance(value, str) else value

    def convert_sap(raw: dict[str, str]) -> dict[str, Any]:
        amount = normalize_amount(pick(raw, "amount"), decimal_comma)
        cleared = normalize_date(pick(raw, "cleared_date"))
        sap_type = pick(raw, "sap_document_type").upper()
        negative = amount.startswith("-")
        doc_type = SAP_DOCUMENT_TYPES.get(sap_type)
        if doc_type is None:
            # Residual items and payments on account: debit or credit lines by their sign.
            doc_type = "credit_memo" if negative else "invoice"
        elif doc_type == "invoice" and negative:
            doc_type = "credit_memo"
        row = {
            "entity": pick(raw, "entity") or (entity or ""),
            "customer_ref": pick(raw, "customer_ref").lstrip("0") or pick(raw, "customer_ref"),
            "document_ref": pick(raw, "document_ref"),
            "document_type": doc_type,
            "document_date": normalize_date(pick(raw, "document_date")),
            "due_date": normalize_date(pick(raw, "due_date")),
            "currency": pick(raw, "currency").upper(),
            "amount": amount,
            "open_amount": "0" if cleared else amount,
            "cleared_date": cleared,
            "reference": pick(raw, "reference"),
            "po_number": "",
            "disputed": "false",
            "__local_amount__": normalize_amount(pick(raw, "local_amount"), decimal_comma),
            "__attributes__": {
                k: v
                for k, v in {
                    "sap_document_type": sap_type,
                    "assignment": pick(raw, "assignment"),
                    "clearing_document": pick(raw, "clearing_document"),
                    "dunning_block": pick(raw, "dunning_block"),
                    "text": pick(raw, "text"),
                }.items()
                if v
            },
        }
        return row

    def convert_oracle(raw: dict[str, str]) -> dict[str, Any]:
        klass = pick(raw, "oracle_class").upper()
        disputed = pick(raw, "disputed").lower() in {"y", "yes", "true", "1"}
        row = {
            "entity": pick(raw, "entity") or (entity or ""),
            "customer_ref": pick(raw, "customer_ref"),
            "document_ref": pick(raw, "document_ref"),
            "document_type": ORACLE_CLASSES.get(klass, f"oracle class {klass or '(empty)'}"),
            "document_date": normalize_date(pick(raw, "document_date")),
            "due_date": normalize_date(pick(raw, "due_date")),
            "currency": pick(raw, "currency").upper(),
            "amount": normalize_amount(pick(raw, "amount"), decimal_comma),
            "open_amount": normalize_amount(pick(raw, "open_amount"), decimal_comma),
            "cleared_date": normalize_date(pick(raw, "cleared_date")),
            "reference": pick(raw, "reference"),
            "po_number": pick(raw, "po_number"),
            "disputed": "true" if disputed else "false",
            "__attributes__": {"oracle_class": klass}
            | ({"customer_name": n} if (n := pick(raw, "customer_name")) else {}),
        }
        return row

    convert = convert_sap if fmt == ImportFormat.SAP else convert_oracle
    return Adapter(fmt, kind, header, missing, set(), convert, extras)
