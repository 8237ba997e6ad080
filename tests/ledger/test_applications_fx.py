"""ledger.services.applications_post across currencies: a receipt in one currency posted to a
document in another at the stored rate of the applied date, within the FX tolerance, with the
rate and the FX difference recorded; refused (changing nothing) without a rate, beyond the
tolerance, or beyond what the receipt received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.money import fx_terms, fx_within
from openar.ledger.choices import PostingEffect
from openar.ledger.models import Application, Document
from openar.ledger.selectors import unapplied_cash
from openar.ledger.services import Posting, PostingRefused, applications_post, postings_stage
from tests.factories import CustomerFactory, DocumentFactory, FxRateFactory, ReceiptFactory

D = Decimal
DAY = dt.date(2026, 6, 20)


def post(postings):
    stage = postings_stage(postings)
    try:
        return applications_post(
            stage=stage, effect=PostingEffect.CASH, source="test", actor="tester"
        )
    finally:
        stage.drop()


@pytest.fixture
def books(db):
    customer = CustomerFactory()
    # A USD entity's customer billed in EUR; the payment arrives in USD.
    inv = DocumentFactory(
        customer=customer, amount=D("1000.00"), currency="EUR", document_ref="INVEUR1",
        functional_amount=D("1080.00"), fx_rate=D("1.08"),
    )  # fmt: skip
    inv2 = DocumentFactory(
        customer=customer, amount=D("250.00"), currency="EUR", document_ref="INVEUR2",
        functional_amount=D("270.00"), fx_rate=D("1.08"),
    )  # fmt: skip
    receipt = ReceiptFactory(amount=D("1350.00"), currency="USD", receipt_ref="RUSD1")
    # An older rate and the day's: the day's is used.
    FxRateFactory(date=DAY - dt.timedelta(days=10), from_currency="EUR", to_currency="USD",
                  rate=D("1.0500000000"))  # fmt: skip
    FxRateFactory(date=DAY - dt.timedelta(days=1), from_currency="EUR", to_currency="USD",
                  rate=D("1.0800000000"))  # fmt: skip
    return {"customer": customer, "inv": inv, "inv2": inv2, "receipt": receipt}


def test_pure_terms() -> None:
    converted, difference = fx_terms(
        amount=D("1000.00"), receipt_amount=D("1079.00"), rate=D("0.925925926"), currency="EUR"
    )
    assert (converted, difference) == (D("999.07"), D("0.93"))
    assert fx_within(difference, converted, "EUR")
    assert not fx_within(D("10.00"), D("999.07"), "EUR")
    assert fx_within(D("0.01"), D("0.50"), "EUR")  # one cent of rounding is always fine


def test_a_usd_receipt_clears_a_eur_invoice_at_the_days_rate(books) -> None:
    inv, receipt = books["inv"], books["receipt"]
    # 1,079.00 USD at the inverse of 1.08 is 999.07 EUR: the invoice clears, 0.93 EUR short.
    result = post([Posting(receipt.pk, inv.pk, D("1000.00"), DAY, receipt_amount=D("1079.00"))])
    assert result.created == 1
    app = Application.objects.get()
    assert app.amount == D("1000.00")
    assert app.receipt_amount == D("1079.00")
    assert app.fx_rate_date == DAY - dt.timedelta(days=1)
    assert app.fx_rate == (D(1) / D("1.08")).quantize(D("1E-10"))
    assert app.fx_difference == D("0.93")
    inv.refresh_from_db()
    assert inv.open_amount == 0 and inv.cleared_date == DAY
    assert inv.functional_open_amount == 0
    # The receipt gave up 1,079.00 USD of its 1,350.00.
    receipt.customer = books["customer"]
    receipt.save()
    later = max(receipt.receipt_date, DAY)
    assert unapplied_cash([books["customer"].pk], later)[books["customer"].pk] == {
        "USD": D("271.00")
    }


def test_same_and_other_currency_count_against_what_the_receipt_received(books) -> None:
    inv, inv2, receipt = books["inv"], books["inv2"], books["receipt"]
    usd = DocumentFactory(customer=books["customer"], amount=D("100.00"), document_ref="INVUSD")
    before = list(Document.objects.order_by("id").values_list("open_amount", flat=True))
    with pytest.raises(PostingRefused) as refused:
        post([
            Posting(receipt.pk, inv.pk, D("1000.00"), DAY, receipt_amount=D("1080.00")),
            Posting(receipt.pk, inv2.pk, D("250.00"), DAY, receipt_amount=D("270.00")),
            Posting(receipt.pk, usd.pk, D("100.00"), DAY),  # 1,450.00 USD of 1,350.00
        ])  # fmt: skip
    assert {e.code for e in refused.value.errors} == {"over_application"}
    assert list(Document.objects.order_by("id").values_list("open_amount", flat=True)) == before
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("receipt_amount", "code"),
    [
        (None, "currency_mismatch"),  # no amount named in the payment's currency
        (D("1000.00"), "fx_tolerance"),  # 925.93 EUR at the day's rate: 74 short of 1,000
        (D("-1080.00"), "fx_amount"),
        (D("1080.001"), "fx_amount"),
    ],
)
def test_refused_without_the_terms_and_nothing_changes(books, receipt_amount, code) -> None:
    inv, receipt = books["inv"], books["receipt"]
    with pytest.raises(PostingRefused) as refused:
        post([Posting(receipt.pk, inv.pk, D("1000.00"), DAY, receipt_amount=receipt_amount)])
    assert [e.code for e in refused.value.errors] == [code]
    assert "INVEUR1" in refused.value.errors[0].message
    inv.refresh_from_db()
    assert inv.open_amount == D("1000.00") and not Application.objects.exists()


def test_refused_without_a_stored_rate_on_or_before_the_day(books) -> None:
    inv, receipt = books["inv"], books["receipt"]
    early = DAY - dt.timedelta(days=30)
    with pytest.raises(PostingRefused) as refused:
        post([Posting(receipt.pk, inv.pk, D("1000.00"), early, receipt_amount=D("1080.00"))])
    (error,) = refused.value.errors
    assert error.code == "no_rate" and "EUR" in error.message and early.isoformat() in error.message
    assert not Application.objects.exists()


def test_a_rate_through_a_pivot(db) -> None:
    customer = CustomerFactory()
    inv = DocumentFactory(customer=customer, amount=D("2000.00"), currency="MXN")
    receipt = ReceiptFactory(amount=D("110.00"), currency="EUR")
    FxRateFactory(date=DAY, from_currency="MXN", to_currency="USD", rate=D("0.0550000000"))
    FxRateFactory(date=DAY, from_currency="EUR", to_currency="USD", rate=D("1.1000000000"))
    # 100.00 EUR = 110.00 USD = 2,000.00 MXN.
    post([Posting(receipt.pk, inv.pk, D("2000.00"), DAY, receipt_amount=D("100.00"))])
    app = Application.objects.get()
    assert app.fx_difference == 0 and app.receipt_amount == D("100.00")
    assert app.fx_rate == D("20.0000000000")
