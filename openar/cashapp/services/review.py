"""What people do with a line on the review screens: apply it by hand, say who paid, keep it
on account or send it to the unidentified queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from openar.cashapp import matching
from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import CustomerAlias, MatchProposal, PayerAccount, StatementLine
from openar.cashapp.selectors import fx_terms_on, receipt_unapplied
from openar.cashapp.services.common import OPEN_STATUSES, _places
from openar.cashapp.services.matching import (
    _proposal_rows,
    match_index,
    match_settings,
    receipt_shares,
)
from openar.cashapp.services.plans import _Plan, _promises_check, _write_plans
from openar.core.audit import audit_record
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.money import FX_TOLERANCE, ZERO, format_amount, quantize
from openar.ledger.hierarchy import customer_family_ids
from openar.ledger.models import Customer, Document, Receipt


# --------------------------------------------------------------------------- review actions
def _locked_line(line: StatementLine | int) -> StatementLine:
    line_id = line if isinstance(line, int) else line.pk
    qs = StatementLine.objects.select_related("receipt", "statement__bank_account")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=line_id)
    except StatementLine.DoesNotExist:
        raise NotFound(f"no statement line {line_id}", field="line") from None


def _customer(customer: Customer | int | str) -> Customer:
    if isinstance(customer, Customer):
        return customer
    try:
        if isinstance(customer, int):
            return Customer.objects.get(pk=customer)
        return Customer.objects.get(customer_ref=customer)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer!r}", field="customer") from None


def _open_line(line: StatementLine, *, allow_on_account: bool = False) -> None:
    allowed = set(OPEN_STATUSES) | ({LineStatus.ON_ACCOUNT} if allow_on_account else set())
    if line.status == LineStatus.DEBIT or line.receipt is None:
        raise ValidationError(
            f"line {line.pk} is a debit, not a receipt: nothing to apply", field="line"
        )
    if line.status not in allowed:
        raise Conflict(
            f"line {line.pk} is already {line.get_status_display().lower()}",
            code="line_settled",
            field="line",
        )


@transaction.atomic
def line_apply(
    *,
    line: StatementLine | int,
    allocations: Sequence[tuple[Document | int, Decimal]] | dict[Any, Decimal],
    actor: Any,
    on_account: Decimal | None = None,
    customer: Customer | int | str | None = None,
    as_of: dt.date | None = None,
) -> StatementLine:
    """Apply a line by hand, split over documents (``[(document, amount), ...]``); whatever is
    left stays on the receipt as a credit on account (``on_account`` states it and is checked).

    Documents in another currency than the payment's (one currency) take what is left of it
    whole, at the stored rate of the day, through FX. Refuses over-application (of the receipt
    or a document), a split mixing currencies, a rate missing or beyond the FX tolerance, and
    documents of customers outside the payer's group."""
    row = _locked_line(line)
    _open_line(row, allow_on_account=True)
    receipt = row.receipt
    assert receipt is not None
    pairs = list(allocations.items()) if isinstance(allocations, dict) else list(allocations)
    if not pairs:
        raise ValidationError("choose at least one document to apply to", field="allocations")
    doc_ids = [d.pk if isinstance(d, Document) else int(d) for d, _ in pairs]
    documents = {
        d.pk: d for d in Document.objects.select_related("customer").filter(id__in=doc_ids)
    }
    if len(set(doc_ids)) != len(doc_ids):
        raise ValidationError("a document appears twice in the split", field="allocations")
    payer = _customer(customer) if customer is not None else None
    if payer is None:
        payer = receipt.customer or (
            documents[doc_ids[0]].customer if doc_ids[0] in documents else None
        )
    if payer is None:
        raise ValidationError("name the customer who paid", field="customer")
    entity_id = row.statement.bank_account.entity_id
    group = set(customer_family_ids(payer.pk))
    plan_allocations: list[tuple[int, Decimal]] = []
    total = ZERO
    for doc_id, (_, raw_amount) in zip(doc_ids, pairs, strict=True):
        doc = documents.get(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id}", field="allocations")
        amount = Decimal(str(raw_amount))
        if doc.entity_id != entity_id:
            raise ValidationError(
                f"{doc.document_ref} belongs to another entity than the bank account",
                code="foreign_entity",
                field="allocations",
            )
        if doc.customer_id not in group:
            raise ValidationError(
                f"{doc.document_ref} belongs to {doc.customer.customer_ref}, outside the "
                f"payer {payer.customer_ref}'s group",
                code="foreign_customer",
                field="allocations",
            )
        if amount == 0:
            continue
        if quantize(amount, doc.currency) != amount:
            raise ValidationError(
                f"{amount} has more decimals than {doc.currency} allows", field="allocations"
            )
        plan_allocations.append((doc_id, amount))
        total += amount
    currencies = {documents[d].currency for d, _ in plan_allocations}
    foreign = currencies - {receipt.currency}
    if foreign and len(currencies) > 1:
        raise ValidationError(
            f"the split mixes {', '.join(sorted(currencies))}: a payment in "
            f"{receipt.currency} clears documents of one currency at a time",
            code="currency_mismatch",
            field="allocations",
        )
    already = set(
        receipt.applications.filter(document_id__in=[d for d, _ in plan_allocations]).values_list(
            "document__document_ref", flat=True
        )
    )
    if already:
        raise Conflict(
            f"this payment is already applied to {', '.join(sorted(already))}",
            code="already_applied",
            field="allocations",
        )
    left = receipt_unapplied(receipt)
    applied_on = min(receipt.receipt_date, as_of) if as_of else receipt.receipt_date
    if foreign:
        (currency,) = foreign
        return _apply_through_fx(
            row,
            receipt=receipt,
            payer=payer,
            allocations=plan_allocations,
            currency=currency,
            left=left,
            on_account=on_account,
            applied_on=applied_on,
            actor=actor,
        )
    if total > left:
        raise ValidationError(
            f"the split applies {format_amount(total, receipt.currency)} but only "
            f"{format_amount(left, receipt.currency)} {receipt.currency} of the payment is "
            "unapplied",
            code="over_application",
            field="allocations",
        )
    if on_account is not None and on_account != left - total:
        raise ValidationError(
            f"on account should be {format_amount(left - total, receipt.currency)}: the rest "
            "of the payment",
            field="on_account",
        )
    status = LineStatus.APPLIED if total == left else LineStatus.ON_ACCOUNT
    plan = _Plan(
        line=row,
        status=status,
        mode=ApplicationMode.MANUAL,
        customer_id=payer.pk,
        allocations=plan_allocations,
        summary=(
            f"applied by hand to {len(plan_allocations)} document(s), "
            f"{format_amount(left - total, receipt.currency)} {receipt.currency} on account"
        ),
    )
    plan.deduction = _accepted_shortfall(row, plan_allocations)
    _write_plans([plan], as_of=as_of or receipt.receipt_date, actor=actor)
    MatchProposal.objects.filter(line=row).exclude(rank=1).delete()
    row.refresh_from_db()
    _promises_check(as_of=as_of or receipt.receipt_date, actor=actor, customer_ids=[payer.pk])
    return row


def _apply_through_fx(
    row: StatementLine,
    *,
    receipt: Receipt,
    payer: Customer,
    allocations: list[tuple[int, Decimal]],
    currency: str,
    left: Decimal,
    on_account: Decimal | None,
    applied_on: dt.date,
    actor: Any,
) -> StatementLine:
    """A payment clearing documents in another currency: what is left of it is taken whole,
    shared over the documents in proportion, and the ledger posts it at the stored rate of the
    day (``applications_post``: the rate, its date and the FX difference on each application).
    Refused without a rate, or beyond the FX tolerance, naming both amounts."""
    if left <= 0:
        raise ValidationError(
            "nothing of this payment is left to apply", code="over_application", field="allocations"
        )
    if on_account:
        raise ValidationError(
            "a payment applied in another currency is taken whole: nothing stays on account",
            field="on_account",
        )
    cleared = sum((a for _, a in allocations), ZERO)
    terms = fx_terms_on(
        receipt_currency=receipt.currency,
        currency=currency,
        day=applied_on,
        cleared=cleared,
        taken=left,
    )
    if terms is None:
        raise ValidationError(
            f"no stored rate from {receipt.currency} to {currency} on or before "
            f"{applied_on.isoformat()}: import the rate first",
            code="no_fx_rate",
            field="allocations",
        )
    if not terms.within:
        raise ValidationError(
            f"{format_amount(left, receipt.currency)} {receipt.currency} at "
            f"{terms.rate.quantize(Decimal('1E-10')).normalize():f} "
            f"({terms.rate_date.isoformat()}) is "
            f"{format_amount(terms.converted, currency)} {currency}, too far from the "
            f"{format_amount(cleared, currency)} {currency} the documents clear (FX tolerance "
            f"{(FX_TOLERANCE * 100).normalize():f}%)",
            code="fx_tolerance",
            field="allocations",
        )
    plan = _Plan(
        line=row,
        status=LineStatus.APPLIED,
        mode=ApplicationMode.MANUAL,
        customer_id=payer.pk,
        allocations=allocations,
        receipt_amounts=receipt_shares(left, [a for _, a in allocations], receipt.currency),
        summary=(
            f"applied by hand through FX to {len(allocations)} document(s): "
            f"{format_amount(left, receipt.currency)} {receipt.currency} at "
            f"{terms.rate.quantize(Decimal('1E-10')).normalize():f} = "
            f"{format_amount(terms.converted, currency)} {currency}, "
            f"FX difference {format_amount(terms.difference, currency)} {currency}"
        ),
    )
    shortfall = _accepted_shortfall(row, allocations)
    if shortfall is not None:
        plan.deduction = shortfall
        plan.deduction_currency = currency
    _write_plans([plan], as_of=applied_on, actor=actor)
    MatchProposal.objects.filter(line=row).exclude(rank=1).delete()
    row.refresh_from_db()
    _promises_check(as_of=applied_on, actor=actor, customer_ids=[payer.pk])
    return row


_SHORTFALL_REASONS = {
    "short": "short payment",
    "charges": "bank charges / FX difference",
    "discount": "early-payment discount taken",
}


def _accepted_shortfall(
    line: StatementLine, allocations: Sequence[tuple[int, Decimal]]
) -> tuple[int | None, Decimal, str] | None:
    """When a person applies a stored proposal that pays short (a short payment, charges or a
    discount), the shortfall becomes a deduction just as when it is applied automatically."""
    wanted = sorted((d, a) for d, a in allocations)
    for proposal in line.proposals.all():
        kind = proposal.method.rsplit("_", 1)[-1]
        if proposal.difference_amount >= 0 or kind not in _SHORTFALL_REASONS:
            continue
        offered = sorted(
            (int(a["document_id"]), Decimal(str(a["amount"]))) for a in proposal.allocations
        )
        if offered != wanted:
            continue
        # The shortfall sits on the first item not paid in full.
        open_amounts = dict(
            Document.objects.filter(id__in=[d for d, _ in wanted]).values_list("id", "open_amount")
        )
        short_doc = next((d for d, a in wanted if a != open_amounts.get(d)), wanted[-1][0])
        return short_doc, -proposal.difference_amount, _SHORTFALL_REASONS[kind]
    return None


@transaction.atomic
def line_assign_customer(
    *, line: StatementLine | int, customer: Customer | int | str, actor: Any
) -> StatementLine:
    """Say who paid a line; learn the payer's bank account and name for next time, and look
    for its items again."""
    row = _locked_line(line)
    _open_line(row)
    payer = _customer(customer)
    receipt = row.receipt
    assert receipt is not None
    if payer.entity_id != row.statement.bank_account.entity_id:
        raise ValidationError(
            f"{payer.customer_ref} belongs to another entity than the bank account",
            code="foreign_customer",
            field="customer",
        )
    before = receipt.customer_id
    receipt.customer = payer
    receipt.save(update_fields=["customer", "updated_at"])
    if row.counterparty_account:
        PayerAccount.objects.update_or_create(
            account=row.counterparty_account,
            defaults={
                "customer": payer,
                "learnt_from": "assigned",
                "last_seen": receipt.receipt_date,
            },
        )
    normalized = matching.norm_name(row.counterparty_name)
    if normalized and normalized != matching.norm_name(payer.name):
        CustomerAlias.objects.get_or_create(
            normalized=normalized[:200],
            customer=payer,
            defaults={"alias": row.counterparty_name[:200]},
        )
    row.status = LineStatus.REVIEW
    row.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="statement_line.assign_customer",
        object_type="statement_line",
        object_id=row.pk,
        summary=f"payer {payer.customer_ref} (account {row.counterparty_account or '-'})",
        before={"customer_id": before},
        after={"customer_id": payer.pk},
    )
    # Proposals for this customer only: what the reviewer sees next.
    _reproposals(row, payer)
    return row


def _reproposals(row: StatementLine, payer: Customer) -> None:
    receipt = row.receipt
    assert receipt is not None
    index = match_index(entity_ids=[payer.entity_id], currencies=[row.currency])
    facts = matching.LineFacts(
        id=row.pk,
        amount=receipt.amount,  # in minor units; the line keeps the bank's exact amount
        currency=row.currency,
        entity_id=payer.entity_id,
        date=receipt.receipt_date,
        counterparty_name=row.counterparty_name,
        counterparty_account=row.counterparty_account,
        remittance=row.remittance,
        creditor_reference=row.creditor_reference,
    )
    family = set(customer_family_ids(payer.pk))
    proposals = [
        p
        for p in matching.propose(index, facts, match_settings(), places=_places(row.currency))
        if p.customer_id in family
    ]
    MatchProposal.objects.filter(line=row).delete()
    MatchProposal.objects.bulk_create(_proposal_rows(row, proposals))


@transaction.atomic
def line_put_on_account(
    *, line: StatementLine | int, customer: Customer | int | str, actor: Any
) -> StatementLine:
    """Keep the whole payment as a credit on the customer's account (applied later)."""
    row = _locked_line(line)
    _open_line(row)
    payer = _customer(customer)
    if payer.entity_id != row.statement.bank_account.entity_id:
        raise ValidationError(
            f"{payer.customer_ref} belongs to another entity than the bank account",
            code="foreign_customer",
            field="customer",
        )
    receipt = row.receipt
    assert receipt is not None
    plan = _Plan(
        line=row,
        status=LineStatus.ON_ACCOUNT,
        mode=ApplicationMode.MANUAL,
        customer_id=payer.pk,
        summary=f"on account of {payer.customer_ref}",
    )
    _write_plans([plan], as_of=receipt.receipt_date, actor=actor)
    row.refresh_from_db()
    return row


@transaction.atomic
def line_mark_unidentified(*, line: StatementLine | int, actor: Any) -> StatementLine:
    """Send a line to the unidentified-cash queue (nobody knows who paid)."""
    row = _locked_line(line)
    _open_line(row)
    before = row.status
    row.status = LineStatus.UNIDENTIFIED
    row.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="statement_line.unidentified",
        object_type="statement_line",
        object_id=row.pk,
        before={"status": before},
        after={"status": row.status},
    )
    return row
