"""Scores with the scorecard: no history, one invoice, all on time, mixed currencies, no due
date, class drops and reruns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent
from openar.risk.models import CustomerScore, ItemPrediction
from openar.risk.reasons import reason_text
from openar.risk.selectors import latest_scores
from openar.risk.services import scores_refresh, scores_refresh_run
from tests.factories import CustomerFactory, FxRateFactory

from .conftest import AS_OF


def _score(customer) -> CustomerScore:
    return CustomerScore.objects.get(customer=customer, as_of=AS_OF)


def test_no_history_is_scored_on_the_scorecard_and_says_so(customer, builder):
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=10), late=None)
    result = scores_refresh_run(as_of=AS_OF, actor="test")
    assert result.customers == 1
    assert result.no_history == 1
    score = _score(customer)
    assert score.engine == "scorecard"
    assert score.reasons[0]["code"] == "no_history"
    assert reason_text(score.reasons[0], language="en") == (
        "no payment history yet: scored on the scorecard"
    )
    assert 0 <= score.score <= 1000
    assert score.risk_class in "ABCDE"


@pytest.mark.django_db
def test_empty_ledger_scores_nothing():
    assert scores_refresh(as_of=AS_OF, actor="test") == 0


def test_one_invoice(customer, builder):
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=100), late=3)
    scores_refresh(as_of=AS_OF, actor="test")
    score = _score(customer)
    assert score.engine == "scorecard"
    assert any(r["code"] == "late_avg" for r in score.reasons)


def test_all_on_time_is_safer_than_late(entity, builder):
    good = CustomerFactory(entity=entity)
    bad = CustomerFactory(entity=entity)
    builder.series(good, count=12, late=0, first=AS_OF - dt.timedelta(days=300))
    builder.series(bad, count=12, late=65, first=AS_OF - dt.timedelta(days=300))
    builder.invoice(bad, issued=AS_OF - dt.timedelta(days=150), late=None)
    scores_refresh(as_of=AS_OF, actor="test")
    g, b = _score(good), _score(bad)
    assert g.score > b.score
    assert g.risk_class < b.risk_class  # A is best
    texts = [reason_text(r, language="en") for r in b.reasons]
    assert "pays 65 days late on average" in texts
    assert any("days past due" in t for t in texts)
    assert reason_text(next(r for r in g.reasons if r["code"] == "late_avg")) == (
        "pays on time on average"
    )


def test_mixed_currencies_convert_to_the_customer_currency(entity, builder):
    customer = CustomerFactory(entity=entity, currency="USD", credit_limit=Decimal("1000.00"))
    FxRateFactory(date=AS_OF - dt.timedelta(days=5), from_currency="MXN", to_currency="USD",
                  rate=Decimal("0.0500000000"))  # fmt: skip
    builder.series(customer, count=4, late=5, first=AS_OF - dt.timedelta(days=200))
    # 10,000 MXN open and due within a week: 500 USD expected within 7 days.
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=26), late=None, amount="10000.00",
                    currency="MXN", terms=30)  # fmt: skip
    # A currency with no rate is left out rather than counted at face value.
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=26), late=None, amount="999.00",
                    currency="CRC", terms=30)  # fmt: skip
    result = scores_refresh_run(as_of=AS_OF, actor="test")
    score = _score(customer)
    assert score.currency == "USD"
    assert score.expected_30d_amount == Decimal("500.00")
    assert result.items == 2


def test_item_with_no_due_date_uses_customer_terms(customer, builder):
    builder.series(customer, count=3, late=0, first=AS_OF - dt.timedelta(days=200))
    # The source had no due date: the importer stored the document date.
    doc = builder.invoice(customer, issued=AS_OF - dt.timedelta(days=10), late=None,
                          due=AS_OF - dt.timedelta(days=10))  # fmt: skip
    scores_refresh(as_of=AS_OF, actor="test")
    pred = ItemPrediction.objects.get(document=doc)
    # Terms of 30 days from the document date: due in 20 days, predicted about then.
    assert pred.predicted_pay_date == AS_OF + dt.timedelta(days=20)
    assert pred.late_probability < 0.5


def test_class_drop_records_an_account_event_once(customer, builder):
    builder.series(customer, count=6, late=0, first=AS_OF - dt.timedelta(days=300))
    earlier = AS_OF - dt.timedelta(days=60)
    scores_refresh(as_of=earlier, actor="test")
    first = CustomerScore.objects.get(customer=customer, as_of=earlier)
    # Then nothing is paid: a large invoice goes 45 days past due.
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=75), late=None, amount="9000.00")
    scores_refresh(as_of=AS_OF, actor="test")
    scores_refresh(as_of=AS_OF, actor="test")  # a rerun replaces the day's score
    second = _score(customer)
    assert CustomerScore.objects.filter(customer=customer, as_of=AS_OF).count() == 1
    assert second.risk_class > first.risk_class
    events = AccountEvent.objects.filter(customer=customer, kind="class_dropped")
    assert events.count() == 1
    assert events.get().details == {"from": first.risk_class, "to": second.risk_class}
    snap = latest_scores(as_of=AS_OF)[customer.id]
    assert snap.previous_class == first.risk_class


def test_latest_scores_reads_the_newest_two_of_a_long_history(customer, builder):
    builder.series(customer, count=4, late=0, first=AS_OF - dt.timedelta(days=300))
    for back, cls, score in ((90, "A", 900), (60, "B", 700), (30, "D", 400)):
        CustomerScore.objects.create(customer=customer, as_of=AS_OF - dt.timedelta(days=back),
                                     score=score, risk_class=cls, engine="scorecard",
                                     currency="USD")  # fmt: skip
    snap = latest_scores(as_of=AS_OF)[customer.id]
    assert (snap.risk_class, snap.previous_class, snap.score) == ("D", "B", 400)
    earlier = latest_scores(as_of=AS_OF - dt.timedelta(days=45))[customer.id]
    assert (earlier.risk_class, earlier.previous_class) == ("B", "A")
    assert latest_scores(as_of=AS_OF, customer_ids=[customer.id + 1]) == {}
