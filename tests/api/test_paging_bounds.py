"""Out-of-range paging is a 400 on every list, never a 500 (issue 15, defect 8)."""

from __future__ import annotations

import pytest

from openar.api import api
from tests.factories import UserFactory

HOSTILE = [
    {"offset": "9223372036854775808"},
    {"offset": "9223372036854775807"},
    {"offset": "-1"},
    {"limit": "-1"},
    {"limit": "0"},
    {"limit": "9223372036854775808"},
    {"limit": "1e3"},
]


def _paged_operations() -> list[str]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if names & {"limit", "offset"}:
            found.append(path)
    return sorted(found)


def test_there_are_paged_lists_to_check():
    assert "/api/customers" in _paged_operations()
    assert len(_paged_operations()) >= 10


@pytest.mark.parametrize(
    "params", HOSTILE, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_every_list_answers_400(db, client, params):
    client.force_login(UserFactory(username="boss", roles=["admin"]))
    answers = {}
    for path in _paged_operations():
        response = client.get(path, params)
        answers[path] = response.status_code
        if response.status_code == 400:
            body = response.json()
            assert body["code"] == "invalid" and body["field"] in params, (path, body)
    assert {p: s for p, s in answers.items() if s != 400} == {}


def test_the_largest_offset_allowed_answers_an_empty_page(db, client):
    from openar.core.pagination import MAX_OFFSET

    client.force_login(UserFactory(username="boss", roles=["admin"]))
    response = client.get("/api/customers", {"offset": MAX_OFFSET})
    assert response.status_code == 200
    assert response.json()["items"] == []
