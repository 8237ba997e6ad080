"""Reads for cash application: the review and unidentified queues and one line in detail."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Q, QuerySet

from openar.cashapp.choices import LineStatus
from openar.cashapp.models import MatchProposal, PayerAccount, StatementLine
from openar.ledger.hierarchy import customer_family_ids
from openar.ledger.models import Customer, Document


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
