"""Writing what matching or a person decided for lines, all in bulk: applications and open
amounts through the ledger's posting service, deductions and events through disputes' and
activity's services, line statuses, learnt payer accounts and audit events here."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from openar.activity.services import account_events_record_bulk, promises_check
from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import CashApplication, PayerAccount, StatementLine
from openar.cashapp.services.common import CHUNK, OPEN_STATUSES, _chunks
from openar.core.audit import audit_record_many
from openar.disputes.services import deductions_open_bulk
from openar.ledger.choices import PostingEffect
from openar.ledger.services import Posting, applications_post, postings_stage, receipts_identify


# --------------------------------------------------------------------------- applying cash
@dataclass
class _Plan:
    """What to write for one line: its new status, customer, applications and shortfall."""

    line: StatementLine
    status: str
    mode: str = ApplicationMode.AUTO
    customer_id: int | None = None
    allocations: list[tuple[int, Decimal]] = field(default_factory=list)  # document id, amount
    # Through FX: what each allocation takes from the receipt, in the receipt's currency.
    receipt_amounts: list[Decimal] | None = None
    confidence: Decimal | None = None
    deduction: tuple[int | None, Decimal, str] | None = None  # document id, amount, reason
    deduction_currency: str | None = None  # the documents', when cleared through FX
    summary: str = ""


def _write_plans(
    plans: list[_Plan], *, as_of: dt.date, actor: Any, timings: dict[str, float] | None = None
) -> dict[str, int]:
    """Write the plans: the applications through the ledger's posting service (which locks the
    documents in id order and refuses cash beyond what is open), who paid each receipt, line
    statuses, deductions and short-payment events through their apps' services, learnt payer
    accounts and one audit event per line."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[f"write_{name}"] = now - clock[0]
        clock[0] = now

    now = timezone.now()
    user = actor if hasattr(actor, "pk") else None
    postings: list[Posting] = []
    owners: list[_Plan] = []
    for plan in plans:
        receipt = plan.line.receipt
        assert receipt is not None
        applied_on = min(receipt.receipt_date, as_of)
        shares: list[Decimal | None] = [None] * len(plan.allocations)
        if plan.receipt_amounts is not None:
            shares = list(plan.receipt_amounts)
        for (doc_id, amount), share in zip(plan.allocations, shares, strict=True):
            postings.append(Posting(receipt.pk, doc_id, amount, applied_on, receipt_amount=share))
            owners.append(plan)
    applied = 0
    if postings:
        stage = postings_stage(postings)
        posted = applications_post(
            stage=stage, effect=PostingEffect.CASH, source="cashapp", actor=actor
        )
        stage.drop()
        applied = posted.created
        lap("applications")
        CashApplication.objects.bulk_create(
            [
                CashApplication(
                    line=plan.line,
                    application_id=posted.applications[(p.receipt_id, p.document_id)],
                    mode=plan.mode,
                    confidence=plan.confidence,
                    created_by=user,
                )
                for p, plan in zip(postings, owners, strict=True)
            ],
            batch_size=CHUNK,
        )
    lap("cash_applications")
    payers: dict[int, int | None] = {}
    for plan in plans:
        receipt = plan.line.receipt
        if receipt is not None and plan.customer_id != receipt.customer_id:
            receipt.customer_id = plan.customer_id
            payers[receipt.pk] = plan.customer_id
    receipts_identify(customers=payers, actor=actor)
    lap("receipts")
    by_status: dict[str, list[int]] = defaultdict(list)
    for plan in plans:
        by_status[plan.status].append(plan.line.pk)
        plan.line.status = plan.status
    for status, ids in by_status.items():
        settled = status not in OPEN_STATUSES
        for chunk in _chunks(ids):
            StatementLine.objects.filter(id__in=chunk).update(
                status=status,
                matched_at=now if settled else None,
                matched_by=user if settled else None,
            )
    lap("lines")
    deductions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for plan in plans:
        if plan.deduction is None or plan.customer_id is None:
            continue
        short_doc, amount, reason = plan.deduction
        receipt = plan.line.receipt
        assert receipt is not None
        deductions.append(
            {
                "customer_id": plan.customer_id,
                "document_id": short_doc,
                "receipt_id": receipt.pk,
                "amount": amount,
                "currency": plan.deduction_currency or receipt.currency,
                "opened_on": as_of,
                "reason": reason,
            }
        )
        if reason.startswith("short payment"):
            events.append(
                {
                    "customer_id": plan.customer_id,
                    "kind": "short_payment",
                    "occurred_on": receipt.receipt_date,
                    "ref": f"line:{plan.line.pk}",
                    "details": {
                        "receipt_ref": receipt.receipt_ref,
                        "document_id": short_doc,
                        "amount": str(amount),
                        "currency": plan.deduction_currency or receipt.currency,
                    },
                }
            )
    opened = deductions_open_bulk(deductions=deductions, actor=actor)
    account_events_record_bulk(events=events, source="cashapp", actor=actor)
    lap("deductions")
    _learn_payers(plans, as_of=as_of)
    lap("payers")
    audit_record_many(
        actor=actor,
        events=(
            {
                "action": f"statement_line.{plan.status}",
                "object_type": "statement_line",
                "object_id": plan.line.pk,
                "summary": plan.summary,
                "after": {
                    "status": plan.status,
                    "customer_id": plan.customer_id,
                    "allocations": [[d, str(a)] for d, a in plan.allocations],
                    "mode": plan.mode if plan.allocations else None,
                },
            }
            for plan in plans
        ),
        batch_size=CHUNK,
    )
    lap("audit")
    return {"applications": applied, "deductions": opened}


def _learn_payers(plans: Sequence[_Plan], *, as_of: dt.date) -> None:
    """Remember which customer pays from which bank account (only when applied)."""
    seen: dict[str, int] = {}
    for plan in plans:
        account = plan.line.counterparty_account
        if (
            account
            and plan.customer_id
            and plan.status
            in (
                LineStatus.AUTO_APPLIED,
                LineStatus.APPLIED,
                LineStatus.ON_ACCOUNT,
            )
        ):
            seen[account] = plan.customer_id
    if not seen:
        return
    known = dict(
        PayerAccount.objects.filter(account__in=list(seen)).values_list("account", "customer_id")
    )
    same = [a for a, c in seen.items() if known.get(a) == c]
    for chunk in _chunks(same):
        PayerAccount.objects.filter(account__in=chunk).update(
            times_seen=F("times_seen") + 1, last_seen=as_of
        )
    PayerAccount.objects.bulk_create(
        [
            PayerAccount(account=a, customer_id=c, last_seen=as_of, learnt_from="application")
            for a, c in seen.items()
            if a not in known
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )


def _promises_check(*, as_of: dt.date, actor: Any, customer_ids: list[int]) -> None:
    """Let promises to pay see the new cash."""
    promises_check(as_of=as_of, actor=actor, customer_ids=customer_ids)
