"""The figures a message prints, computed the quick way the outbox uses, read the same as the
plain definitions: amounts in the message language, totals by currency. Pure, no database."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openar.comms.domain import AccountItems, Item, amount_text, money_text
from openar.core.money import format_amount

AS_OF = dt.date(2026, 6, 30)
CURRENCIES = ("USD", "EUR", "JPY", "KWD", "CLF")
# Generating decimals is slow on a busy machine; what is checked does not depend on the speed.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def test_money_text_reads_as_amount_text_of_the_plain_amount():
    # A fixed sweep (no generated inputs): signs, sizes, half-way cents, every kind of currency.
    rng = random.Random(20261207)
    values = [Decimal(rng.randint(-(10**16), 10**16)).scaleb(-4) for _ in range(3000)]
    values += [Decimal(v) for v in ("0", "-0", "0.005", "-0.005", "999.9999", "1000", "-1000.5")]
    for amount in values:
        for currency in CURRENCIES:
            for lang in ("en", "es", "pt"):
                want = amount_text(format_amount(amount, currency), lang)
                assert money_text(amount, currency, lang) == want, (amount, currency, lang)


def test_money_text_examples():
    assert money_text(Decimal("1234567.5"), "EUR", "es") == "1.234.567,50"
    assert money_text(Decimal("-1234.505"), "USD", "en") == "-1,234.51"
    assert money_text(Decimal("-0.001"), "USD", "en") == "-0.00"
    assert money_text(Decimal("999"), "JPY", "es") == "999"
    assert money_text(Decimal("1000"), "JPY", "es") == "1.000"


def _reference_totals(account: AccountItems) -> list[tuple[Decimal, ...]]:
    # The totals as defined: one sum per figure and currency.
    out = []
    for cur in sorted({i.currency for i in account.items} | set(account.unapplied)):
        mine = [i for i in account.items if i.currency == cur]
        past = sum(
            (i.open_amount for i in mine if i.open_amount > 0 and i.days_past_due > 0), Decimal(0)
        )
        disputed = sum(
            (i.in_dispute for i in mine if i.open_amount > 0 and i.days_past_due > 0), Decimal(0)
        )
        not_due = sum(
            (i.open_amount for i in mine if i.open_amount > 0 and i.days_past_due <= 0), Decimal(0)
        )
        credits = sum((i.open_amount for i in mine if i.open_amount < 0), Decimal(0))
        unapplied = account.unapplied.get(cur, Decimal(0))
        asked = past - disputed
        out.append(
            (cur, asked, disputed, not_due, credits, unapplied, past + not_due + credits,
             max(asked + credits - unapplied, Decimal(0)))
        )  # fmt: skip
    return out


items = st.builds(
    lambda cur, open_amount, dpd, disputed, part: Item(
        document_ref="D",
        document_type="invoice" if open_amount >= 0 else "credit_memo",
        document_date=AS_OF,
        due_date=AS_OF - dt.timedelta(days=dpd),
        currency=cur,
        amount=open_amount,
        open_amount=open_amount,
        days_past_due=dpd,
        disputed=disputed,
        disputed_amount=part,
    ),
    st.sampled_from(CURRENCIES[:3]),
    st.decimals(min_value=-5000, max_value=5000, places=2, allow_nan=False),
    st.integers(min_value=-30, max_value=200),
    st.booleans(),
    st.none() | st.decimals(min_value=-100, max_value=6000, places=2, allow_nan=False),
)


@relaxed
@given(
    listed=st.lists(items, max_size=12),
    unapplied=st.dictionaries(
        st.sampled_from(CURRENCIES[:3]),
        st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False),
        max_size=2,
    ),
)
def test_totals_by_currency_add_up_as_defined(listed, unapplied):
    account = AccountItems(as_of=AS_OF, items=tuple(listed), unapplied=unapplied)
    got = [
        (t.currency, t.past_due, t.disputed, t.not_due, t.credits, t.unapplied, t.balance,
         t.requested)
        for t in account.totals()
    ]  # fmt: skip
    want = _reference_totals(account)
    assert got == want
    # Same digits too (a total of '0.00' is not printed as '0').
    assert [tuple(str(v) for v in row) for row in got] == [
        tuple(str(v) for v in row) for row in want
    ]
