"""The template endpoints: list, one template, a new template, a new version (400 naming the
field on a bad text), and the roles."""

from __future__ import annotations

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.comms.models import TemplateVersion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(username: str, role: str) -> Client:
    UserFactory(username=username, roles=[role])
    token = token_create(username=username, name=f"script-{username}", actor="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def manager() -> Client:
    return _client("mgr", "manager")


def test_list_and_detail(manager, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = manager.get("/api/templates", {"limit": 2})
    body = page.json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 2, 0)
    assert body["items"][0] == {
        "code": "past_due_notice",
        "name": "Past-due notice",
        "channel": "email",
        "languages": {"en": 1, "es": 1},
        "steps_using": 0,
    }
    letters = manager.get("/api/templates", {"channel": "letter"}).json()
    assert [t["code"] for t in letters["items"]] == ["second_notice"]
    one = manager.get("/api/templates/reminder").json()
    assert [t["language"] for t in one["texts"]] == ["en", "es"]
    assert one["texts"][0]["subject"].startswith("Payment reminder: {{ customer_name }}")
    assert one["versions"][0]["active"] is True
    missing = manager.get("/api/templates/nope")
    assert missing.status_code == 404 and missing.json()["field"] == "code"


def test_new_version_and_its_errors(manager):
    url = "/api/templates/reminder/versions"
    ok = manager.post(
        url,
        {"language": "es", "subject": "Hola {{ customer_ref }}", "body": "{{ items }}"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert (ok.json()["version"], ok.json()["saved_by"]) == (2, "mgr")
    again = manager.post(
        url,
        {"language": "es", "subject": "Hola {{ customer_ref }}", "body": "{{ items }}"},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["version"]) == (200, 2)

    bad = manager.post(
        url,
        {"language": "en", "subject": "Hi", "body": "Dear {{ customer_name }},\n{{ amount_owed }}"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "code": "invalid",
        "message": "body, line 2: unknown merge field 'amount_owed'",
        "field": "body",
    }
    syntax = manager.post(
        url,
        {"language": "en", "subject": "Hi {{ customer_ref", "body": "x"},
        content_type="application/json",
    )
    assert syntax.status_code == 400
    assert syntax.json()["field"] == "subject"
    assert "line 1: '{{' is not closed" in syntax.json()["message"]
    missing = manager.post(url, {"language": "en", "subject": "x"}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["field"] == "body"
    assert TemplateVersion.objects.filter(template__code="reminder", language="en").count() == 1


def test_new_template(manager):
    made = manager.post(
        "/api/templates",
        {"code": "final_demand", "name": "Final demand", "channel": "letter"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["texts"] == []
    dup = manager.post(
        "/api/templates",
        {"code": "final_demand", "name": "Again", "channel": "letter"},
        content_type="application/json",
    )
    assert dup.status_code == 409 and dup.json()["field"] == "code"


def test_roles():
    collector = _client("col", "collector")
    assert collector.get("/api/templates").status_code == 200
    refused = collector.post(
        "/api/templates/reminder/versions",
        {"language": "en", "subject": "x", "body": "y"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert _client("cash", "cashapp").get("/api/templates").status_code == 403
