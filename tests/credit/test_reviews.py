"""Limit reviews: opened by the daily step (periodically by risk class, on a dropped class,
broken promises, an exceeded limit; once per cause, one open at a time) or asked for; decided by
credit: keep, reduce, increase (a new limit in the history) or hold; who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from openar.activity.models import AccountEvent, ContactLog
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.credit.models import CreditHold, LimitReview
from openar.credit.selectors import customer_exposure
from openar.credit.services import (
    credit_limit_set,
    limit_review_decide,
    limit_review_request,
    limit_reviews_raise,
)
from openar.ledger.services import aging_refresh
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "credit": UserFactory(username="cred", roles=["credit"]),
        "manager": UserFactory(username="mgr", roles=["manager"]),
        "collector": UserFactory(username="col", roles=["collector"]),
    }


def event(customer, kind, day, ref, **details):
    return AccountEvent.objects.create(
        customer=customer, kind=kind, occurred_on=day, ref=ref, details=details, source="test"
    )


def test_the_daily_step_opens_reviews_for_each_cause_once(people):
    account(days_past_due=70, amount="12000.00", customer_ref="OVER")
    dropped = account(days_past_due=5, customer_ref="DROP")
    broke = account(days_past_due=5, customer_ref="BROKE")
    quiet = account(days_past_due=5, customer_ref="QUIET")
    aging_refresh(as_of=AS_OF, actor="test")
    event(dropped, "class_dropped", AS_OF, "r1", **{"from": "B", "to": "D"})
    event(broke, "promise_broken", AS_OF - dt.timedelta(days=40), "p1")
    event(broke, "promise_broken", AS_OF - dt.timedelta(days=2), "p2")
    assert limit_reviews_raise(as_of=AS_OF, actor="job") == 3
    found = {r.customer.customer_ref: r for r in LimitReview.objects.select_related("customer")}
    assert set(found) == {"OVER", "DROP", "BROKE"}
    assert found["OVER"].trigger == "limit_exceeded" and found["OVER"].recommended == "hold"
    assert (
        found["OVER"].facts["exposure"] == "12000.00" and found["OVER"].facts["days_past_due"] == 70
    )
    assert found["DROP"].trigger == "score_dropped"
    assert found["DROP"].reason.startswith("Risk class dropped from B to D")
    assert found["BROKE"].trigger == "promises_broken"
    assert found["BROKE"].reason.startswith("2 promises broken in 90 days")
    assert limit_reviews_raise(as_of=AS_OF, actor="job") == 0  # rerun: nothing new
    assert quiet.pk not in {r.customer_id for r in found.values()}


def test_periodic_reviews_come_by_risk_class(people, settings):
    settings.OPENAR_CREDIT_REVIEW_MONTHS = {"C": 6}
    cust = account(days_past_due=5, customer_ref="P1")
    created = cust.created_at.date()
    assert limit_reviews_raise(as_of=created + dt.timedelta(days=150), actor="job") == 0
    later = created + dt.timedelta(days=200)
    assert limit_reviews_raise(as_of=later, actor="job") == 1
    review = LimitReview.objects.get()
    assert review.trigger == "periodic" and review.reason.startswith(
        "Periodic review (every 6 months)"
    )
    limit_review_decide(review=review, outcome="keep", actor=people["credit"], as_of=later)
    assert limit_reviews_raise(as_of=later + dt.timedelta(days=30), actor="job") == 0


def test_decisions_set_the_limit_or_hold(people):
    cust = account(days_past_due=5, amount="4000.00", customer_ref="D1")
    review = limit_review_request(
        customer=cust, actor=people["collector"], as_of=AS_OF, note="Bad news"
    )
    assert review.trigger == "manual" and review.reason.startswith("Asked for by col: Bad news")
    with pytest.raises(Conflict):
        limit_review_request(customer=cust, actor=people["credit"], as_of=AS_OF)
    with pytest.raises(ValidationError) as caught:
        limit_review_decide(
            review=review, outcome="reduce", new_limit="12000", actor=people["credit"], as_of=AS_OF
        )
    assert caught.value.field == "new_limit"
    with pytest.raises(ValidationError) as caught:
        limit_review_decide(review=review, outcome="reduce", actor=people["credit"], as_of=AS_OF)
    assert caught.value.field == "new_limit"
    with pytest.raises(PermissionDenied):
        limit_review_decide(review=review, outcome="keep", actor=people["collector"], as_of=AS_OF)
    decided = limit_review_decide(
        review=review, outcome="reduce", new_limit="6000", note="Shrinking", actor=people["credit"],
        as_of=AS_OF,
    )  # fmt: skip
    assert decided.status == "decided" and decided.new_limit.amount == D("6000.00")
    assert customer_exposure(cust, as_of=AS_OF).credit_limit == D("6000.00")
    assert decided.new_limit.reason == "Limit review: Shrinking"
    notes = " ".join(ContactLog.objects.filter(customer=cust).values_list("note", flat=True))
    assert (
        "Limit review decided by cred: Reduce the limit (new limit 6000.00 USD): Shrinking" in notes
    )
    with pytest.raises(Conflict):
        limit_review_decide(review=review, outcome="keep", actor=people["credit"], as_of=AS_OF)
    second = limit_review_request(customer=cust, actor=people["collector"], as_of=AS_OF)
    limit_review_decide(review=second, outcome="hold", actor=people["manager"], as_of=AS_OF)
    assert CreditHold.objects.get(customer=cust).status == "active"


def test_nobody_decides_the_review_they_asked_for(people):
    cust = account(days_past_due=5, customer_ref="SELF")
    review = limit_review_request(customer=cust, actor=people["credit"], as_of=AS_OF)
    with pytest.raises(PermissionDenied) as caught:
        limit_review_decide(review=review, outcome="keep", actor=people["credit"], as_of=AS_OF)
    assert caught.value.field == "decided_by"
    credit_limit_set(
        customer=cust,
        amount="100",
        currency="USD",
        reason="x",
        actor=people["manager"],
        as_of=AS_OF,
    )
    decided = limit_review_decide(
        review=review, outcome="increase", new_limit="200", actor=people["manager"], as_of=AS_OF
    )
    assert decided.new_limit.amount == D("200.00")


def test_periodic_reviews_a_day_are_capped_oldest_first(people, settings):
    settings.OPENAR_CREDIT_REVIEWS_PER_DAY = 1
    first = account(days_past_due=5, customer_ref="CAP1")
    account(days_past_due=5, customer_ref="CAP2")
    later = first.created_at.date() + dt.timedelta(days=400)
    assert limit_reviews_raise(as_of=later, actor="job") == 1
    assert limit_reviews_raise(as_of=later, actor="job") == 0  # one open already for CAP1
    assert LimitReview.objects.get().customer.customer_ref == "CAP1"
    limit_review_decide(review=LimitReview.objects.get(), outcome="keep", actor=people["credit"],
                        as_of=later)  # fmt: skip
    assert limit_reviews_raise(as_of=later + dt.timedelta(days=1), actor="job") == 1
    assert LimitReview.objects.filter(status="open").get().customer.customer_ref == "CAP2"
