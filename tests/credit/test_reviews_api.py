"""Limit reviews through the API (ask: collector and up; decide: credit, manager, admin) and
their pages: the list on the kit, one review with its facts and the decision form (EN/ES)."""

from __future__ import annotations

import pytest
from django.test import Client

from openar.api_auth.services import token_create
from openar.credit.models import LimitReview
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import account

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def clients():
    made = {}
    for name, roles in (("cred", ["credit"]), ("col", ["collector"])):
        user = UserFactory(username=name, roles=roles)
        token = token_create(username=user.username, name=f"erp-{name}", actor="test")[1]
        made[name] = Client(headers={"Authorization": f"Bearer {token}"})
    return made


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_ask_and_decide_through_the_api(clients):
    account(days_past_due=5, amount="3000.00", customer_ref="R1")
    asked = post(clients["col"], "/api/credit/reviews", {"customer_ref": "R1", "note": "Slow"})
    assert asked.status_code == 201
    body = asked.json()
    assert (body["trigger"], body["status"], body["recommended"]) == ("manual", "open", "keep")
    assert body["facts"]["exposure"] == "3000.00"
    rid = body["id"]
    denied = post(clients["col"], f"/api/credit/reviews/{rid}/decide", {"outcome": "keep"})
    assert denied.status_code == 403
    bad = post(clients["cred"], f"/api/credit/reviews/{rid}/decide", {"outcome": "reduce"})
    assert bad.status_code == 400 and bad.json()["field"] == "new_limit"
    done = post(
        clients["cred"], f"/api/credit/reviews/{rid}/decide",
        {"outcome": "reduce", "new_limit": "5000", "note": "Slow payer"},
    )  # fmt: skip
    assert done.status_code == 200
    assert (done.json()["outcome"], done.json()["new_limit"]) == ("reduce", "5000.00")
    listed = clients["col"].get("/api/credit/reviews?status=decided").json()
    assert listed["count"] == 1 and listed["items"][0]["decided_by"] == "cred"


def test_review_pages(client):
    cust = account(days_past_due=5, amount="3000.00", customer_ref="R2", name="Reviewed Co")
    client.force_login(UserFactory(username="col", roles=["collector"]))
    response = client.post("/credit/customers/R2/review/", {"note": "Orders up"})
    review = LimitReview.objects.get(customer=cust)
    assert response["Location"] == f"/credit/reviews/{review.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Limit review: Reviewed Co" in page and "Asked for by col: Orders up" in page
    assert 'id="decide-review"' not in page and "Waiting for a credit analyst" in page
    client.force_login(UserFactory(username="cred", roles=["credit"]))
    listing = client.get("/credit/reviews/").content.decode()
    assert f'id="review-{review.pk}"' in listing and "Reviewed Co" in listing
    page = client.get(f"/credit/reviews/{review.pk}/").content.decode()
    assert 'id="decide-review"' in page and "No insured cover." in page
    client.post(
        f"/credit/reviews/{review.pk}/decide/", {"outcome": "increase", "new_limit": "15000"}
    )
    review.refresh_from_db()
    assert review.outcome == "increase"
    es = client.get(f"/credit/reviews/{review.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Revisión del límite" in es and "Aumentar el límite" in es
    client.force_login(UserFactory(username="cash", roles=["cashapp"]))
    assert client.get("/credit/reviews/").status_code == 403
