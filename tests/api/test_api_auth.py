from __future__ import annotations

import argparse
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from openar.api_auth import commands
from openar.api_auth.models import ApiToken
from openar.api_auth.services import token_create, token_hash, token_revoke
from openar.core.errors import Conflict
from openar.core.models import AuditEvent

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {
    "code": "unauthorized",
    "message": "authentication required: send 'Authorization: Bearer <token>' or log in",
    "field": None,
}


def test_no_credentials_is_401_with_the_error_shape():
    response = Client().get("/api/customers")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_unknown_token_is_401(client_for, manager_token):
    response = client_for("oar_not-a-real-token").get("/api/customers")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_other_scheme_is_401(manager_token):
    response = Client(headers={"Authorization": f"Token {manager_token}"}).get("/api/customers")
    assert response.status_code == 401


def test_valid_token_works_and_records_last_use(client_for, manager_token):
    assert ApiToken.objects.get(name="erp-sync").last_used_at is None
    response = client_for(manager_token).get("/api/customers")
    assert response.status_code == 200
    assert ApiToken.objects.get(name="erp-sync").last_used_at is not None


def test_revoked_token_is_401(client_for, manager_token):
    assert client_for(manager_token).get("/api/customers").status_code == 200
    token_revoke(name="erp-sync", actor="test")
    response = client_for(manager_token).get("/api/customers")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_token_of_inactive_user_is_401(client_for, manager, manager_token):
    manager.is_active = False
    manager.save()
    assert client_for(manager_token).get("/api/customers").status_code == 401


def test_session_login_works_for_reads(manager):
    client = Client()
    client.force_login(manager)
    assert client.get("/api/customers").status_code == 200


def test_session_post_needs_csrf_token(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post("/api/imports/items", {})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_token_post_needs_no_csrf_token(manager_token):
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {manager_token}"})
    # Authenticated and past CSRF: fails only on the missing file (400 invalid, field "file").
    response = client.post("/api/imports/items", {})
    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_only_the_hash_is_stored(manager):
    row, token = token_create(username=manager.username, name="bank", actor="test")
    assert token.startswith("oar_") and len(token) > 40
    assert row.token_hash == token_hash(token) != token
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert row.prefix == token[:8]
    assert AuditEvent.objects.filter(action="api_token.create", object_id="bank").exists()


def test_token_names_are_unique_and_revoke_is_once(manager):
    token_create(username=manager.username, name="bank", actor="test")
    with pytest.raises(Conflict):
        token_create(username=manager.username, name="bank", actor="test")
    token_revoke(name="bank", actor="test")
    with pytest.raises(Conflict):
        token_revoke(name="bank", actor="test")


def test_last_used_is_written_at_most_once_a_minute(client_for, manager_token):
    client = client_for(manager_token)
    client.get("/api/customers")
    first = ApiToken.objects.get(name="erp-sync").last_used_at
    client.get("/api/customers")
    assert ApiToken.objects.get(name="erp-sync").last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - dt.timedelta(minutes=5))
    client.get("/api/customers")
    assert ApiToken.objects.get(name="erp-sync").last_used_at > first


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="openar")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_create_prints_the_token_once_and_revoke_stops_it(manager, capsys):
    assert _run(["token", "create", "--user", "mgr", "--name", "nightly"]) == 0
    token = capsys.readouterr().out.strip()
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/customers").status_code == 200

    assert _run(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "nightly" in listing and "mgr" in listing and token not in listing

    assert _run(["token", "revoke", "nightly"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert client.get("/api/customers").status_code == 401


def test_openapi_document_is_public_and_3_1():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/customers", "/api/items", "/api/aging", "/api/imports/{kind}"} <= set(
        schema["paths"]
    )
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_docs_page_loads_nothing_from_the_internet():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page
