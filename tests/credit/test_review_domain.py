"""What a limit review recommends from collection behaviour: pure rules, no database."""

from __future__ import annotations

from decimal import Decimal as D

from openar.credit.domain import Behaviour, review_recommendation


def behaviour(**changes):
    base = {
        "currency": "USD", "limit": D("10000"), "exposure": D("5000"), "days_past_due": 0,
        "avg_days_late": D("2"), "paid_items": 10, "promises_kept": 1, "promises_broken": 0,
        "risk_class": "B", "previous_class": "B", "score": 700,
    }  # fmt: skip
    return Behaviour(**{**base, **changes})


def codes(parts):
    return [p["code"] for p in parts]


def test_steady_behaviour_keeps_the_limit():
    assert review_recommendation(behaviour()) == (
        "keep",
        None,
        [{"code": "review_steady", "params": {}}],
    )


def test_broken_promises_and_late_payment_reduce_with_their_reasons():
    outcome, limit, parts = review_recommendation(
        behaviour(promises_broken=3, avg_days_late=D("41"))
    )
    assert (outcome, limit) == ("reduce", D("7500"))
    assert codes(parts) == ["review_promises_broken", "review_pays_late"]
    assert parts[1]["params"] == {"days": 41}


def test_a_drop_into_a_risky_class_reduces():
    outcome, _, parts = review_recommendation(behaviour(risk_class="D", previous_class="B"))
    assert outcome == "reduce" and codes(parts) == ["review_class_dropped"]


def test_over_the_limit_with_old_items_is_a_hold():
    outcome, limit, parts = review_recommendation(behaviour(exposure=D("12500"), days_past_due=75))
    assert (outcome, limit) == ("hold", None)
    assert parts[0] == {
        "code": "review_over_limit",
        "params": {"amount": "2500", "currency": "USD"},
    }


def test_a_punctual_safe_account_using_its_limit_gets_an_increase():
    outcome, limit, parts = review_recommendation(behaviour(exposure=D("9000"), risk_class="A"))
    assert (outcome, limit) == ("increase", D("12500"))
    assert codes(parts) == ["review_high_use", "review_good_payer"]


def test_no_limit_nothing_to_review():
    assert review_recommendation(behaviour(limit=None))[0] == "keep"
