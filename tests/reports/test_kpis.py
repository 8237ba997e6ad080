"""KPIs against figures worked out by hand on the portfolio of conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.reports.selectors.kpis import Scope, kpis
from openar.reports.services import snapshot_take

AS_OF = dt.date(2026, 6, 30)

# Sales 2026-04-02..06-30: A2 2000 + A3 1500 + B1 3000 + B2 500 = 7000.
# Open on 06-30: A1 400 + A2 2000 + A3 1500 + B2 500 + B3 300 = 4700, of which current
# A3 + B2 = 2000, past due 2700, over 90 days A1 400 + B3 300 = 700. Open on 04-01: 1000 + 300.
HAND = {
    "dso_simple": 60.4,  # 4700 / 7000 * 90 = 60.43
    "best_possible_dso": 25.7,  # 2000 / 7000 * 90 = 25.71
    "add": 34.7,  # 60.43 - 25.71 = 34.71
    # Countback: June (05-30..06-30, 31 days) sold 2000, May (30 days) 2000, April (31 days)
    # 3000: 31 + 30 + 31 * 700 / 3000 = 68.23.
    "dso_countback": 68.2,
    "cei": 0.5714,  # (1300 + 7000 - 4700) / (1300 + 7000 - 2000) = 3600 / 6300
    "pct_current": 0.4255,  # 2000 / 4700
    "pct_past_due": 0.5745,  # 2700 / 4700
    "pct_over_90": 0.1489,  # 700 / 4700
    "promise_kept_rate": 0.5,  # one kept, one broken
    "broken_promise_amount": "200.00",  # 300 promised, 100 received
    "dispute_cycle_days": 20.0,  # opened 05-01, resolved 05-21
    "disputes_open": 1,
    "disputed_amount": "500.00",
    "cash_collected": "3850.00",  # 600 + 3000 + 250
    "collections_target": "6300.00",  # the CEI's denominator
    "collections_vs_target": 0.6111,  # 3850 / 6300
    "unapplied_cash": "250.00",
    "bad_debt_written_off": "80.00",  # the dispute written off
    "accounts_on_hold": 1,
}


def _check(result):
    for key, expected in HAND.items():
        assert result[key] == expected, key


def test_kpis_from_the_ledger(portfolio):
    result = kpis(as_of=AS_OF, period_days=90)
    assert result["inputs"]["receivables_source"] == "ledger"
    assert result["inputs"]["sales"] == "7000.00"
    assert result["inputs"]["receivables"] == "4700.00"
    assert result["inputs"]["receivables_begin"] == "1300.00"
    _check(result)


def test_kpis_from_snapshots_agree(portfolio):
    snapshot_take(as_of=AS_OF, actor="test")
    snapshot_take(as_of=AS_OF - dt.timedelta(days=90), actor="test")
    result = kpis(as_of=AS_OF, period_days=90)
    assert result["inputs"]["receivables_source"] == "snapshot"
    assert result["inputs"]["receivables_begin_source"] == "snapshot"
    _check(result)


def test_calls_per_collector_day(portfolio):
    # 2026-06-24..06-30 holds five weekdays; Ana logged four calls, Bob an email.
    result = kpis(as_of=AS_OF, period_days=7, scope=Scope(collector="ana"))
    assert result["calls"] == 4
    assert result["calls_per_collector_day"] == 0.8
    assert result["calls_target_per_day"] == 50.0
    assert result["calls_vs_target"] == 0.016
    both = kpis(as_of=AS_OF, period_days=7)
    assert both["collectors"] == 2
    assert both["calls_per_collector_day"] == 0.4


def test_scope_by_collector(portfolio):
    # Ana's account A: open 400 + 2000 + 1500 = 3900, current 1500; sales 2000 + 1500 = 3500.
    result = kpis(as_of=AS_OF, period_days=90, scope=Scope(collector="ana"))
    assert result["inputs"]["receivables"] == "3900.00"
    assert result["dso_simple"] == pytest.approx(100.3)  # 3900 / 3500 * 90
    assert result["accounts_on_hold"] == 0
    assert result["promise_kept_rate"] == 1.0


def test_a_filter_that_matches_nothing_is_empty(portfolio):
    result = kpis(as_of=AS_OF, scope=Scope(entity="NOPE"))
    assert result["inputs"]["receivables"] == "0.00"
    assert result["dso_simple"] is None and result["cei"] is None
    assert result["cash_collected"] == "0.00"


def test_reporting_currency_at_the_as_of_rate(portfolio):
    from decimal import Decimal

    from tests.factories import DocumentFactory, FxRateFactory

    # An EUR invoice dated in the period, still open: at 1.10 on 06-01 (1.20 after the date).
    DocumentFactory(customer=portfolio["a"], document_ref="E1", currency="EUR",
                    document_date=dt.date(2026, 6, 10), due_date=dt.date(2026, 7, 10),
                    amount=Decimal("1000"))  # fmt: skip
    FxRateFactory(date=dt.date(2026, 6, 1), from_currency="EUR", to_currency="USD",
                  rate=Decimal("1.10"))  # fmt: skip
    FxRateFactory(date=dt.date(2026, 7, 1), from_currency="EUR", to_currency="USD",
                  rate=Decimal("1.20"))  # fmt: skip
    result = kpis(as_of=AS_OF, period_days=90)
    assert result["inputs"]["sales"] == "8100.00"
    assert result["inputs"]["receivables"] == "5800.00"
    assert result["dso_simple"] == 64.4  # 5800 / 8100 * 90
    assert result["inputs"]["rates"] == {"EUR": {"rate": "1.1000000000", "date": "2026-06-01"}}


def test_cash_forecast(portfolio):
    from openar.reports.selectors.forecast import cash_forecast

    b2 = portfolio["docs"]["B2"]
    b2.disputed = True
    b2.save()
    # Ana's open promise of 1000 for 07-05 takes A1's 400 and 600 of A2 (earliest due first);
    # the rest of A2 (due 06-14, past) is expected in week 1, A3 on its due date 07-20 (week 3);
    # B2 is in dispute and B3 141 days past due with no prediction: not forecast.
    result = cash_forecast(as_of=AS_OF, weeks=13).as_dict()
    week1, week3 = result["weeks"][0], result["weeks"][2]
    assert (week1["start"], week1["end"]) == ("2026-07-01", "2026-07-07")
    assert (week1["promised"], week1["due"], week1["total"]) == ("1000.00", "1400.00", "2400.00")
    assert week3["due"] == "1500.00"
    assert result["total"] == "3900.00"
    assert result["not_forecast"] == "300.00"
    ana = cash_forecast(as_of=AS_OF, scope=Scope(collector="bob")).as_dict()
    assert ana["total"] == "0.00"
