"""Payment plans: a balance split into instalments covering chosen items (writes and reads).

``plan_create`` refuses, naming the field and writing nothing, instalments that do not add up
to the covered items' open amount plus the fee, dates in the past or beyond the promise
horizon, items of another customer or with nothing open. ``plans_check`` judges instalments
against the customer's cash like promises (the daily cycle); a broken one breaks the plan and
records a ``plan_broken`` account event, which strategies can trigger on."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from openar.activity.choices import EventKind, InstalmentStatus, PlanStatus
from openar.activity.domain import instalment_outcomes
from openar.activity.models import AccountEvent, PaymentPlan, PlanInstalment
from openar.activity.services import promise_grace_days, promise_horizon_days
from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.core.hooks import run_hooks
from openar.core.money import ZERO, check_scale, format_amount, parse_decimal
from openar.ledger.models import Customer, Document, Receipt

DEFAULT_PLAN_TOLERANCE = Decimal("1.00")
MAX_INSTALMENTS = 60


def plan_tolerance() -> Decimal:
    """How short an instalment may be and still count as kept: ``OPENAR_PLAN_TOLERANCE``
    (setting or environment variable, in the plan's currency); 1.00."""
    value: Any = getattr(settings, "OPENAR_PLAN_TOLERANCE", None)
    if value is None:
        value = os.environ.get("OPENAR_PLAN_TOLERANCE") or DEFAULT_PLAN_TOLERANCE
    return Decimal(str(value))


def _amount(text: Any, currency: str, field: str) -> Decimal:
    try:
        value = text if isinstance(text, Decimal) else parse_decimal(str(text))
    except (ValueError, InvalidOperation):
        raise ValidationError(f"{text!r} is not an amount", field=field) from None
    if not value.is_finite() or value < 0:
        raise ValidationError("an amount cannot be negative", field=field)
    try:
        check_scale(value, currency)
    except ValidationError as exc:
        raise ValidationError(exc.message, code=exc.code, field=field) from None
    return value


@transaction.atomic
def plan_create(
    *,
    customer: Customer,
    documents: Iterable[Document],
    instalments: Iterable[Mapping[str, Any]],
    taken_on: dt.date,
    actor: Any,
    fee: Decimal | str = ZERO,
    note: str = "",
) -> PaymentPlan:
    """Split the open amount of ``documents`` (plus ``fee``) into ``instalments``
    (``{"due_date", "amount"}`` each, in date order); the account's calls wait while the plan
    is current."""
    docs = sorted(documents, key=lambda d: d.pk)
    if not docs:
        raise ValidationError("a plan covers at least one open item", field="items")
    for doc in docs:
        if doc.customer_id != customer.pk:
            raise ValidationError(
                f"document {doc.document_ref} belongs to another customer", field="items"
            )
        if doc.open_amount <= 0:
            raise ValidationError(
                f"document {doc.document_ref} has nothing open to plan", field="items"
            )
    currencies = {d.currency for d in docs}
    if len(currencies) != 1:
        raise ValidationError("the items of a plan share one currency", field="items")
    currency = currencies.pop()
    fee_value = _amount(fee, currency, "fee")
    rows = list(instalments)
    if not rows or len(rows) > MAX_INSTALMENTS:
        raise ValidationError(
            f"a plan has from 1 to {MAX_INSTALMENTS} instalments", field="instalments"
        )
    horizon = promise_horizon_days() * 4  # a plan may run longer than a single promise
    parsed: list[tuple[dt.date, Decimal]] = []
    for i, row in enumerate(rows, start=1):
        due = row.get("due_date")
        if not isinstance(due, dt.date):
            raise ValidationError(f"instalment {i}: a due date is needed", field="instalments")
        if due < taken_on:
            raise ValidationError(f"instalment {i}: {due} is in the past", field="instalments")
        if (due - taken_on).days > horizon:
            raise ValidationError(
                f"instalment {i}: {due} is more than {horizon} days ahead", field="instalments"
            )
        if parsed and due <= parsed[-1][0]:
            raise ValidationError(
                f"instalment {i}: due dates go forward one after the other", field="instalments"
            )
        value = _amount(row.get("amount"), currency, "instalments")
        if value <= 0:
            raise ValidationError(
                f"instalment {i}: the amount must be positive", field="instalments"
            )
        parsed.append((due, value))
    covered = sum((d.open_amount for d in docs), ZERO)
    total = sum((v for _, v in parsed), ZERO)
    if total != covered + fee_value:
        raise ValidationError(
            f"the instalments add up to {format_amount(total, currency)} {currency}; the items' "
            f"open amount plus the fee is {format_amount(covered + fee_value, currency)} "
            f"{currency}",
            code="instalments_do_not_add_up",
            field="instalments",
        )
    user = actor if getattr(actor, "pk", None) else None
    plan = PaymentPlan.objects.create(
        customer=customer,
        currency=currency,
        covered_amount=covered,
        fee_amount=fee_value,
        taken_on=taken_on,
        taken_by=user,
        note=note.strip(),
    )
    plan.documents.set(docs)
    PlanInstalment.objects.bulk_create(
        PlanInstalment(plan=plan, seq=i, due_date=due, amount=value)
        for i, (due, value) in enumerate(parsed, start=1)
    )
    audit_record(
        actor=actor,
        action="plan.create",
        object_type="payment_plan",
        object_id=plan.pk,
        summary=(
            f"{customer.customer_ref}: {len(parsed)} instalments, "
            f"{format_amount(total, currency)} {currency}"
        ),
        after={
            "customer": customer.customer_ref,
            "items": [d.document_ref for d in docs],
            "instalments": [[d.isoformat(), format_amount(v, currency)] for d, v in parsed],
            "fee": format_amount(fee_value, currency),
        },
    )
    run_hooks("account_worked", customer=customer, kind="plan", actor=actor)
    return plan


@transaction.atomic
def plans_check(*, as_of: dt.date, actor: Any) -> int:
    """Judge the instalments of every current plan against the customer's receipts since the
    plan was made; a broken (or partly kept) instalment breaks the plan and records a
    ``plan_broken`` event; a plan whose instalments are all kept is completed. Returns the
    number of plans checked."""
    grace, tolerance = promise_grace_days(), plan_tolerance()
    plans = list(
        PaymentPlan.objects.filter(status=PlanStatus.CURRENT, taken_on__lte=as_of)
        .prefetch_related("instalments")
        .order_by("pk")
    )
    if not plans:
        return 0
    start = min(p.taken_on for p in plans)
    cash: dict[tuple[int, str], list[tuple[dt.date, Decimal]]] = {}
    for cid, cur, day, value in Receipt.objects.filter(
        customer_id__in={p.customer_id for p in plans}, receipt_date__gte=start,
        receipt_date__lte=as_of,
    ).values_list("customer_id", "currency", "receipt_date", "amount"):  # fmt: skip
        cash.setdefault((cid, cur), []).append((day, value))
    changed: list[PlanInstalment] = []
    events = []
    for plan in plans:
        rows = list(plan.instalments.all())
        outcomes = instalment_outcomes(
            instalments=[(r.due_date, r.amount) for r in rows],
            taken_on=plan.taken_on,
            as_of=as_of,
            grace_days=grace,
            tolerance=tolerance,
            payments=cash.get((plan.customer_id, plan.currency), ()),
        )
        for row, outcome in zip(rows, outcomes, strict=True):
            if (row.status, row.received_amount) != (outcome.status, outcome.received):
                row.status, row.received_amount = outcome.status, outcome.received
                row.resolved_on = outcome.resolved_on
                changed.append(row)
        failed = [
            (r, o) for r, o in zip(rows, outcomes, strict=True)
            if o.status in (InstalmentStatus.BROKEN, InstalmentStatus.PARTLY_KEPT)
        ]  # fmt: skip
        if failed:
            row, outcome = failed[0]
            plan.status = PlanStatus.BROKEN
            events.append(
                AccountEvent(
                    customer_id=plan.customer_id,
                    kind=EventKind.PLAN_BROKEN,
                    occurred_on=outcome.resolved_on or as_of,
                    ref=f"plan:{plan.pk}:{row.seq}",
                    details={
                        "plan": plan.pk,
                        "instalment": row.seq,
                        "amount": format_amount(row.amount, plan.currency),
                        "received": format_amount(outcome.received, plan.currency),
                        "currency": plan.currency,
                        "due_date": row.due_date.isoformat(),
                    },
                    source="activity",
                )
            )
        elif all(o.status == InstalmentStatus.KEPT for o in outcomes):
            plan.status = PlanStatus.COMPLETED
        plan.checked_as_of = as_of
    PlanInstalment.objects.bulk_update(
        changed, ["status", "received_amount", "resolved_on"], batch_size=200
    )
    PaymentPlan.objects.bulk_update(plans, ["status", "checked_as_of"], batch_size=200)
    AccountEvent.objects.bulk_create(events, ignore_conflicts=True)
    by_id = {p.pk: p for p in plans}
    for event in events:
        # The follow-up: the queue makes a call task for the collector (worklist's hook).
        run_hooks(
            "plan_broken",
            customer_id=event.customer_id,
            plan=by_id[event.details["plan"]],
            seq=event.details["instalment"],
            due_date=dt.date.fromisoformat(event.details["due_date"]),
            as_of=as_of,
            actor=actor,
        )
    audit_record(
        actor=actor,
        action="plans.check",
        object_type="payment_plans",
        object_id=as_of.isoformat(),
        summary=f"{len(plans)} current plans checked, {len(events)} broken",
    )
    return len(plans)


def plan_list(*, customer_ref: str | None = None) -> QuerySet[PaymentPlan]:
    """Plans, newest first, with their customer, items and instalments."""
    qs = PaymentPlan.objects.select_related("customer", "taken_by").prefetch_related(
        "instalments", "documents"
    )
    if customer_ref:
        qs = qs.filter(customer__customer_ref=customer_ref)
    return qs.order_by("-created_at", "-id")
