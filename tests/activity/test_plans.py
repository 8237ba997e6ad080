"""Payment plans: the API contract, instalments that must add up (else 400 on ``instalments``
and nothing written), instalments judged like promises, a broken one breaks the plan with a
strategy event and a follow-up call, and a current plan keeps the account's calls waiting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent, PaymentPlan, PlanInstalment
from openar.activity.plans import plan_create, plans_check
from openar.ledger.services import aging_refresh
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from openar.worklist.services import queues_rebuild
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, ReceiptFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
DAY = dt.date(2026, 6, 30)


@pytest.fixture
def account(client):
    ana = UserFactory(username="ana", roles=["collector"])
    client.force_login(ana)
    customer = CustomerFactory(customer_ref="C1", collector=ana)
    DocumentFactory(customer=customer, document_ref="INV-1", amount=Decimal("600.00"),
                    due_date=DAY - dt.timedelta(days=45))  # fmt: skip
    DocumentFactory(customer=customer, document_ref="INV-2", amount=Decimal("300.00"),
                    due_date=DAY - dt.timedelta(days=20))  # fmt: skip
    return {"ana": ana, "customer": customer}


def _payload(amounts, **extra):
    return {
        "customer_ref": "C1",
        "items": [
            {"entity": "US01", "document_ref": "INV-1"},
            {"entity": "US01", "document_ref": "INV-2"},
        ],
        "instalments": [
            {"due_date": (DAY + dt.timedelta(days=30 * (i + 1))).isoformat(), "amount": a}
            for i, a in enumerate(amounts)
        ],
        "note": "three months",
        **extra,
    }


def test_a_plan_is_made_and_listed_through_the_api(client, account):
    response = client.post(
        "/api/plans", _payload(["300.00", "300.00", "300.00"]), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == PaymentPlan.objects.get().pk
    assert body["items"] == ["INV-1", "INV-2"] and body["status"] == "current"
    assert [i["amount"] for i in body["instalments"]] == ["300.00"] * 3
    listed = client.get("/api/plans", {"customer_ref": "C1"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert client.get("/api/plans", {"customer_ref": "OTHER"}).json()["count"] == 0


def test_a_fee_is_added_to_what_the_instalments_cover(client, account):
    response = client.post(
        "/api/plans", _payload(["460.00", "460.00"], fee="20.00"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["fee"] == "20.00"


@pytest.mark.parametrize(
    "amounts",
    [["300.00", "300.00"], ["300.00", "300.00", "300.01"], ["900.00", "-0.00"]],
)
def test_instalments_that_do_not_add_up_are_refused_and_nothing_is_written(
    client, account, amounts
):
    response = client.post("/api/plans", _payload(amounts), content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "instalments"
    assert not PaymentPlan.objects.exists() and not PlanInstalment.objects.exists()


def test_an_instalment_in_the_past_is_refused(client, account):
    payload = _payload(["900.00"])
    payload["instalments"][0]["due_date"] = (DAY - dt.timedelta(days=1)).isoformat()
    response = client.post("/api/plans", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "instalments"
    assert not PaymentPlan.objects.exists()


def test_instalments_are_judged_like_promises_and_a_broken_one_brings_a_follow_up(account):
    customer = account["customer"]
    docs = list(customer.documents.order_by("document_ref"))
    plan = plan_create(
        customer=customer, documents=docs, taken_on=DAY, actor=account["ana"],
        instalments=[{"due_date": DAY + dt.timedelta(days=10), "amount": "450.00"},
                     {"due_date": DAY + dt.timedelta(days=40), "amount": "450.00"}],
    )  # fmt: skip
    ReceiptFactory(
        customer=customer, receipt_date=DAY + dt.timedelta(days=9), amount=Decimal("449.50")
    )
    plans_check(as_of=DAY + dt.timedelta(days=20), actor="test")
    first, second = plan.instalments.order_by("seq")
    assert first.status == "kept"  # 0.50 short: within the tolerance of 1.00
    assert second.status == "open"
    plans_check(as_of=DAY + dt.timedelta(days=45), actor="test")
    second.refresh_from_db()
    plan.refresh_from_db()
    assert second.status == "broken" and plan.status == "broken"
    event = AccountEvent.objects.get(kind="plan_broken")
    assert event.ref == f"plan:{plan.pk}:2"
    follow_up = Action.objects.get(dedupe_key=f"plan-broken:{plan.pk}:2")
    assert follow_up.kind == "call" and follow_up.status == "open"
    plans_check(as_of=DAY + dt.timedelta(days=46), actor="test")  # nothing twice
    assert AccountEvent.objects.filter(kind="plan_broken").count() == 1


def test_a_current_plan_keeps_the_accounts_calls_waiting(account):
    customer = account["customer"]
    aging_refresh(as_of=DAY, actor="test")
    Action.objects.create(
        customer=customer, kind="call", owner_role="collector", as_of=DAY, due_date=DAY,
        dedupe_key="call:1",
    )  # fmt: skip
    queues_rebuild(as_of=DAY, actor="test")
    assert WorkItem.objects.filter(customer=customer).exists()
    plan_create(
        customer=customer, documents=list(customer.documents.all()), taken_on=DAY,
        actor=account["ana"],
        instalments=[{"due_date": DAY + dt.timedelta(days=5), "amount": "900.00"}],
    )  # fmt: skip
    assert not WorkItem.objects.filter(customer=customer).exists()
