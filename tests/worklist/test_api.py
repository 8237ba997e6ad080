"""GET /api/queues/{collector} and /api/productivity."""

from __future__ import annotations

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.worklist.services import queues_rebuild
from tests.clock import ON_TODAY
from tests.worklist.conftest import AS_OF

pytestmark = ON_TODAY


@pytest.fixture
def api(team) -> Client:
    token = token_create(username="boss", name="test", actor="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_queue_endpoint_lists_items_with_reasons(team, api, django_assert_max_num_queries):
    queues_rebuild(as_of=AS_OF, actor="test")
    with django_assert_max_num_queries(8):
        response = api.get("/api/queues/ana?language=es")
    assert response.status_code == 200
    body = response.json()
    assert (body["collector"], body["today"], body["waiting"]) == ("ana", 3, 0)
    first = body["items"][0]
    assert first["customer_ref"] == "A1" and first["past_due"] == "42300.00"
    assert first["reasons"][0]["code"] == "past_due"
    assert "vencido" in first["reasons"][0]["text"]


def test_queue_endpoint_errors(team, api):
    assert api.get("/api/queues/nobody").json()["code"] == "not_found"
    response = api.get("/api/queues/ana?language=fr")
    assert response.status_code == 400 and response.json()["field"] == "language"
    assert Client().get("/api/queues/ana").status_code == 401


def test_productivity_endpoint(team, api):
    body = api.get("/api/productivity?date=2026-06-30").json()
    assert body["date"] == "2026-06-30"
    assert {r["collector"] for r in body["rows"]} == {"ana", "ben"}
