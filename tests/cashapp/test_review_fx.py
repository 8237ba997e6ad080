"""A person applies a payment in one currency to documents in another from the cash review
screen: the suggestion shows the stored rate of the day, what is taken from the payment, the
documents it clears and the FX difference (English and Spanish); Apply posts through the
ledger's ``applications_post`` (the rate, its date and the FX difference on the application).
Beyond the FX tolerance, or without a stored rate, the screen says so and nothing is posted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import CashApplication, MatchProposal, StatementLine
from openar.cashapp.selectors import receipt_unapplied
from openar.cashapp.services import (
    bank_account_add,
    line_apply,
    lines_match,
    statement_import,
)
from openar.core.errors import ValidationError
from openar.disputes.models import Deduction
from openar.ledger.models import Application, Document, FxRate
from tests.factories import (
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    FxRateFactory,
    UserFactory,
)

from .conftest import STATEMENTS

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 11, 30)
MULTI = STATEMENTS / "camt-openar" / "camt.053.001.08-multicurrency.xml"


def nordic_ledger(invoice: str, *, rate: bool = True) -> dict[str, Any]:
    """A Swiss entity's multi-currency account; Nordic Timber owes one EUR invoice; the SEK
    payment of 12,500.00 in the real camt file names it. EUR/SEK 11.4285714286 the day before
    (SEK to EUR 0.0875: 12,500.00 SEK = 1,093.75 EUR)."""
    entity = EntityFactory(code="CH01", name="OpenAR Schweiz", currency="CHF")
    bank_account_add(
        entity=entity, account_number="CH93 0076 2011 6238 5295 7", name="Multi",
        currency="CHF", currencies=["SEK", "EUR"], actor="test",
    )  # fmt: skip
    nordic = CustomerFactory(
        customer_ref="C-NORDIC", name="Nordic Timber AB", entity=entity, currency="EUR"
    )
    doc = DocumentFactory(
        customer=nordic, entity=entity, document_ref="1800030002", currency="EUR",
        amount=D(invoice), functional_currency="CHF",
    )  # fmt: skip
    if rate:
        FxRateFactory(date=DAY - dt.timedelta(days=1), from_currency="EUR", to_currency="SEK",
                      rate=D("11.4285714286"))  # fmt: skip
    statement_import(path=MULTI, actor="test")
    # A stricter threshold than the default: the FX match (0.93) waits for a person.
    lines_match(as_of=DAY, actor="test", threshold=D("0.935"))
    line = StatementLine.objects.get(currency="SEK")
    return {"line": line, "doc": doc, "customer": nordic}


@pytest.fixture
def specialist(client):
    user = UserFactory(username="cash1", roles=["cashapp"])
    client.force_login(user)
    return user


def test_the_suggestion_shows_the_rate_the_receipt_amount_and_the_fx_difference(
    client, specialist
) -> None:
    data = nordic_ledger("1100.00")
    line = data["line"]
    assert line.status == LineStatus.REVIEW
    top = MatchProposal.objects.get(line=line, rank=1)
    assert top.method.startswith("fx_")
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    assert 'id="fx-terms-1"' in page
    assert "Through FX" in page
    assert "0.0875" in page
    assert "12,500.00 SEK = 1,093.75 EUR" in page
    assert 'id="fx-difference-1" class="">6.25 EUR' in page
    assert 'id="apply-proposal-1"' in page
    client.cookies["django_language"] = "es"
    page = client.get(reverse("cashapp:line", args=[line.pk]), HTTP_ACCEPT_LANGUAGE="es").content
    text = page.decode()
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    assert "Con tipo de cambio" in text
    assert "Tomado del pago" in text
    assert "Diferencia de cambio" in text
    assert "12 500,00 SEK = 1 093,75 EUR" in text and "0,0875" in text


def test_apply_posts_through_the_ledger_at_the_stored_rate(client, specialist) -> None:
    data = nordic_ledger("1100.00")
    line = data["line"]
    response = client.post(
        reverse("cashapp:line_apply", args=[line.pk]), {"proposal": "1", "after": "/cash/"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.APPLIED
    app = Application.objects.get(document=data["doc"])
    assert (app.amount, app.receipt_amount, app.fx_difference) == (
        D("1100.00"), D("12500.00"), D("6.25"),
    )  # fmt: skip
    assert app.fx_rate == D("0.0875000000") and app.fx_rate_date == DAY - dt.timedelta(days=1)
    assert Document.objects.get(pk=data["doc"].pk).open_amount == 0
    cash = CashApplication.objects.get(line=line)
    assert cash.mode == ApplicationMode.MANUAL and cash.created_by == specialist
    assert line.receipt is not None
    line.receipt.refresh_from_db()
    assert line.receipt.customer_id == data["customer"].pk
    assert receipt_unapplied(line.receipt) == 0
    # Once applied, the line is no longer open: a second apply is refused.
    with pytest.raises(Exception, match="already"):
        line_apply(line=line, allocations=[(data["doc"], D("1100.00"))], actor="test")


def test_a_short_payment_through_fx_leaves_a_deduction_in_the_documents_currency(
    client, specialist
) -> None:
    # 1,120.00 EUR against 1,093.75 EUR converted: 26.25 short, beyond the FX tolerance (1%)
    # but within the one for bank charges. The suggestion pays what the payment is worth.
    data = nordic_ledger("1120.00")
    line = data["line"]
    top = MatchProposal.objects.get(line=line, rank=1)
    assert top.method == "fx_ref_charges" and top.difference_amount == D("-26.25")
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    assert "12,500.00 SEK = 1,093.75 EUR" in page and 'id="fx-warning-1"' not in page
    client.post(reverse("cashapp:line_apply", args=[line.pk]), {"proposal": "1"})
    app = Application.objects.get(document=data["doc"])
    assert (app.amount, app.receipt_amount, app.fx_difference) == (
        D("1093.75"), D("12500.00"), D("0.00"),
    )  # fmt: skip
    deduction = Deduction.objects.get(document=data["doc"])
    assert (deduction.amount, deduction.currency) == (D("26.25"), "EUR")
    assert Document.objects.get(pk=data["doc"].pk).open_amount == D("26.25")


def test_beyond_the_fx_tolerance_at_the_days_rate_the_screen_says_so_and_nothing_is_posted(
    client, specialist
) -> None:
    data = nordic_ledger("1100.00")
    line = data["line"]
    # A rate stored since matching, for the payment's day: 12,500.00 SEK is now 1,041.67 EUR,
    # 58.33 from the 1,100.00 EUR the suggestion clears (the tolerance is 1%, 10.42).
    FxRateFactory(date=DAY, from_currency="EUR", to_currency="SEK", rate=D("12.0000000000"))
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    assert 'id="fx-warning-1"' in page and "beyond the tolerance of 1%" in page
    assert 'id="apply-proposal-1-blocked"' in page
    assert 'id="apply-proposal-1"' not in page
    response = client.post(
        reverse("cashapp:line_apply", args=[line.pk]), {"proposal": "1"}, follow=True
    )
    refused = response.content.decode()
    assert "12500.00 SEK at 0.0833333333 (2026-11-30) is 1041.67 EUR, too far from the " in refused
    assert "1100.00 EUR the documents clear (FX tolerance 1%)" in refused
    line.refresh_from_db()
    assert line.status == LineStatus.REVIEW
    assert not Application.objects.filter(document=data["doc"]).exists()


def test_without_a_stored_rate_for_the_day_the_service_refuses_naming_the_pair() -> None:
    data = nordic_ledger("1100.00")
    FxRate.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        line_apply(line=data["line"], allocations=[(data["doc"], D("1100.00"))], actor="test")
    assert refused.value.code == "no_fx_rate"
    assert "no stored rate from SEK to EUR on or before 2026-11-30" in refused.value.message
    assert not Application.objects.exists()


def test_one_payment_does_not_clear_two_currencies_at_once() -> None:
    data = nordic_ledger("1100.00")
    other = DocumentFactory(
        customer=data["customer"], entity=data["doc"].entity, document_ref="1800030003",
        currency="SEK", amount=D("100.00"), functional_currency="CHF",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        line_apply(
            line=data["line"],
            allocations=[(data["doc"], D("1000.00")), (other, D("100.00"))],
            actor="test",
        )
    assert refused.value.code == "currency_mismatch"
    assert not Application.objects.exists()
