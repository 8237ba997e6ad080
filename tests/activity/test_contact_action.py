"""A contact names only an action that exists and is its own customer's (issue 15, defect 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.activity.models import ContactLog
from openar.strategy.models import Action
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _action(customer) -> Action:
    return Action.objects.create(
        customer=customer,
        kind="call",
        owner_role="collector",
        as_of=dt.date(2026, 6, 30),
        due_date=dt.date(2026, 6, 30),
        dedupe_key=f"test:{customer.customer_ref}",
    )


@pytest.fixture
def api(client):
    client.force_login(UserFactory(username="boss", roles=["manager"]))
    return client


def _post(api, customer_ref: str, action_id: int | None):
    return api.post(
        "/api/contacts",
        {"customer_ref": customer_ref, "channel": "call", "outcome": "reached",
         "action_id": action_id},
        content_type="application/json",
    )  # fmt: skip


def test_unknown_action_is_refused(api):
    CustomerFactory(customer_ref="C1")
    response = _post(api, "C1", 987654)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "no action 987654 for customer C1",
        "field": "action_id",
    }
    assert ContactLog.objects.count() == 0


def test_another_customers_action_is_refused(api):
    CustomerFactory(customer_ref="C1")
    other = _action(CustomerFactory(customer_ref="C2"))
    response = _post(api, "C1", other.pk)
    assert response.status_code == 400 and response.json()["field"] == "action_id"
    assert ContactLog.objects.count() == 0


def test_out_of_range_action_id_is_a_400(api):
    CustomerFactory(customer_ref="C1")
    assert _post(api, "C1", 2**63).status_code == 400
    assert ContactLog.objects.count() == 0


def test_own_action_is_linked(api):
    action = _action(CustomerFactory(customer_ref="C1"))
    response = _post(api, "C1", action.pk)
    assert response.status_code == 201, response.content
    assert ContactLog.objects.get().action_id == action.pk


def test_no_action_is_fine(api):
    CustomerFactory(customer_ref="C1")
    assert _post(api, "C1", None).status_code == 201
