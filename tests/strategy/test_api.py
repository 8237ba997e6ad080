"""REST: strategies (export shape), import with every error, simulation, actions, and the
recommendations an ERP picks up and decides."""

from __future__ import annotations

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.credit.models import Recommendation
from openar.strategy.models import Action, Strategy
from openar.strategy.services import strategies_evaluate
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = pytest.mark.django_db


def _client(username: str, role: str) -> Client:
    UserFactory(username=username, roles=[role])
    token = token_create(username=username, name=f"t-{username}", actor="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


DOC = {
    "version": 1,
    "strategies": [
        {"code": "std", "name": "Standard", "is_default": True, "active": True,
         "steps": [step("call", "call", 15), step("hold", "credit_hold", 90, owner_role="credit")]},
    ],
}  # fmt: skip


def test_import_simulate_and_actions():
    api = _client("boss", "manager")
    response = api.post("/api/strategies/import?dry_run=true", DOC, content_type="application/json")
    assert response.status_code == 200 and response.json()["created"] == ["std"]
    assert not Strategy.objects.exists()
    assert api.post("/api/strategies/import", DOC, content_type="application/json").json()["ok"]
    assert api.get("/api/strategies").json()["strategies"][0]["steps"][1]["kind"] == "credit_hold"

    account(days_past_due=20, customer_ref="C1")
    account(days_past_due=95, customer_ref="C2")
    sim = api.get(f"/api/strategies/std/simulate?as_of={AS_OF}").json()
    assert sim["new_actions"] == 2 and not Action.objects.exists()
    assert api.get("/api/strategies/nope/simulate").json()["code"] == "not_found"

    strategies_evaluate(as_of=AS_OF, actor="test")
    page = api.get("/api/actions?kind=call").json()
    assert page["count"] == 1 and page["results"][0]["customer_ref"] == "C1"
    assert page["results"][0]["step"] == "call"


def test_import_errors_and_roles():
    api = _client("boss", "manager")
    bad = {"strategies": [{"code": "x", "name": "X", "steps": [{"code": "a", "kind": "call"}]}]}
    response = api.post("/api/strategies/import", bad, content_type="application/json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid" and body["field"] == "strategies[0].steps[0].owner_role"
    assert len(body["errors"]) == 2  # no owner, no days_from
    collector = _client("ana", "collector")
    response = collector.post("/api/strategies/import", DOC, content_type="application/json")
    assert response.status_code == 403
    assert not Strategy.objects.exists()


def test_recommendations_listed_and_decided():
    make_strategy("std", [step("hold", "credit_hold", 90, owner_role="credit")], is_default=True)
    account(days_past_due=95, customer_ref="C2")
    strategies_evaluate(as_of=AS_OF, actor="test")
    rec = Recommendation.objects.get()
    analyst = _client("cred", "credit")
    page = analyst.get("/api/recommendations?status=pending").json()
    assert page["count"] == 1 and page["results"][0]["customer_ref"] == "C2"
    url = f"/api/recommendations/{rec.pk}/decide"
    collector = _client("ana", "collector")
    denied = collector.post(url, {"decision": "approve"}, content_type="application/json")
    assert denied.status_code == 403
    done = analyst.post(url, {"decision": "approve", "note": "ok"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert done.json()["decided_by"] == "cred"
    again = analyst.post(url, {"decision": "reject"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
