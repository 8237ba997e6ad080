"""Demo disputes (``openar demo-data``): routing to the research specialist, the items the
portfolio marks in dispute opened as cases by their collectors, and a history of resolved ones
so the analytics have something to show. Deterministic for a seed and date; everything goes
through the disputes services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from openar.core.money import quantize
from openar.disputes.models import DisputeCase, ReasonCode
from openar.disputes.selectors import disputed_by_document
from openar.disputes.services import (
    case_info_request,
    case_start,
    dispute_open,
    dispute_resolve,
    disputes_escalate,
    reasons_ensure,
    rule_save,
    team_save,
)
from openar.ledger.models import Document

MAX_CASES = 60
_REASONS = [
    ("pricing", 30), ("quantity", 12), ("damaged", 15), ("not_received", 10),
    ("duplicate", 8), ("tax", 6), ("promotion", 12), ("other", 7),
]  # fmt: skip
_DESCRIPTIONS = {
    "pricing": "Customer says the contract price is lower than invoiced.",
    "quantity": "Customer received fewer units than billed.",
    "damaged": "Part of the delivery arrived damaged; photos promised.",
    "not_received": "Customer has no record of the delivery.",
    "duplicate": "Customer says this invoice duplicates an earlier one.",
    "tax": "Customer's tax exemption certificate was not applied.",
    "promotion": "Quarterly promotion discount not applied.",
    "other": "Customer disputes the invoice; details to follow.",
}
_FINDINGS = {
    "valid": "Checked against the contract: the customer is right.",
    "invalid": "Proof of delivery and price list confirm the invoice.",
    "partial": "Part of the claim is supported by the delivery note.",
}


def demo_disputes(*, as_of: dt.date, seed: int) -> dict[str, Any]:
    """Open the portfolio's disputed items as cases and work some of them; returns counts."""
    users = get_user_model().objects
    research = users.filter(username="research").first()
    manager = users.filter(username="manager").first()
    if research is None:
        return {"cases": 0}
    if DisputeCase.objects.filter(kind="dispute").exists():
        return {"cases": 0}  # already there: a rerun adds nothing
    reasons_ensure()
    team_save(code="research", manager=manager, members=[research], actor="demo-data")
    reasons = {r.code: r for r in ReasonCode.objects.all()}
    rule_save(name="Duplicate billing to billing", priority=10, reason=reasons["duplicate"],
              owner_team="billing", actor="demo-data")  # fmt: skip
    rule_save(name="Everything else to the research specialist", priority=100,
              owner_team="research", owner=research, actor="demo-data")  # fmt: skip
    rng = random.Random(seed * 7919 + as_of.toordinal())
    docs = list(
        Document.objects.filter(disputed=True, cleared_date__isnull=True, open_amount__gt=0)
        .select_related("customer", "customer__collector")
        .order_by("customer_id", "due_date", "id")[:MAX_CASES]
    )
    taken = disputed_by_document(document_ids=[d.pk for d in docs])
    codes, weights = zip(*_REASONS, strict=True)
    opened = resolved = 0
    for doc in docs:
        free = doc.open_amount - taken.get(doc.pk, 0)
        if free <= 0:
            continue  # a deduction already covers it
        age = min(max((as_of - doc.due_date).days, 3), 75)
        on = as_of - dt.timedelta(days=rng.randint(1, age))
        reason = rng.choices(codes, weights)[0]
        whole = rng.random() < 0.7
        share = 100 if whole else rng.choice([20, 35, 50])
        amount = quantize(free * share / 100, doc.currency)
        case = dispute_open(
            customer=doc.customer,
            items=[(doc, amount)],
            reason_code=reason,
            description=_DESCRIPTIONS[reason],
            contact_name="Accounts payable",
            contact_email=doc.customer.email,
            opened_on=on,
            actor=doc.customer.collector or "demo-data",
        )
        opened += 1
        roll = rng.random()
        if case.owner_team != "research" or roll < 0.35:
            continue  # still open
        case_start(case=case, actor=research)
        if roll < 0.5:
            party = rng.choice(["sales", "customer"])
            ask = "Please confirm the agreed terms."
            case_info_request(case=case, party=party, text=ask, on=on, actor=research)
            continue
        if roll < 0.6:
            continue  # in research
        outcome = rng.choices(["valid", "invalid", "partial"], [5, 3, 2])[0]
        credit = None if outcome != "partial" else quantize(case.amount / 2, case.currency)
        done = min(on + dt.timedelta(days=rng.randint(3, 25)), as_of)
        dispute_resolve(case=case, outcome=outcome, credit_amount=credit,
                        note=_FINDINGS[outcome], on=done, actor=research)  # fmt: skip
        resolved += 1
    # The letters of cases resolved before today went out back then, not in today's run.
    from openar.comms.models import OutboxMessage
    from openar.comms.services import outbox_cancel

    for message in OutboxMessage.objects.filter(
        template_code="dispute_resolution", status="queued", as_of__lt=as_of
    ).order_by("id"):
        outbox_cancel(message=message, actor="demo-data")
    escalated = disputes_escalate(as_of=as_of, actor="demo-data")
    return {"cases": opened, "resolved": resolved, "escalated": escalated}
