"""A line in a currency other than its items' matches through the ledger's stored rates
(direct, inverse or through a pivot, ``core.money.cross_rate``). Items the payer named by
reference, within the ledger's FX tolerance of the converted amount, clear in full and are
applied by the machine, the ledger recording the rate and the FX difference; a match by amount
alone, or beyond the FX tolerance (yet within the one for bank charges), waits for a person."""

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


def test_a_named_invoice_within_the_fx_tolerance_clears_in_full() -> None:
    # 12,500.00 SEK at 0.0875 is 1,093.75 EUR: 6.25 short of the invoice, within 1%.
    proposals = m.propose(
        index_with("1100.00"), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
    )
    best = proposals[0]
    assert best.method == "fx_ref_charges"
    assert [(a.item.ref, a.amount) for a in best.allocations] == [("1800030002", D("1100.00"))]
    assert best.difference == 0 and best.shortfall_item is None
    assert best.confidence == m.CONFIDENCE["fx_ref"] >= CFG.threshold
    assert "paid 12,500.00 SEK = 1,093.75 EUR at the rate of 2026-11-30 (0.0875)" in (
        best.explanation
    )
    assert "FX difference 6.25 EUR" in best.explanation


def test_an_exact_conversion_and_an_fx_gain_clear_too() -> None:
    for amount, gap in (("1093.75", "0.00"), ("1090.00", "-3.75")):
        best = m.propose(
            index_with(amount), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
        )[0]
        assert best.method.startswith("fx_ref") and best.confidence >= CFG.threshold
        assert best.allocations[0].amount == D(amount) and f"FX difference {gap} EUR" in (
            best.explanation
        )


def test_beyond_the_fx_tolerance_or_by_amount_alone_a_person_decides() -> None:
    # 26.25 short of 1,120.00 (2.3%): within the 40 EUR for bank charges, beyond the 1% for FX.
    best = m.propose(
        index_with("1120.00"), sek_line(fx={"EUR": (D("0.0875"), DAY)}), CFG, places=D("0.01")
    )[0]
    assert best.method == "fx_ref_charges" and best.confidence < CFG.threshold
    assert best.allocations[0].amount == D("1093.75") and best.difference == D("-26.25")
    # No reference: the amount alone at our rate does not name the invoice.
    line = m.LineFacts(
        id=1, amount=D("12500.00"), currency="SEK", entity_id=1, date=DAY,
        counterparty_name="NORDIC TIMBER AB", remittance="PAYMENT", fx={"EUR": (D("0.0875"), DAY)},
    )  # fmt: skip
    best = m.propose(index_with("1093.75"), line, CFG, places=D("0.01"))[0]
    assert best.method.startswith("fx_amount") and best.confidence < CFG.threshold


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
def test_a_sek_line_clears_a_eur_invoice_at_the_stored_rate() -> None:
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
    lines_match(as_of=DAY, actor="test")
    line = StatementLine.objects.get(currency="SEK")
    assert line.status == LineStatus.AUTO_APPLIED
    best = MatchProposal.objects.filter(line=line).order_by("rank").first()
    assert best is not None and best.method == "fx_ref_charges"
    assert best.customer_id == nordic.id
    assert best.allocations[0]["document_ref"] == "1800030002"
    assert best.allocations[0]["amount"] == "1100.00"
    assert "12,500.00 SEK = 1,093.75 EUR at the rate of 2026-11-29" in best.explanation
    # The ledger took the receipt whole at the day's stored rate (the inverse of EUR/SEK).
    app = Application.objects.get(document__document_ref="1800030002")
    assert (app.amount, app.receipt_amount, app.fx_difference) == (
        D("1100.00"), D("12500.00"), D("6.25"),
    )  # fmt: skip
    assert app.fx_rate == D("0.0875000000") and app.fx_rate_date == DAY - dt.timedelta(days=1)
    assert app.receipt.currency == "SEK" and app.document.open_amount == 0
    assert best.method_label == "through exchange rate: invoice number, bank charges"
    with translation.override("es"):
        assert best.method_label.startswith("por tipo de cambio: ")
