"""Holds in the browser's pages: the customer page's credit-hold section, the customer list's
badge, bulk decisions on the Recommendations page, Spanish reasons, and `openar export holds`."""

from __future__ import annotations

import csv

import pytest

from openar import cli
from openar.credit.models import CreditHold, Recommendation
from openar.credit.services import hold_place
from openar.ledger.services import aging_refresh
from openar.strategy.services import strategies_evaluate
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def customers():
    small = account(days_past_due=40, amount="1000.00", customer_ref="S1", name="Smallco")
    big = account(days_past_due=95, amount="8000.00", customer_ref="B1", name="Bigco")
    aging_refresh(as_of=AS_OF, actor="test")
    return {"S1": small, "B1": big}


@pytest.fixture
def credit_user():
    return UserFactory(username="cred", roles=["credit"])


def test_credit_puts_on_hold_and_releases_from_the_customer_page(client, customers, credit_user):
    client.force_login(credit_user)
    page = client.get("/customers/S1/").content.decode()
    assert 'id="credit-hold"' in page and 'id="place-hold"' in page and "Orders open" in page
    response = client.post(
        "/credit/customers/S1/hold/", {"reason": "Over limit", "release_condition": "balance_paid"}
    )
    assert response.status_code == 302 and response["Location"] == "/customers/S1/#credit-hold"
    page = client.get("/customers/S1/").content.decode()
    assert 'id="flag-on_hold"' in page and 'id="release-hold"' in page
    assert "Over limit" in page and "Whole balance paid" in page
    assert "Credit hold placed by cred: Over limit" in page  # the timeline
    listing = client.get("/").content.decode()
    assert listing.count('data-flag="on_hold"') == 1
    hold = CreditHold.objects.get()
    client.post(f"/credit/holds/{hold.pk}/release/", {"reason": "Paid"})
    hold.refresh_from_db()
    assert hold.status == "released"
    page = client.get("/customers/S1/").content.decode()
    assert 'id="flag-on_hold"' not in page and "Credit hold released by cred: Paid" in page


def test_a_collector_asks_and_cannot_release(client, customers, credit_user):
    collector = UserFactory(username="col", roles=["collector"])
    client.force_login(collector)
    page = client.get("/customers/B1/").content.decode()
    assert "Ask for a hold" in page and "go to credit for approval" in page
    client.post("/credit/customers/B1/hold/", {"reason": "Refuses to pay"})
    page = client.get("/customers/B1/").content.decode()
    assert 'id="hold-pending"' in page and 'id="flag-on_hold"' not in page
    assert Recommendation.objects.get().requested_by == collector
    hold = hold_place(customer=customers["S1"], reason="x", actor=credit_user)
    assert 'id="release-hold"' not in client.get("/customers/S1/").content.decode()
    assert client.post(f"/credit/holds/{hold.pk}/release/").status_code == 403
    hold.refresh_from_db()
    assert hold.status == "active"


def test_a_refused_hold_says_why(client, customers, credit_user):
    client.force_login(credit_user)
    response = client.post("/credit/customers/S1/hold/", {"reason": ""}, follow=True)
    assert "give the reason for the hold" in response.content.decode()
    assert not CreditHold.objects.exists()


@pytest.fixture
def recs(customers):
    make_strategy("std", [step("hold", "credit_hold", 30, owner_role="credit")], is_default=True)
    strategies_evaluate(as_of=AS_OF, actor="test")
    return {r.customer.customer_ref: r for r in Recommendation.objects.select_related("customer")}


def test_bulk_approve_places_the_holds(client, recs, credit_user):
    client.force_login(credit_user)
    page = client.get("/credit/").content.decode()
    assert page.count('class="rec-select"') == 2 and 'id="bulk-confirm"' in page
    decided = recs["S1"]
    decided.status = "rejected"
    decided.save()
    response = client.post(
        "/credit/recommendations/decide/",
        {"decision": "approve", "ids": [recs["S1"].pk, recs["B1"].pk], "note": "weekly review"},
        follow=True,
    )
    body = response.content.decode()
    assert "1 recommendation approved." in body
    assert f"Recommendation {recs['S1'].pk} not decided" in body
    assert list(CreditHold.objects.values_list("customer__customer_ref", flat=True)) == ["B1"]
    hold = CreditHold.objects.get()
    assert hold.recommendation == recs["B1"] and hold.reason == recs["B1"].reason


def test_bulk_decide_needs_a_decider(client, recs):
    client.force_login(UserFactory(username="col", roles=["collector"]))
    assert 'id="bulk-form"' not in client.get("/credit/").content.decode()
    response = client.post("/credit/recommendations/decide/", {"decision": "approve", "ids": [1]})
    assert response.status_code == 403
    assert not CreditHold.objects.exists()


def test_reasons_read_in_spanish(client, recs, credit_user):
    client.force_login(credit_user)
    body = client.get("/credit/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Std / Hold: partida más antigua con 95 días de atraso, saldo 8" in body
    assert "000,00 USD" in body
    assert "oldest item" not in body
    assert recs["B1"].reason.startswith(
        "Std / Hold: oldest item 95 days past due, balance 8,000.00"
    )


def test_export_holds_writes_the_erp_layout(tmp_path, customers, credit_user, capsys):
    from openar.credit.services import hold_release

    hold = hold_place(customer=customers["S1"], reason="Late, again", actor=credit_user)
    hold_release(hold=hold, actor=credit_user, reason="Paid")
    target = tmp_path / "holds.csv"
    assert cli.main(["export", "holds", str(target)]) == 0
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0] == ["entity", "customer_ref", "action", "reason", "decided_by", "decided_at"]
    entity = customers["S1"].entity.code
    assert [r[:5] for r in rows[1:]] == [
        [entity, "S1", "hold", "Late, again", "cred"],
        [entity, "S1", "release", "Paid", "cred"],
    ]
    assert rows[1][5] <= rows[2][5] and "T" in rows[1][5]
    assert "2 holds rows written" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        cli.main(["export", "holds", "--output", str(target)])
    assert exc.value.code == 2
