"""A line in a currency other than its items' matches through the ledger's stored rates
(direct, inverse or through a pivot, ``core.money.cross_rate``) within the tolerance for bank
charges and FX differences; it names the payer and the items for a person, and is never applied
by the machine (the ledger posts no cross-currency application)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openar.cashapp import matching as m
from openar.cashapp.choices import LineStatus
from openar.cashapp.models import MatchProposal, StatementLine
from openar.cashapp.services import bank_account_add, lines_match, statement_import
from openar.ledger.models import Application
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, FxRateFactory

from .conftest import STATEMENTS

D = Decimal
DAY = dt.date(2026, 11, 30)
CFG = m.Settings()
MULTI = STATEMENTS / "camt-openar" / "camt.053.001.08-multicurrency.xml"


def index_with(amount: str, currency: str = "EUR") -> m.MatchIndex:
    index = m.MatchIndex()
    index.add_customer(m.CustomerInfo(1, "C-NORDIC", "Nordic Timber AB", None, 1, currency))
    index.add_item(
        m.Item(1, 1, "1800030002", "invoice", currency, D(amount), DAY, DAY - dt.timedelta(40))
    )
    index.finish()
    return index


def sek_line(**kw) -> m.LineFacts:
    return m.LineFacts(
        id=1, amount=D("12500.00"), currency="SEK", entity_id=1, date=DAY,
        counterparty_name="NORDIC TIMBER AB", remittance="INVOICE 1800030002", **kw,
    )  # fmt: skip


def test_through_the_stored_rate_within_the_tolerance() -> None:
    # 12,500.00 SEK at 0.0875 is 1,093.75 EUR: 6.25 short of the invoice, within 1% / 40 EUR.
    proposals = m.propose(
        index_with("1100.00"), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
    )
    best = proposals[0]
    assert best.method == "fx_ref_charges"
    assert [(a.item.ref, a.amount) for a in best.allocations] == [("1800030002", D("1093.75"))]
    assert best.difference == D("-6.25") and best.shortfall_reason == "bank_charges"
    assert best.confidence == m.CONFIDENCE["fx"] < CFG.threshold
    assert "paid 12,500.00 SEK = 1,093.75 EUR at the rate of 2026-11-30 (0.0875)" in (
        best.explanation
    )


def test_an_exact_conversion_and_an_fx_gain_are_found_too() -> None:
    for amount, difference in (("1093.75", D(0)), ("1090.00", D("3.75"))):
        best = m.propose(
            index_with(amount), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
        )[0]
        assert best.method.startswith("fx_") and best.difference == difference


def test_beyond_the_tolerance_or_without_a_rate_nothing_through_fx() -> None:
    # 1,200 EUR open: 106.25 short is a partial payment, not an FX difference.
    proposals = m.propose(
        index_with("1200.00"), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
    )
    assert not any(p.method.startswith("fx_") for p in proposals)
    proposals = m.propose(index_with("1100.00"), sek_line(), CFG, places=D("0.01"))
    assert not any(p.allocations for p in proposals)


def test_items_in_the_line_currency_come_first() -> None:
    index = index_with("1100.00")
    index.add_item(m.Item(2, 1, "1800030009", "invoice", "SEK", D("12500.00"), DAY, DAY))
    index.finish()
    best = m.propose(index, sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01"))[0]
    assert best.method == "amount_single" or best.method.startswith("ref")
    assert best.allocations[0].item.currency == "SEK"


@pytest.mark.django_db
def test_a_sek_line_against_a_eur_invoice_waits_for_a_person() -> None:
    entity = EntityFactory(code="CH01", name="OpenAR Schweiz", currency="CHF")
    bank_account_add(
        entity=entity, account_number="CH93 0076 2011 6238 5295 7", name="Multi",
        currency="CHF", currencies=["SEK", "EUR"], actor="test",
    )  # fmt: skip
    nordic = CustomerFactory(
        customer_ref="C-NORDIC", name="Nordic Timber AB", entity=entity, currency="EUR"
    )
    DocumentFactory(
        customer=nordic, entity=entity, document_ref="1800030002", currency="EUR",
        amount=D("1100.00"), functional_currency="CHF",
    )  # fmt: skip
    # The ledger holds EUR/SEK (the inverse is used) and an older, superseded rate.
    FxRateFactory(date=DAY - dt.timedelta(days=9), from_currency="EUR", to_currency="SEK",
                  rate=D("10.0000000000"))  # fmt: skip
    FxRateFactory(date=DAY - dt.timedelta(days=1), from_currency="EUR", to_currency="SEK",
                  rate=D("11.4285714286"))  # fmt: skip
    statement_import(path=MULTI, actor="test")
    lines_match(as_of=DAY, actor="test", threshold=D("0.50"))
    line = StatementLine.objects.get(currency="SEK")
    assert line.status == LineStatus.REVIEW
    best = MatchProposal.objects.filter(line=line).order_by("rank").first()
    assert best is not None and best.method.startswith("fx_")
    assert best.customer_id == nordic.id
    assert best.allocations[0]["document_ref"] == "1800030002"
    assert best.allocations[0]["amount"] == "1093.75"
    assert "12,500.00 SEK = 1,093.75 EUR at the rate of 2026-11-29" in best.explanation
    assert not Application.objects.filter(document__document_ref="1800030002").exists()
    assert best.method_label == "through exchange rate: invoice number, bank charges"
    with translation.override("es"):
        assert best.method_label.startswith("por tipo de cambio: ")
