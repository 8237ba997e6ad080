"""Matching bank lines to open items: settings, the candidate index, and the run that applies
the confident lines and queues the rest with their proposals."""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from openar.cashapp import matching
from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import CustomerAlias, MatchProposal, PayerAccount, StatementLine
from openar.cashapp.services.common import CHUNK, OPEN_STATUSES, _chunks, _places, norm_account
from openar.cashapp.services.plans import _Plan, _promises_check, _write_plans
from openar.core.audit import audit_record
from openar.core.money import ZERO, cross_rate, format_amount, fx_terms, fx_within, quantize
from openar.ledger.models import Customer, Document
from openar.ledger.selectors import fx_rate, latest_rates


# --------------------------------------------------------------------------- settings
def match_settings() -> matching.Settings:
    """Matching settings: OPENAR_CASHAPP_AUTO_THRESHOLD (setting or environment, default 0.92)
    and OPENAR_CASHAPP_DISCOUNT_RATES (comma-separated fractions)."""
    cfg = matching.Settings()
    threshold = getattr(settings, "OPENAR_CASHAPP_AUTO_THRESHOLD", None) or os.environ.get(
        "OPENAR_CASHAPP_AUTO_THRESHOLD"
    )
    if threshold:
        cfg.threshold = Decimal(str(threshold))
    rates = getattr(settings, "OPENAR_CASHAPP_DISCOUNT_RATES", None) or os.environ.get(
        "OPENAR_CASHAPP_DISCOUNT_RATES"
    )
    if rates:
        values = rates.split(",") if isinstance(rates, str) else rates
        cfg.discount_rates = tuple(Decimal(str(r).strip()) for r in values if str(r).strip())
    return cfg


# --------------------------------------------------------------------------- matching
@dataclass
class MatchSummary:
    as_of: dt.date
    lines: int = 0
    auto_applied: int = 0
    review: int = 0
    unidentified: int = 0
    skipped: int = 0  # dated after as_of
    applications: int = 0
    deductions: int = 0
    amounts: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # status -> currency
    on_account: dict[str, Decimal] = field(default_factory=dict)
    threshold: Decimal = Decimal("0.92")
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process only (the database works on its own cores)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    customer_ids: list[int] = field(default_factory=list)

    def add(self, status: str, currency: str, amount: Decimal) -> None:
        bucket = self.amounts.setdefault(status, {})
        bucket[currency] = bucket.get(currency, ZERO) + amount

    @property
    def auto_rate(self) -> float:
        return self.auto_applied / self.lines if self.lines else 0.0

    def as_dict(self) -> dict[str, Any]:
        def fmt(values: dict[str, Decimal]) -> dict[str, str]:
            return {c: format_amount(v, c) for c, v in sorted(values.items())}

        return {
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "auto_applied": self.auto_applied,
            "review": self.review,
            "unidentified": self.unidentified,
            "skipped": self.skipped,
            "auto_rate": round(self.auto_rate, 4),
            "applications": self.applications,
            "deductions": self.deductions,
            "threshold": str(self.threshold),
            "amounts": {
                "auto_applied": fmt(self.amounts.get(LineStatus.AUTO_APPLIED, {})),
                "review": fmt(self.amounts.get(LineStatus.REVIEW, {})),
                "unidentified": fmt(self.amounts.get(LineStatus.UNIDENTIFIED, {})),
                "on_account": fmt(self.on_account),
            },
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def match_index(*, entity_ids: Iterable[int], currencies: Iterable[str]) -> matching.MatchIndex:
    """Load every candidate for matching in a few bulk queries (never one per line)."""
    index = matching.MatchIndex()
    entity_ids = list(entity_ids)
    for cid, ref, name, parent_id, entity_id, currency in (
        Customer.objects.filter(entity_id__in=entity_ids)
        .values_list("id", "customer_ref", "name", "parent_id", "entity_id", "currency")
        .iterator(chunk_size=20000)
    ):
        index.add_customer(matching.CustomerInfo(cid, ref, name, parent_id, entity_id, currency))
    items = (
        Document.objects.filter(
            entity_id__in=entity_ids, currency__in=list(currencies), cleared_date__isnull=True
        )
        .exclude(open_amount=0)
        .values_list(
            "id",
            "customer_id",
            "document_ref",
            "document_type",
            "currency",
            "open_amount",
            "due_date",
            "document_date",
        )
        .order_by()
    )
    index.add_rows(items.iterator(chunk_size=20000))
    for account, cid in PayerAccount.objects.values_list("account", "customer_id"):
        index.payer_accounts[norm_account(account)] = cid
    for alias, cid in CustomerAlias.objects.values_list("alias", "customer_id"):
        index.add_alias(alias, cid)
    index.finish()
    return index


def _proposal_rows(line: StatementLine, proposals: Sequence[matching.Proposal]) -> list[Any]:
    return [
        MatchProposal(
            line=line,
            rank=rank,
            customer_id=p.customer_id,
            allocations=[
                {
                    "document_id": a.item.id,
                    "document_ref": a.item.ref,
                    "amount": format_amount(a.amount, a.item.currency),
                }
                for a in p.allocations
            ],
            confidence=p.confidence,
            method=p.method[:40],
            explanation=p.explanation,
            # Paid minus the open amount of the items: < 0 short (what stays open), > 0 over.
            difference_amount=p.difference if p.allocations else line.amount,
        )
        for rank, p in enumerate(proposals[:5], start=1)
    ]


def receipt_shares(total: Decimal, amounts: Sequence[Decimal], currency: str) -> list[Decimal]:
    """``total`` (in ``currency``) shared over ``amounts`` in proportion, each rounded to the
    currency and the last taking what rounding left, so the shares add up to ``total``."""
    whole = sum(amounts, ZERO)
    shares = [quantize(total * amount / whole, currency) for amount in amounts[:-1]]
    return [*shares, total - sum(shares, ZERO)]


def _fx_ready(
    top: matching.Proposal, paid: Decimal, currency: str, received: dt.date, as_of: dt.date
) -> bool:
    """Whether the ledger will post an FX proposal as it stands: one other currency, items
    cleared in full, and at the stored rate of the day it posts on (which may be newer than the
    one matching used) within the FX tolerance."""
    if not top.method.startswith("fx_"):
        return False
    currencies = {a.item.currency for a in top.allocations}
    if len(currencies) != 1 or any(a.amount <= 0 for a in top.allocations):
        return False
    (other,) = currencies
    found = fx_rate(currency, other, min(received, as_of))
    if found is None:
        return False
    cleared = sum((a.amount for a in top.allocations), ZERO)
    converted, difference = fx_terms(
        amount=cleared, receipt_amount=paid, rate=found.rate, currency=other
    )
    return fx_within(difference, converted, other)


@transaction.atomic
def lines_match(
    *,
    as_of: dt.date,
    actor: Any,
    line_ids: Sequence[int] | None = None,
    threshold: Decimal | None = None,
) -> MatchSummary:
    """Match unapplied bank lines (new, review, unidentified; or ``line_ids``) dated up to
    ``as_of``: apply the confident ones, queue the rest with their best proposals."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    mark = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        summary.timings[name] = now - mark[0]
        mark[0] = now

    cfg = match_settings()
    if threshold is not None:
        cfg.threshold = threshold
    summary = MatchSummary(as_of=as_of, threshold=cfg.threshold)
    qs = StatementLine.objects.filter(
        receipt__isnull=False, amount__gt=0, status__in=OPEN_STATUSES
    ).select_related("receipt", "statement__bank_account")
    if line_ids is not None:
        qs = qs.filter(id__in=list(line_ids))
    lines = list(qs.order_by("booking_date", "id"))
    todo = []
    for line in lines:
        assert line.receipt is not None
        if line.receipt.receipt_date > as_of:
            summary.skipped += 1
        else:
            todo.append(line)
    lap("load_lines")
    if not todo:
        summary.seconds = time.perf_counter() - started
        return summary
    entity_ids = {line.statement.bank_account.entity_id for line in todo}
    # A million small objects with no cycles: the cyclic collector would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        # Stored rates let a line match items in another currency (within the tolerance).
        rates = latest_rates(as_of)
        currencies = {line.currency for line in todo} | {c for pair in rates for c in pair}
        index = match_index(entity_ids=entity_ids, currencies=currencies)
    finally:
        if gc_was_enabled:
            gc.enable()
    lap("load_candidates")
    fx_by_currency = {
        cur: {
            other: (rate.rate, rate.date)
            for other in sorted(currencies - {cur})
            if (rate := cross_rate(cur, other, rates)) is not None
        }
        for cur in {line.currency for line in todo}
    }
    plans: list[_Plan] = []
    proposal_rows: list[MatchProposal] = []
    places_cache: dict[str, Decimal] = {}
    for line in todo:
        receipt = line.receipt
        assert receipt is not None
        places = places_cache.get(line.currency) or places_cache.setdefault(
            line.currency, _places(line.currency)
        )
        facts = matching.LineFacts(
            id=line.pk,
            amount=receipt.amount,  # in minor units; the line keeps the bank's exact amount
            currency=line.currency,
            entity_id=line.statement.bank_account.entity_id,
            date=receipt.receipt_date,
            counterparty_name=line.counterparty_name,
            counterparty_account=line.counterparty_account,
            remittance=line.remittance,
            creditor_reference=line.creditor_reference,
            end_to_end_id=line.end_to_end_id,
            customer_id=receipt.customer_id,
            fx=fx_by_currency[line.currency],
        )
        proposals = matching.propose(index, facts, cfg, places=places)
        top = proposals[0] if proposals else None
        summary.lines += 1
        applicable = (
            top is not None
            and bool(top.allocations)
            and top.confidence >= cfg.threshold
            and (
                all(a.item.currency == line.currency for a in top.allocations)
                or _fx_ready(top, receipt.amount, line.currency, receipt.receipt_date, as_of)
            )
        )
        if applicable:
            assert top is not None
            allocations = [(a.item.id, a.amount) for a in top.allocations if a.amount != 0]
            plan = _Plan(
                line=line,
                status=LineStatus.AUTO_APPLIED,
                mode=ApplicationMode.AUTO,
                customer_id=top.customer_id,
                allocations=allocations,
                confidence=top.confidence,
                summary=f"auto {top.confidence}: {top.explanation}",
            )
            if any(a.item.currency != line.currency for a in top.allocations):
                # Through FX: the receipt is taken whole, shared over the items it clears.
                plan.receipt_amounts = receipt_shares(
                    receipt.amount, [amount for _, amount in allocations], line.currency
                )
            if top.difference < 0 and top.shortfall_item is not None:
                reason = {
                    "short_payment": "short payment",
                    "bank_charges": "bank charges / FX difference",
                    "discount": "early-payment discount taken",
                }[top.shortfall_reason]
                plan.deduction = (top.shortfall_item.id, -top.difference, reason)
            if top.difference > 0:
                summary.on_account[line.currency] = (
                    summary.on_account.get(line.currency, ZERO) + top.difference
                )
            for a in top.allocations:
                a.item.open -= a.amount  # later lines see what is left
            summary.auto_applied += 1
            summary.add(LineStatus.AUTO_APPLIED, line.currency, line.amount)
            if top.customer_id is not None:
                summary.customer_ids.append(top.customer_id)
            proposal_rows.extend(_proposal_rows(line, proposals[:1]))
        elif top is not None:
            plan = _Plan(line=line, status=LineStatus.REVIEW, summary=top.explanation)
            summary.review += 1
            summary.add(LineStatus.REVIEW, line.currency, line.amount)
            proposal_rows.extend(_proposal_rows(line, proposals))
        else:
            plan = _Plan(
                line=line, status=LineStatus.UNIDENTIFIED, summary="no customer or item found"
            )
            summary.unidentified += 1
            summary.add(LineStatus.UNIDENTIFIED, line.currency, line.amount)
        plans.append(plan)
    lap("propose")
    todo_ids = [line.pk for line in todo]
    for chunk in _chunks(todo_ids):
        MatchProposal.objects.filter(line_id__in=chunk).delete()
    MatchProposal.objects.bulk_create(proposal_rows, batch_size=CHUNK)
    lap("proposals")
    written = _write_plans(plans, as_of=as_of, actor=actor, timings=summary.timings)
    summary.applications = written["applications"]
    summary.deductions = written["deductions"]
    lap("write")
    audit_record(
        actor=actor,
        action="cashapp.match",
        object_type="cashapp",
        object_id=as_of.isoformat(),
        summary=(
            f"{summary.lines} lines: {summary.auto_applied} applied automatically, "
            f"{summary.review} for review, {summary.unidentified} unidentified"
        ),
    )
    customer_ids = sorted(set(summary.customer_ids))
    if customer_ids:
        _promises_check(as_of=as_of, actor=actor, customer_ids=customer_ids)
    lap("promises")
    summary.seconds = time.perf_counter() - started
    summary.cpu_seconds = time.process_time() - cpu_started
    return summary
