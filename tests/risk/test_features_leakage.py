"""Features computed as of D read nothing after D: adding later data leaves them unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from openar.ledger.models import Application, Document, Receipt
from openar.risk.domain import customer_features, to_day
from openar.risk.selectors import fx_factors, load_history
from tests.factories import CustomerFactory, FxRateFactory

D = dt.date(2026, 3, 31)


def _features(as_of: dt.date) -> dict[str, list[float | None]]:
    h = load_history(as_of=as_of, since=None)
    day = to_day(as_of)
    feats = customer_features(h, day, fx_factors(h, day)[0])
    order = np.argsort(h.cust_id)
    return {
        k: [None if np.isnan(x) else round(float(x), 9) for x in v[order]] for k, v in feats.items()
    }


def test_later_data_does_not_change_features_as_of_d(builder, customer, entity):
    builder.series(customer, count=8, late=[2, 5, 12, 0, 40, 3, 9, 1], first=dt.date(2025, 6, 1))
    open_doc = builder.invoice(customer, issued=dt.date(2026, 3, 1), late=None)
    before = _features(D)

    # After D: the open invoice is paid late, partially then fully; new invoices, a dispute, a
    # bureau rating and a broken promise appear; an invoice paid before D is unchanged.
    receipt = Receipt.objects.create(entity=entity, receipt_ref="LATE1", customer=customer,
                                     receipt_date=dt.date(2026, 5, 20), currency="USD",
                                     amount=Decimal("1000.00"))  # fmt: skip
    Application.objects.create(receipt=receipt, document=open_doc, amount=Decimal("400.00"),
                               applied_date=dt.date(2026, 4, 10))  # fmt: skip
    Application.objects.create(
        receipt=Receipt.objects.create(entity=entity, receipt_ref="LATE2", customer=customer,
                                       receipt_date=dt.date(2026, 5, 20), currency="USD",
                                       amount=Decimal("600.00")),
        document=open_doc, amount=Decimal("600.00"), applied_date=dt.date(2026, 5, 20),
    )  # fmt: skip
    Document.objects.filter(pk=open_doc.pk).update(open_amount=0, cleared_date=dt.date(2026, 5, 20))
    builder.series(customer, count=4, late=90, first=dt.date(2026, 4, 2))
    builder.invoice(customer, issued=dt.date(2026, 4, 20), late=None, disputed=True)
    other = CustomerFactory(entity=entity)
    builder.series(other, count=3, late=70, first=dt.date(2026, 4, 5))
    from openar.activity.models import PromiseToPay
    from openar.risk.models import CreditRating

    CreditRating.objects.create(customer=customer, provider="Coface", rating="2", score=20,
                                rated_on=dt.date(2026, 4, 1))  # fmt: skip
    PromiseToPay.objects.create(customer=customer, amount=Decimal("5"), currency="USD",
                                promised_date=dt.date(2026, 4, 15), taken_on=dt.date(2026, 4, 1),
                                status="broken", resolved_on=dt.date(2026, 4, 16))  # fmt: skip
    FxRateFactory(date=dt.date(2026, 4, 2), from_currency="MXN", to_currency="USD")

    after = _features(D)
    # The other customer did not exist on D in the documents; compare our customer only.
    mine = 0  # customers are ordered by id; ours was created first
    for name in before:
        assert after[name][mine] == before[name][mine], name
    # And the later data does change features as of a later date (the test can fail).
    later = _features(dt.date(2026, 6, 30))
    assert later["n_paid"][mine] != before["n_paid"][mine]
    assert later["rating_score"][mine] == 20.0


def test_open_amount_is_rolled_back_to_the_as_of_date(builder, customer, entity):
    doc = builder.invoice(customer, issued=dt.date(2026, 1, 1), late=None, amount="1000.00")
    receipt = Receipt.objects.create(entity=entity, receipt_ref="P1", customer=customer,
                                     receipt_date=dt.date(2026, 4, 1), currency="USD",
                                     amount=Decimal("300.00"))  # fmt: skip
    Application.objects.create(receipt=receipt, document=doc, amount=Decimal("300.00"),
                               applied_date=dt.date(2026, 4, 1))  # fmt: skip
    Document.objects.filter(pk=doc.pk).update(open_amount=Decimal("700.00"))
    assert _features(D)["balance"][0] == 1000.0  # cash after D is rolled back
    assert _features(dt.date(2026, 4, 2))["balance"][0] == 700.0
    assert _features(dt.date(2025, 12, 31))["balance"][0] == 0.0  # not issued yet
