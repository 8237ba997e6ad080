"""What a careful cash specialist applies that matching used to leave for review: a padded
reference with a short number, accounts that share a name told apart by their legal form or by
the one that fits the amount to the cent, a reference one digit off the only item of that
amount, a loosely read payer name beside an exact reference. And what stays for a person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp import matching as m
from openar.cashapp.matching.refs import legal_form

D = Decimal
DAY = dt.date(2026, 6, 30)
CENT = D("0.01")
CFG = m.Settings()


def item(pk: int, ref: str, amount: str, customer: int = 1) -> m.Item:
    return m.Item(
        pk, customer, ref, "invoice", "USD", D(amount),
        DAY - dt.timedelta(days=30 - pk), DAY - dt.timedelta(days=60 - pk),
    )  # fmt: skip


def build(items: list[m.Item], customers: list[tuple[int, str, str]]) -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in customers:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "USD"))
    for it in items:
        index.add_item(it)
    index.finish()
    return index


def propose(index: m.MatchIndex, amount: str, **kw) -> list[m.Proposal]:
    line = m.LineFacts(id=1, amount=D(amount), currency="USD", entity_id=1, date=DAY, **kw)
    return m.propose(index, line, CFG, places=CENT)


def applied(proposals: list[m.Proposal]) -> tuple[int | None, set[str]] | None:
    if not proposals or proposals[0].confidence < CFG.threshold:
        return None
    return proposals[0].customer_id, {a.item.ref for a in proposals[0].allocations}


TWO = [(1, "C0000001", "Apex Supply Inc."), (2, "C0000002", "Apex Supply LLC")]


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Acme S.A. de C.V.", "sadecv"), ("ACME SA DE CV", "sadecv"),
        ("ACME S. DE R.L. DE C.V.", "sderldecv"), ("ACME S DE RL DE CV", "sderldecv"),
        ("Acme Inc.", "inc"), ("ACME INCORPORATED", "inc"), ("ACME INC", "inc"),
        ("Acme LLC", "llc"), ("ACME L.L.C.", "llc"), ("Acme Limited Liability Co", "llc"),
        ("Müller GmbH", "gmbh"), ("MUELLER GMBH.", "gmbh"), ("Acme Ltda.", "ltda"),
        ("ACME LIMITADA", "ltda"), ("Acme Corporation", "corp"), ("ACME", ""),
    ],
)  # fmt: skip
def test_legal_forms_in_any_spelling(name: str, form: str) -> None:
    assert legal_form(name) == form


def test_a_short_number_under_a_prefix_is_a_reference() -> None:
    index = build([item(1, "INVES00000078", "25.00")], [(1, "C0000001", "Textil Olivo S.L.")])
    assert applied(propose(index, "25.00", remittance="PAGO INVES00000078")) == (
        1, {"INVES00000078"},
    )  # fmt: skip
    # A bare two-digit number is no reference of anyone's.
    assert applied(propose(index, "25.00", remittance="INVOICE 78")) is None


@pytest.mark.parametrize("written", ["APEX SUPPLY LLC", "Apex Supply L.L.C.", "APEX SUPPLY LLC."])
def test_accounts_sharing_a_name_told_apart_by_the_legal_form(written: str) -> None:
    index = build([item(1, "INVUS00001001", "155.23", 1), item(2, "INVUS00002001", "155.23", 2)],
                  TWO)  # fmt: skip
    assert applied(propose(index, "155.23", counterparty_name=written)) == (2, {"INVUS00002001"})
    # The same in free text nobody labelled.
    assert applied(propose(index, "155.23", remittance=f"{written} TRANSFER")) == (
        2, {"INVUS00002001"},
    )  # fmt: skip


def test_a_name_without_its_form_stays_ambiguous_when_both_fit() -> None:
    index = build([item(1, "INVUS00001001", "155.23", 1), item(2, "INVUS00002001", "155.23", 2)],
                  TWO)  # fmt: skip
    assert applied(propose(index, "155.23", counterparty_name="APEX SUPPLY")) is None


def test_the_one_account_of_a_name_that_fits_to_the_cent() -> None:
    # Both accounts "fit" (one within the bank-charges tolerance); only one to the cent.
    index = build([item(1, "INVUS00001001", "166.10", 1), item(2, "INVUS00002001", "155.23", 2)],
                  TWO)  # fmt: skip
    proposals = propose(index, "155.23", counterparty_name="APEX SUPPLY")
    assert applied(proposals) == (2, {"INVUS00002001"})
    assert "only this one to the cent" in proposals[0].explanation
    # Two accounts fitting to the cent: a person decides.
    index = build([item(1, "INVUS00001001", "155.23", 1), item(2, "INVUS00002001", "155.23", 2)],
                  TWO)  # fmt: skip
    assert applied(propose(index, "155.23", counterparty_name="APEX SUPPLY")) is None


def test_a_reference_one_digit_off_the_only_item_of_that_amount() -> None:
    customers = [(1, "C0000001", "Delta Builders Co."), (2, "C0000002", "Oak Hardware LLC")]
    index = build(
        [item(1, "INVUS00021110", "418.24", 1), item(2, "INVUS00021111", "99.00", 2)], customers
    )
    proposals = propose(index, "418.24", remittance="PAYROLL AND AP PAYMENT INVUS00021810")
    assert applied(proposals) == (1, {"INVUS00021110"})
    assert proposals[0].method == "ref_typo"
    # Swapped neighbours too.
    assert applied(propose(index, "418.24", remittance="INV 21101")) == (1, {"INVUS00021110"})
    # Not against a payer known by its bank account.
    index.payer_accounts["123456789"] = 2
    assert applied(propose(index, "418.24", remittance="INVUS00021810",
                           counterparty_account="123456789")) is None  # fmt: skip


def test_one_digit_off_two_items_of_that_amount_is_left_to_a_person() -> None:
    index = build(
        [item(1, "INVUS00021110", "418.24", 1), item(2, "INVUS00021812", "418.24", 2)],
        [(1, "C0000001", "Delta Builders Co."), (2, "C0000002", "Oak Hardware LLC")],
    )
    assert applied(propose(index, "418.24", remittance="INVUS00021810")) is None


def test_a_loosely_read_name_does_not_overrule_an_exact_reference_paid_to_the_cent() -> None:
    customers = [(1, "C0000001", "Distribuidora Leon S.L."),
                 (2, "C0000002", "Distribuidora Levante S.A.")]  # fmt: skip
    index = build([item(1, "INVES00008350", "565.90", 2)], customers)
    # "DISTRIBUIDORA LE" (cut at 16) reads as the start of both names.
    text = "ORIG CO NAME:DISTRIBUIDORA LEO ORIG ID:1000001026 ADDENDA:PAGO FACTURAS INVES00008350"
    assert applied(propose(index, "565.90", remittance=text)) == (2, {"INVES00008350"})
    # ... but it does when the amount does not add up.
    assert applied(propose(index, "500.00", remittance=text)) is None


def test_a_zero_padded_short_number_without_its_prefix() -> None:
    index = build([item(1, "INVES00000065", "25.00"), item(2, "INVES00000165", "25.00")],
                  [(1, "C0000001", "Textil Olivo S.L.")])  # fmt: skip
    text = "BY ORDER OF:BANCO PAGADOR CORPORATIVO OBI=CANCELA FACTURA NO 00000065"
    assert applied(propose(index, "25.00", remittance=text)) == (1, {"INVES00000065"})
    assert applied(propose(index, "25.00", remittance="FACTURA 65")) is None


def test_a_four_digit_reference_one_digit_off() -> None:
    index = build([item(1, "INVPH00001597", "1915.15")], [(1, "C0000001", "Atlas Textiles Co.")])
    text = "BY ORDER OF:ATLAS TEXTILES COMPANY O BI=INVPH00001297"
    assert applied(propose(index, "1915.15", remittance=text)) == (1, {"INVPH00001597"})
