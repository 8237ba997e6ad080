"""Writing what matching or a person decided for lines: applications, open amounts, receipts,
line statuses, deductions, events, learnt payer accounts and audit events, all in bulk."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import CashApplication, PayerAccount, StatementLine
from openar.cashapp.services.common import CHUNK, OPEN_STATUSES, _chunks
from openar.core.audit import actor_label
from openar.core.errors import Conflict, NotFound
from openar.core.models import AuditEvent
from openar.core.money import ZERO, format_amount, quantize
from openar.ledger.models import Application, Document


# --------------------------------------------------------------------------- applying cash
@dataclass
class _Plan:
    """What to write for one line: its new status, customer, applications and shortfall."""

    line: StatementLine
    status: str
    mode: str = ApplicationMode.AUTO
    customer_id: int | None = None
    allocations: list[tuple[int, Decimal]] = field(default_factory=list)  # document id, amount
    confidence: Decimal | None = None
    deduction: tuple[int | None, Decimal, str] | None = None  # document id, amount, reason
    summary: str = ""


def _functional_open(row: dict[str, Any], open_amount: Decimal) -> Decimal | None:
    if row["currency"] == row["functional_currency"]:
        return open_amount
    if row["fx_rate"] is not None:
        return quantize(open_amount * row["fx_rate"], row["functional_currency"])
    if row["functional_amount"] is not None and row["amount"]:
        return quantize(
            open_amount * row["functional_amount"] / row["amount"], row["functional_currency"]
        )
    return None


def _write_plans(
    plans: list[_Plan], *, as_of: dt.date, actor: Any, timings: dict[str, float] | None = None
) -> dict[str, int]:
    """Write the plans in bulk: applications, open amounts, receipts, lines, deductions,
    events, learnt payer accounts and one audit event per line. Documents are locked in id
    order and re-checked, so cash is never applied beyond what is open."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[f"write_{name}"] = now - clock[0]
        clock[0] = now

    from openar.activity.models import AccountEvent
    from openar.disputes.models import Deduction
    from openar.ingest.bulk import Stage, execute

    now = timezone.now()
    user = actor if hasattr(actor, "pk") else None
    label = actor_label(actor)
    doc_ids = sorted({doc_id for p in plans for doc_id, _ in p.allocations})
    docs: dict[int, dict[str, Any]] = {}
    fields = (
        "id",
        "amount",
        "open_amount",
        "currency",
        "functional_currency",
        "fx_rate",
        "functional_amount",
        "cleared_date",
        "document_date",
        "customer_id",
        "document_ref",
    )
    for chunk in _chunks(doc_ids):
        qs = Document.objects.filter(id__in=chunk).order_by("id")
        if connection.features.has_select_for_update:
            qs = qs.select_for_update()
        for row in qs.values(*fields):
            docs[row["id"]] = row
    changed: dict[int, tuple[Decimal, dt.date | None]] = {}
    applications: list[Application] = []
    owners: list[_Plan] = []
    for plan in plans:
        receipt = plan.line.receipt
        assert receipt is not None
        applied_on = min(receipt.receipt_date, as_of)
        for doc_id, amount in plan.allocations:
            row = docs.get(doc_id)
            if row is None:
                raise NotFound(f"document {doc_id} no longer exists", field="allocations")
            current = changed.get(doc_id, (row["open_amount"], row["cleared_date"]))[0]
            fits = ZERO < amount <= current if current > 0 else current <= amount < ZERO
            if not fits:
                raise Conflict(
                    f"{row['document_ref']}: only {format_amount(current, row['currency'])} "
                    f"{row['currency']} is open, cannot apply "
                    f"{format_amount(amount, row['currency'])}",
                    code="over_application",
                    field="allocations",
                )
            left = current - amount
            cleared = max(applied_on, row["document_date"]) if left == 0 else None
            changed[doc_id] = (left, cleared)
            applications.append(
                Application(
                    receipt_id=receipt.pk,
                    document_id=doc_id,
                    amount=amount,
                    applied_date=applied_on,
                    source="cashapp",
                )
            )
            owners.append(plan)
    lap("lock_documents")
    created = Application.objects.bulk_create(applications, batch_size=CHUNK)
    CashApplication.objects.bulk_create(
        [
            CashApplication(
                line=plan.line,
                application=app,
                mode=plan.mode,
                confidence=plan.confidence,
                created_by=user,
            )
            for app, plan in zip(created, owners, strict=True)
        ],
        batch_size=CHUNK,
    )
    lap("applications")
    if changed:
        stage = Stage(
            "openar_stage_cash_docs",
            [
                ("id", "int"),
                ("open_amount", "num"),
                ("functional_open", "num"),
                ("cleared", "date"),
            ],
        )
        stage.create()
        with stage.writer() as write:
            for doc_id, (left, cleared) in changed.items():
                write((doc_id, left, _functional_open(docs[doc_id], left), cleared))
        stage.index("id")
        execute(
            "UPDATE ledger_document AS t SET open_amount = s.open_amount, "
            "functional_open_amount = s.functional_open, cleared_date = s.cleared, "
            "updated_at = %s FROM openar_stage_cash_docs s WHERE t.id = s.id",
            [now],
        )
        stage.drop()
    lap("documents")
    # Receipts learn their customer (through a staged UPDATE: bulk_update's CASE is slow).
    receipts = []
    for plan in plans:
        receipt = plan.line.receipt
        if receipt is not None and plan.customer_id != receipt.customer_id:
            receipt.customer_id = plan.customer_id
            receipts.append((receipt.pk, plan.customer_id))
    if receipts:
        stage = Stage("openar_stage_cash_receipts", [("id", "int"), ("customer_id", "int")])
        stage.create()
        with stage.writer() as write:
            for row in receipts:
                write(row)
        stage.index("id")
        execute(
            "UPDATE ledger_receipt AS t SET customer_id = s.customer_id, updated_at = %s "
            "FROM openar_stage_cash_receipts s WHERE t.id = s.id",
            [now],
        )
        stage.drop()
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
    deductions = []
    events = []
    for plan in plans:
        if plan.deduction is None or plan.customer_id is None:
            continue
        short_doc, amount, reason = plan.deduction
        receipt = plan.line.receipt
        assert receipt is not None
        deductions.append(
            Deduction(
                customer_id=plan.customer_id,
                document_id=short_doc,
                receipt=receipt,
                amount=amount,
                currency=receipt.currency,
                opened_on=as_of,
                reason=reason,
            )
        )
        if reason.startswith("short payment"):
            events.append(
                AccountEvent(
                    customer_id=plan.customer_id,
                    kind="short_payment",
                    occurred_on=receipt.receipt_date,
                    ref=f"line:{plan.line.pk}",
                    details={
                        "receipt_ref": receipt.receipt_ref,
                        "document_id": short_doc,
                        "amount": str(amount),
                        "currency": receipt.currency,
                    },
                    source="cashapp",
                )
            )
    Deduction.objects.bulk_create(deductions, batch_size=CHUNK)
    AccountEvent.objects.bulk_create(events, batch_size=CHUNK, ignore_conflicts=True)
    lap("deductions")
    _learn_payers(plans, as_of=as_of)
    lap("payers")
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                actor=user,
                actor_label=label,
                action=f"statement_line.{plan.status}",
                object_type="statement_line",
                object_id=str(plan.line.pk),
                summary=plan.summary[:500],
                after={
                    "status": plan.status,
                    "customer_id": plan.customer_id,
                    "allocations": [[d, str(a)] for d, a in plan.allocations],
                    "mode": plan.mode if plan.allocations else None,
                },
            )
            for plan in plans
        ],
        batch_size=CHUNK,
    )
    lap("audit")
    return {"applications": len(created), "deductions": len(deductions)}


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
    """Let promises to pay see the new cash (when the activity service is built)."""
    try:
        from openar.activity import services as activity
    except ImportError:
        return
    check = getattr(activity, "promises_check", None)
    if check is not None:
        check(as_of=as_of, actor=actor, customer_ids=customer_ids)
