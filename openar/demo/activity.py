"""Demo promises and contact history, drawn from the loaded portfolio (``openar demo-data``).

Deterministic for a seed and date. Consistent with the ledger: kept promises sit just before a
real receipt of the customer and are no larger than it, broken ones are on past-due accounts
that paid nothing since, open ones are for part of the past-due amount; each promise has the call
that took it, and past-due accounts get a few earlier calls by their collector. Historic promises
are then judged by ``promises_check`` against the cash, exactly as the daily cycle would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from openar.activity.choices import ContactChannel, ContactOutcome, PromiseStatus
from openar.activity.models import ContactLog, PromiseToPay
from openar.activity.services import promises_check
from openar.core.audit import audit_record
from openar.core.money import quantize
from openar.ledger.models import Customer, Document, Receipt

# Share of past-due accounts with an open promise, a broken one, and earlier call history.
OPEN_SHARE = 0.12
BROKEN_SHARE = 0.08
CALLED_SHARE = 0.45
# Share of recently paying accounts whose payment followed a promise.
KEPT_SHARE = 0.08
# Smallest past-due amount (customer currency) anyone takes a promise for.
MIN_PROMISE = Decimal(100)

_CALL_OUTCOMES = [
    (ContactOutcome.NO_ANSWER, 30),
    (ContactOutcome.LEFT_MESSAGE, 30),
    (ContactOutcome.REACHED, 20),
    (ContactOutcome.CALLBACK, 8),
    (ContactOutcome.REFUSED, 4),
    (ContactOutcome.DISPUTE_RAISED, 4),
    (ContactOutcome.WRONG_NUMBER, 4),
]
_NOTES = {
    ContactOutcome.NO_ANSWER: "",
    ContactOutcome.LEFT_MESSAGE: "Voicemail with AP, asked for a call back.",
    ContactOutcome.REACHED: "Spoke to AP; invoice is in their approval cycle.",
    ContactOutcome.CALLBACK: "AP clerk asked to call back next week.",
    ContactOutcome.REFUSED: "Customer says cash is tight this month.",
    ContactOutcome.DISPUTE_RAISED: "Customer questions pricing on the latest invoice.",
    ContactOutcome.WRONG_NUMBER: "Number no longer in service; asked sales for a contact.",
}


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=dt.UTC)


def _past_due(as_of: dt.date) -> dict[int, Decimal]:
    """Past-due open amount per customer, in the customer's own currency."""
    rows = (
        Document.objects.filter(due_date__lt=as_of, open_amount__gt=0)
        .filter(Q(cleared_date__isnull=True) | Q(cleared_date__gt=as_of))
        .values("customer_id", "currency", "customer__currency")
        .annotate(total=Sum("open_amount"))
    )
    return {
        r["customer_id"]: r["total"]
        for r in rows
        if r["currency"] == r["customer__currency"] and r["total"] > 0
    }


@transaction.atomic
def demo_activity(*, as_of: dt.date, seed: int) -> dict[str, Any]:
    """Create the demo promises and contacts; nothing when the database already has promises or
    contacts (``demo-data --reset`` clears them with the customers)."""
    rng = random.Random(seed * 7919 + as_of.toordinal())
    if PromiseToPay.objects.exists() or ContactLog.objects.exists():
        return {"promises": 0, "contacts": 0, "skipped": "activity already present"}
    customers = {
        c["id"]: c for c in Customer.objects.values("id", "currency", "collector_id").order_by("id")
    }
    past_due = _past_due(as_of)
    recent_payers: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for cid, cur, day, amount in (
        Receipt.objects.filter(
            customer_id__isnull=False,
            receipt_date__gte=as_of - dt.timedelta(days=45),
            receipt_date__lte=as_of - dt.timedelta(days=2),
        )
        .order_by("customer_id", "receipt_date", "id")
        .values_list("customer_id", "currency", "receipt_date", "amount")
    ):
        if cid in customers and cur == customers[cid]["currency"]:
            recent_payers.setdefault(cid, []).append((day, amount))

    promises: list[PromiseToPay] = []
    contacts: list[tuple[int, ContactLog]] = []  # (index of the promise or -1, contact)

    def add_promise(cid: int, amount: Decimal, taken: dt.date, promised: dt.date, note: str):
        cur = customers[cid]["currency"]
        value = quantize(amount, cur)
        if value <= 0:
            return
        promises.append(
            PromiseToPay(
                customer_id=cid,
                amount=value,
                currency=cur,
                promised_date=promised,
                taken_on=taken,
                taken_by_id=customers[cid]["collector_id"],
                note=note,
            )
        )
        contacts.append(
            (
                len(promises) - 1,
                ContactLog(
                    customer_id=cid,
                    user_id=customers[cid]["collector_id"],
                    channel=ContactChannel.CALL,
                    outcome=ContactOutcome.PROMISE_TAKEN,
                    contacted_at=_at(taken, rng),
                    note=note,
                ),
            )
        )

    for cid in sorted(recent_payers):
        if rng.random() >= KEPT_SHARE:
            continue
        day, amount = recent_payers[cid][-1]
        if amount < MIN_PROMISE:
            continue
        taken = day - dt.timedelta(days=rng.randint(3, 12))
        promised = day + dt.timedelta(days=rng.randint(-1, 1))
        share = Decimal(rng.choice([100, 100, 90, 75])) / 100
        add_promise(cid, amount * share, taken, max(promised, taken), "Promised on the phone.")

    for cid in sorted(past_due):
        roll = rng.random()
        amount = past_due[cid]
        if amount < MIN_PROMISE:
            roll = 1.0  # nobody promises pocket change; the account may still get calls
        if roll < OPEN_SHARE:
            taken = as_of - dt.timedelta(days=rng.randint(0, 6))
            promised = as_of + dt.timedelta(days=rng.randint(1, 14))
            share = Decimal(rng.choice([30, 50, 50, 75, 100])) / 100
            add_promise(cid, amount * share, taken, promised, "Will pay after the next check run.")
        elif roll < OPEN_SHARE + BROKEN_SHARE:
            # Judged by promises_check: broken unless the customer's cash happened to cover it.
            # Some break on the run date itself (two grace days), so the cycle reacts today.
            promised = as_of - dt.timedelta(days=rng.randint(3, 10))
            taken = promised - dt.timedelta(days=rng.randint(3, 10))
            add_promise(cid, amount * Decimal("0.5"), taken, promised, "Promised half by wire.")
        if rng.random() < CALLED_SHARE:
            for _ in range(rng.randint(1, 3)):
                outcome = rng.choices(
                    [o for o, _ in _CALL_OUTCOMES], weights=[w for _, w in _CALL_OUTCOMES]
                )[0]
                day = as_of - dt.timedelta(days=rng.randint(1, 30))
                contacts.append(
                    (
                        -1,
                        ContactLog(
                            customer_id=cid,
                            user_id=customers[cid]["collector_id"],
                            channel=ContactChannel.CALL,
                            outcome=outcome,
                            contacted_at=_at(day, rng),
                            note=_NOTES[outcome],
                        ),
                    )
                )

    created = PromiseToPay.objects.bulk_create(promises, batch_size=2000)
    rows = []
    for index, contact in contacts:
        if index >= 0:
            contact.promise_id = created[index].pk
        rows.append(contact)
    ContactLog.objects.bulk_create(rows, batch_size=2000)
    checked = promises_check(as_of=as_of, actor="demo-data")
    by_status = dict.fromkeys(PromiseStatus.values, 0)
    for status in PromiseToPay.objects.values_list("status", flat=True):
        by_status[status] += 1
    audit_record(
        actor="demo-data",
        action="demo.activity",
        summary=f"{len(created)} demo promises, {len(rows)} contacts",
    )
    return {"promises": len(created), "contacts": len(rows), "checked": checked, **by_status}
