"""Each person lands on the page of their daily work: a collector on My queue, not on every
customer of the company."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "landing"),
    [(["collector"], "/queue/"), (["manager"], "/"), (["credit"], "/")],
)
def test_signing_in_lands_on_the_roles_page(client, roles, landing):
    UserFactory(username="someone", password="s3cret-pass", roles=roles)
    response = client.post("/login/", {"username": "someone", "password": "s3cret-pass"})
    assert response.status_code == 302 and response.url == "/home/"
    response = client.get("/home/")
    assert response.status_code == 302 and response.url == landing


@pytest.mark.django_db
def test_home_asks_to_sign_in_first(client):
    response = client.get("/home/")
    assert response.status_code == 302 and response.url.startswith("/login/")
