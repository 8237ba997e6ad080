"""Write the ledger out as files the importer reads back: the OpenAR CSV layouts, and items in an
SAP FBL5N-style or Oracle Receivables-style layout for ERP round trips.

Rows are streamed from the database (``iterator(chunk_size=5000)``) straight into ``csv.writer``,
so a million items never sit in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum

from openar.core.errors import ValidationError
from openar.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, ZERO, format_amount
from openar.core.spreadsheets import csv_writer
from openar.ingest.choices import ImportKind
from openar.ingest.formats import LAYOUT_COLUMNS
from openar.ledger.domain import open_amount_as_of
from openar.ledger.models import Application, Customer, Document, FxRate, Receipt

CHUNK = 5000
EXPORT_FORMATS = ("openar", "sap", "oracle")

CUSTOMER_COLUMNS = LAYOUT_COLUMNS[ImportKind.CUSTOMERS]
ITEM_COLUMNS = LAYOUT_COLUMNS[ImportKind.ITEMS]
RECEIPT_COLUMNS = LAYOUT_COLUMNS[ImportKind.RECEIPTS]
APPLICATION_COLUMNS = LAYOUT_COLUMNS[ImportKind.APPLICATIONS]
FX_COLUMNS = LAYOUT_COLUMNS[ImportKind.FX_RATES]
SAP_COLUMNS = [
    "Company Code", "Account", "Document Number", "Document Type", "Document Date",
    "Net Due Date", "Amount in Doc. Curr.", "Document currency", "Amount in Local Currency",
    "Local Currency", "Clearing Document", "Clearing date", "Reference", "Assignment",
    "Dunning block", "Text",
]  # fmt: skip
ORACLE_COLUMNS = [
    "Operating Unit", "Customer Number", "Customer Name", "Transaction Number", "Class",
    "Transaction Date", "Due Date", "Amount Due Original", "Amount Due Remaining", "Currency",
    "Purchase Order", "Reference",
]  # fmt: skip

# SAP document types as FBL5N shows them; a down payment request has no billing type of its own
# and is listed like a payment on account.
SAP_TYPES = {"invoice": "RV", "credit_memo": "DG", "debit_memo": "DD", "down_payment": "DZ"}
ORACLE_CLASSES = {"invoice": "INV", "credit_memo": "CM", "debit_memo": "DM", "down_payment": "DEP"}
# Dunning block "R" (in dispute) is how SAP keeps a contested item out of the dunning run.
SAP_DISPUTE_BLOCK = "R"
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def sap_date(day: dt.date | None) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}" if day else ""


def oracle_date(day: dt.date | None) -> str:
    # Built by hand: strftime("%b") follows the process locale, Oracle's export does not.
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year:04d}" if day else ""


def sap_amount(amount: Decimal, currency: str) -> str:
    """'1,234.56' with the sign trailing for credits ('1,234.56-'), as FBL5N prints amounts."""
    text = format_amount(abs(amount), currency)
    whole, _, frac = text.partition(".")
    grouped = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return f"{grouped}-" if amount < 0 else grouped


@contextmanager
def _csv_out(path: str | Path | TextIO) -> Iterator[Any]:
    if not isinstance(path, str | Path):  # an open text stream (the command's stdout)
        yield csv_writer(path, lineterminator="\n")
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield csv_writer(handle, lineterminator="\n")


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}",
            code="unknown_format",
            field="format",
        )


def _applied_sum(as_of: dt.date, after: bool) -> Subquery:
    dates = {"applied_date__gt": as_of} if after else {"applied_date__lte": as_of}
    return Subquery(
        Application.objects.filter(document=OuterRef("pk"), **dates)
        .order_by()
        .values("document")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(
            max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
        ),
    )


def _documents(as_of: dt.date | None, open_only: bool) -> QuerySet[Document]:
    qs = Document.objects.select_related("entity", "customer").order_by("entity_id", "id")
    if as_of is None:
        if open_only:
            qs = qs.filter(cleared_date__isnull=True).exclude(open_amount=0)
        return qs
    qs = qs.filter(document_date__lte=as_of)
    if open_only:
        from openar.ledger.selectors import open_documents_as_of

        qs = (
            open_documents_as_of(as_of)
            .select_related("entity", "customer")
            .order_by("entity_id", "id")
        )
    return qs.annotate(
        applied_through=_applied_sum(as_of, after=False),
        applied_after=_applied_sum(as_of, after=True),
    )


def _item_states(
    as_of: dt.date | None, open_only: bool
) -> Iterator[tuple[Document, Decimal, dt.date | None]]:
    """Each document with its open amount and cleared date as they stood on ``as_of``."""
    for doc in _documents(as_of, open_only).iterator(chunk_size=CHUNK):
        if as_of is None:
            yield doc, doc.open_amount, doc.cleared_date
            continue
        open_amount = open_amount_as_of(
            amount=doc.amount,
            open_amount=doc.open_amount,
            cleared_date=doc.cleared_date,
            applied_through_as_of=doc.applied_through or ZERO,  # type: ignore[attr-defined]
            applied_after_as_of=doc.applied_after or ZERO,  # type: ignore[attr-defined]
            as_of=as_of,
        )
        cleared = doc.cleared_date if doc.cleared_date and doc.cleared_date <= as_of else None
        if open_only and not open_amount:
            continue
        yield doc, open_amount, cleared


def export_items(
    *, fmt: str, path: str | Path | TextIO, as_of: dt.date | None = None, open_only: bool = False
) -> int:
    """Write documents (``open_only``: only open ones) as they stood on ``as_of`` (default: now)
    in the OpenAR, SAP FBL5N-style or Oracle Receivables-style layout; returns the row count."""
    _check_format(fmt)
    count = 0
    with _csv_out(path) as writer:
        if fmt == "openar":
            writer.writerow(ITEM_COLUMNS)
        elif fmt == "sap":
            writer.writerow(SAP_COLUMNS)
        else:
            writer.writerow(ORACLE_COLUMNS)
        for doc, open_amount, cleared in _item_states(as_of, open_only):
            writer.writerow(_item_row(fmt, doc, open_amount, cleared))
            count += 1
    return count


def _item_row(fmt: str, doc: Document, open_amount: Decimal, cleared: dt.date | None) -> list[str]:
    cur = doc.currency
    if fmt == "openar":
        return [
            doc.entity.code,
            doc.customer.customer_ref,
            doc.document_ref,
            doc.document_type,
            _iso(doc.document_date),
            _iso(doc.due_date),
            cur,
            format_amount(doc.amount, cur),
            format_amount(open_amount, cur),
            _iso(cleared),
            doc.reference,
            doc.po_number,
            "true" if doc.disputed else "false",
        ]
    if fmt == "sap":
        # FBL5N shows an open item with its open amount and a cleared one with its amount.
        shown = doc.amount if cleared else open_amount
        local = _local_amount(doc, shown)
        return [
            doc.entity.code,
            doc.customer.customer_ref,
            doc.document_ref,
            SAP_TYPES.get(doc.document_type, "RV"),
            sap_date(doc.document_date),
            sap_date(doc.due_date),
            sap_amount(shown, cur),
            cur,
            sap_amount(local, doc.functional_currency) if local is not None else "",
            doc.functional_currency,
            f"CL{doc.pk}" if cleared else "",
            sap_date(cleared),
            doc.reference,
            doc.po_number,
            SAP_DISPUTE_BLOCK if doc.disputed else "",
            "",
        ]
    return [
        doc.entity.code,
        doc.customer.customer_ref,
        doc.customer.name,
        doc.document_ref,
        ORACLE_CLASSES.get(doc.document_type, "INV"),
        oracle_date(doc.document_date),
        oracle_date(doc.due_date),
        format_amount(doc.amount, cur),
        format_amount(open_amount, cur),
        cur,
        doc.po_number,
        doc.reference,
    ]


def _local_amount(doc: Document, shown: Decimal) -> Decimal | None:
    """The shown amount in the entity's functional currency, at the document's stored rate."""
    if doc.currency == doc.functional_currency:
        return shown
    if doc.fx_rate is not None:
        return shown * doc.fx_rate
    if doc.functional_amount is not None and doc.amount:
        return shown * doc.functional_amount / doc.amount
    return None


def export_customers(path: str | Path | TextIO) -> int:
    """Write every customer in the OpenAR layout, parents before their subsidiaries, with the
    postal address (the ``address`` attribute, an extra column the import keeps) last."""
    count = 0
    base = Customer.objects.select_related("entity", "parent", "collector")
    with _csv_out(path) as writer:
        writer.writerow([*CUSTOMER_COLUMNS, "address"])
        # Top-level accounts first so a fresh database can link every child to its parent.
        for qs in (base.filter(parent__isnull=True), base.filter(parent__isnull=False)):
            for c in qs.order_by("customer_ref").iterator(chunk_size=CHUNK):
                writer.writerow(
                    [
                        c.customer_ref,
                        c.name,
                        c.parent.customer_ref if c.parent else "",
                        c.entity.code,
                        c.currency,
                        format_amount(c.credit_limit, c.currency)
                        if c.credit_limit is not None
                        else "",
                        str(c.payment_terms_days),
                        c.language,
                        c.country,
                        c.collector.username if c.collector else "",
                        c.segment,
                        c.email,
                        c.phone,
                        str((c.attributes or {}).get("address") or ""),
                    ]
                )
                count += 1
    return count


def export_receipts(path: str | Path | TextIO) -> int:
    """Write every receipt in the OpenAR layout (empty customer_ref for unidentified cash)."""
    count = 0
    with _csv_out(path) as writer:
        writer.writerow(RECEIPT_COLUMNS)
        qs = Receipt.objects.select_related("entity", "customer").order_by("entity_id", "id")
        for r in qs.iterator(chunk_size=CHUNK):
            writer.writerow(
                [
                    r.entity.code,
                    r.receipt_ref,
                    r.customer.customer_ref if r.customer else "",
                    _iso(r.receipt_date),
                    r.currency,
                    format_amount(r.amount, r.currency),
                    r.method,
                    r.remittance,
                ]
            )
            count += 1
    return count


def export_applications(path: str | Path | TextIO) -> int:
    """Write every application of cash to a document in the OpenAR layout."""
    count = 0
    with _csv_out(path) as writer:
        writer.writerow(APPLICATION_COLUMNS)
        qs = Application.objects.order_by("receipt__entity_id", "receipt_id", "id").values_list(
            "receipt__entity__code",
            "receipt__receipt_ref",
            "document__document_ref",
            "document__currency",
            "amount",
            "applied_date",
        )
        for code, receipt_ref, document_ref, currency, amount, applied in qs.iterator(
            chunk_size=CHUNK
        ):
            writer.writerow(
                [code, receipt_ref, document_ref, format_amount(amount, currency), _iso(applied)]
            )
            count += 1
    return count


def export_fx_rates(path: str | Path | TextIO) -> int:
    """Write every stored FX rate in the OpenAR layout."""
    count = 0
    with _csv_out(path) as writer:
        writer.writerow(FX_COLUMNS)
        qs = FxRate.objects.order_by("date", "from_currency", "to_currency").values_list(
            "date", "from_currency", "to_currency", "rate"
        )
        for day, from_cur, to_cur, rate in qs.iterator(chunk_size=CHUNK):
            writer.writerow([_iso(day), from_cur, to_cur, _rate_text(Decimal(rate))])
            count += 1
    return count


def _rate_text(rate: Decimal) -> str:
    text = f"{rate:f}"
    # Trailing zeros carry no information and would read as a different string on re-import.
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
