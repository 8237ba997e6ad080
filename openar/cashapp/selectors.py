"""Reads for cash application: the review and unidentified queues, one line in detail, the
statement list and the applied lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet

from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import (
    BankLayout,
    CashApplication,
    MatchProposal,
    PayerAccount,
    StatementFile,
    StatementLine,
)
from openar.core.money import ZERO, fx_terms, fx_within
from openar.ledger.hierarchy import customer_family_ids
from openar.ledger.models import Customer, Document, Receipt
from openar.ledger.selectors import fx_rate

SETTLED_STATUSES = (LineStatus.AUTO_APPLIED, LineStatus.APPLIED, LineStatus.ON_ACCOUNT)


def _queue(
    statuses: tuple[str, ...],
    *,
    as_of: dt.date | None,
    bank_account: int | None,
    search: str,
) -> QuerySet[StatementLine]:
    qs = (
        StatementLine.objects.filter(status__in=statuses, receipt__isnull=False)
        .select_related("receipt", "receipt__customer", "statement__bank_account")
        .order_by("booking_date", "statement_id", "line_no")
    )
    if as_of is not None:
        qs = qs.filter(receipt__receipt_date__lte=as_of)
    if bank_account is not None:
        qs = qs.filter(statement__bank_account_id=bank_account)
    if search:
        qs = qs.filter(
            Q(counterparty_name__icontains=search)
            | Q(remittance__icontains=search)
            | Q(bank_reference__icontains=search)
            | Q(end_to_end_id__icontains=search)
        )
    return qs


def review_queue(
    *, as_of: dt.date | None = None, bank_account: int | None = None, search: str = ""
) -> QuerySet[StatementLine]:
    """Lines waiting for a person (suggestions below the threshold, or not matched yet),
    oldest first, with their best proposal prefetched."""
    return _queue(
        (LineStatus.REVIEW, LineStatus.NEW), as_of=as_of, bank_account=bank_account, search=search
    ).prefetch_related("proposals", "proposals__customer")


def unidentified_queue(
    *, as_of: dt.date | None = None, bank_account: int | None = None, search: str = ""
) -> QuerySet[StatementLine]:
    """Receipts nobody could name a payer for, oldest first."""
    return _queue((LineStatus.UNIDENTIFIED,), as_of=as_of, bank_account=bank_account, search=search)


def receipt_unapplied(receipt: Receipt) -> Decimal:
    """What is left of a receipt to apply, in its currency: its amount less what its
    applications took from it (in another currency than the receipt's, what each took at the
    rate of its day, ``receipt_amount``)."""
    taken = ZERO
    for amount, receipt_amount, currency in receipt.applications.values_list(
        "amount", "receipt_amount", "document__currency"
    ):
        taken += amount if currency == receipt.currency else (receipt_amount or ZERO)
    return receipt.amount - taken


class FxTerms(NamedTuple):
    """How a payment clears documents in another currency, at the stored rate of the day."""

    currency: str  # the documents'
    rate: Decimal  # units of the documents' currency per unit of the payment's
    rate_date: dt.date
    receipt_amount: Decimal  # what is taken from the payment, in its currency
    converted: Decimal  # that amount at the rate, in the documents' currency
    cleared: Decimal  # what the documents clear
    difference: Decimal  # cleared - converted: the FX difference (< 0 when paid more)
    within: bool  # within the ledger's FX tolerance (core.money.FX_TOLERANCE)


def fx_terms_on(
    *, receipt_currency: str, currency: str, day: dt.date, cleared: Decimal, taken: Decimal
) -> FxTerms | None:
    """The terms the ledger would post ``taken`` of a payment in ``receipt_currency`` against
    documents clearing ``cleared`` in ``currency`` on ``day``; None without a stored rate."""
    found = fx_rate(receipt_currency, currency, day)
    if found is None:
        return None
    converted, difference = fx_terms(
        amount=cleared, receipt_amount=taken, rate=found.rate, currency=currency
    )
    return FxTerms(
        currency,
        found.rate,
        found.date,
        taken,
        converted,
        cleared,
        difference,
        fx_within(difference, converted, currency),
    )


def proposals_fx_terms(
    line: StatementLine, proposals: Sequence[MatchProposal]
) -> dict[int, FxTerms | None]:
    """For each proposal (by rank) that clears documents in another currency than the line's,
    the terms it would be posted on today: the whole unapplied payment taken, at the stored rate
    of the receipt's date. Proposals in the line's currency are left out."""
    wanted = {
        int(a["document_id"])
        for p in proposals
        if p.method.startswith("fx_")
        for a in p.allocations or []
        if a.get("document_id") is not None
    }
    if not wanted or line.receipt is None:
        return {}
    currencies = dict(Document.objects.filter(id__in=wanted).values_list("id", "currency"))
    left = receipt_unapplied(line.receipt)
    out: dict[int, FxTerms | None] = {}
    for p in proposals:
        docs = [(int(a["document_id"]), Decimal(str(a["amount"]))) for a in p.allocations or []
                if a.get("document_id") is not None]  # fmt: skip
        others = {currencies.get(d) for d, _ in docs} - {line.currency}
        if len(others) != 1 or None in others:
            continue
        (currency,) = others
        out[p.rank] = fx_terms_on(
            receipt_currency=line.currency,
            currency=str(currency),
            day=line.receipt.receipt_date,
            cleared=sum((a for _, a in docs), ZERO),
            taken=left,
        )
    return out


class LineDetail(NamedTuple):
    line: StatementLine
    proposals: list[MatchProposal]
    customer: Customer | None  # the payer: assigned, else the best proposal's, else learnt
    open_items: list[Document]  # that customer's (and its group's) open items in the currency


def applicable_documents(
    line: StatementLine, customer: Customer, *, limit: int = 200
) -> list[Document]:
    """The open documents a person may apply ``line`` to when ``customer`` paid: those of the
    customer's whole group (``ledger.hierarchy``), in the line's currency, of the bank account's
    entity; the review service accepts exactly these. Oldest due first."""
    return list(
        Document.objects.filter(
            customer_id__in=customer_family_ids(customer.pk),
            currency=line.currency,
            entity_id=line.statement.bank_account.entity_id,
            cleared_date__isnull=True,
        )
        .exclude(open_amount=0)
        .select_related("customer")
        .order_by("due_date", "document_ref")[:limit]
    )


def line_detail(line: StatementLine | int, *, limit: int = 200) -> LineDetail:
    """A line with its ranked proposals and the open items a person would apply it to."""
    if isinstance(line, int):
        line = StatementLine.objects.select_related("receipt", "statement__bank_account").get(
            pk=line
        )
    proposals = list(line.proposals.select_related("customer").order_by("rank"))
    customer: Customer | None = line.receipt.customer if line.receipt else None
    if customer is None:
        customer = next((p.customer for p in proposals if p.customer is not None), None)
    if customer is None and line.counterparty_account:
        payer = (
            PayerAccount.objects.select_related("customer")
            .filter(account=line.counterparty_account)
            .first()
        )
        customer = payer.customer if payer else None
    items = applicable_documents(line, customer, limit=limit) if customer is not None else []
    return LineDetail(line, proposals, customer, items)


def statement_list(
    *,
    queryset: QuerySet[StatementFile] | None = None,
    bank_account: int | None = None,
    search: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    open_only: bool = False,
) -> QuerySet[StatementFile]:
    """Imported statements, newest first, with their lines counted by status; narrowed by bank
    account, file name or the bank's statement id, statement period, and (``open_only``) those
    with lines still to review or identify."""
    qs = queryset if queryset is not None else StatementFile.objects.all()
    review = Q(lines__status__in=(LineStatus.REVIEW, LineStatus.NEW), lines__amount__gt=0)
    qs = qs.select_related("bank_account", "imported_by").annotate(
        n_lines=Count("lines"),
        n_review=Count("lines", filter=review),
        n_unidentified=Count("lines", filter=Q(lines__status=LineStatus.UNIDENTIFIED)),
        n_auto=Count("lines", filter=Q(lines__status=LineStatus.AUTO_APPLIED)),
        n_applied=Count("lines", filter=Q(lines__status=LineStatus.APPLIED)),
        n_on_account=Count("lines", filter=Q(lines__status=LineStatus.ON_ACCOUNT)),
        n_debit=Count("lines", filter=Q(lines__status=LineStatus.DEBIT)),
    )
    if bank_account is not None:
        qs = qs.filter(bank_account_id=bank_account)
    if search:
        qs = qs.filter(Q(filename__icontains=search) | Q(statement_id__icontains=search))
    # A statement belongs to the dates its period covers (or its import date without one).
    if date_from is not None:
        qs = qs.filter(
            Q(period_end__gte=date_from)
            | Q(period_end__isnull=True, imported_at__date__gte=date_from)
        )
    if date_to is not None:
        qs = qs.filter(
            Q(period_start__lte=date_to)
            | Q(period_start__isnull=True, imported_at__date__lte=date_to)
        )
    if open_only:
        qs = qs.filter(Q(n_review__gt=0) | Q(n_unidentified__gt=0))
    return qs.order_by("-imported_at", "-id")


def applied_lines(
    *,
    queryset: QuerySet[StatementLine] | None = None,
    mode: str = "",
    search: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = "",
) -> QuerySet[StatementLine]:
    """Settled lines (applied automatically, by a person, or left on account), newest first,
    with their applications prefetched; narrowed by mode, payer/customer/reference text,
    booking date and status."""
    qs = queryset if queryset is not None else StatementLine.objects.all()
    qs = qs.filter(status__in=SETTLED_STATUSES)
    if status in SETTLED_STATUSES:
        qs = qs.filter(status=status)
    if mode in ApplicationMode.values:
        qs = qs.filter(applications__mode=mode).distinct()
    if search:
        qs = qs.filter(
            Q(counterparty_name__icontains=search)
            | Q(receipt__customer__customer_ref__iexact=search)
            | Q(receipt__customer__name__icontains=search)
            | Q(remittance__icontains=search)
            | Q(bank_reference__icontains=search)
        )
    if date_from is not None:
        qs = qs.filter(booking_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(booking_date__lte=date_to)
    return (
        qs.select_related("receipt__customer", "matched_by")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=CashApplication.objects.select_related("application__document").order_by(
                    "id"
                ),
            )
        )
        .order_by("-matched_at", "-id")
    )


def bank_layout_list(
    *,
    queryset: QuerySet[BankLayout] | None = None,
    search: str = "",
    bank_account: int | None = None,
) -> QuerySet[BankLayout]:
    """CSV/XLSX bank layouts by code, with their bank account: by code or name, and account."""
    layouts = (queryset if queryset is not None else BankLayout.objects.all()).select_related(
        "bank_account"
    )
    if search:
        layouts = layouts.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if bank_account is not None:
        layouts = layouts.filter(bank_account_id=bank_account)
    return layouts.order_by("code")
