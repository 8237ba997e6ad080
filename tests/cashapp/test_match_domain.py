"""Matching as pure functions (no database): references, names, subset sums and proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp import matching as m

D = Decimal
DAY = dt.date(2026, 6, 30)
CENT = D("0.01")
CFG = m.Settings()


def test_ref_number_reads_through_noise() -> None:
    assert m.ref_number("INVUS00001234") == "1234"
    assert m.ref_number("invus-OOO1234") == "1234"
    assert m.ref_number("INVUS0000I234") == "1234"
    assert m.ref_number("00001234") == "1234"
    assert m.ref_prefix("INVUS00001234") == "INVUS"


def test_rf_creditor_reference() -> None:
    assert m.rf_valid("RF18539007547034")  # the ISO 11649 example
    assert m.rf_valid("RF18 5390 0754 7034")
    assert not m.rf_valid("RF19539007547034")
    ref = m.rf_make("INVUS00001234")
    assert m.rf_valid(ref)
    tokens = m.extract_refs("", ref)
    assert [t.text for t in tokens] == ["INVUS00001234"]
    assert tokens[0].source == "rf"


def test_extract_refs_skips_amounts_and_dates_and_joins_prefixes() -> None:
    texts = {t.text for t in m.extract_refs("PAY INV 100234 AMT 1,234.56 ON 2026-06-30")}
    assert "INV100234" in texts
    assert not any("123456" in t for t in texts)
    assert not any("20260630" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INV-100 to 105", [f"INV{n}" for n in range(100, 106)]),
        ("INVUS00001098 - 1102", [f"INVUS0000{n}" for n in range(1098, 1103)]),
        ("FACTURAS 2001 AL 2003", ["2001", "2002", "2003"]),
    ],
)
def test_ranges_expand(text: str, expected: list[str]) -> None:
    found = {t.text for t in m.extract_refs(text)}
    assert set(expected) <= found


def test_norm_name_drops_legal_forms_and_accents() -> None:
    assert m.norm_name("Águila Foods S.A. de C.V.") == "aguila foods"
    assert m.norm_name("APEX FOODS INC") == m.norm_name("Apex Foods, Inc.")


def item(pk: int, ref: str, amount: str, customer: int = 1, **kw) -> m.Item:
    return m.Item(
        pk,
        customer,
        ref,
        kw.get("doc_type", "invoice" if D(amount) > 0 else "credit_memo"),
        kw.get("currency", "USD"),
        D(amount),
        kw.get("due", DAY - dt.timedelta(days=30 - pk)),
        kw.get("issued", DAY - dt.timedelta(days=60 - pk)),
    )


def build(items: list[m.Item], customers: list[tuple[int, str, str]] | None = None) -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in customers or [
        (1, "C0000001", "Apex Foods Inc."),
        (2, "C0000002", "Blue Steel LLC"),
    ]:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "USD"))
    for it in items:
        index.add_item(it)
    index.finish()
    return index


def facts(amount: str, **kw) -> m.LineFacts:
    return m.LineFacts(
        id=1, amount=D(amount), currency="USD", entity_id=1, date=kw.pop("date", DAY), **kw
    )


def top(index: m.MatchIndex, line: m.LineFacts) -> m.Proposal:
    proposals = m.propose(index, line, CFG, places=CENT)
    assert proposals, "expected a proposal"
    return proposals[0]


def refs(p: m.Proposal) -> dict[str, Decimal]:
    return {a.item.ref: a.amount for a in p.allocations}


def test_exact_references_that_add_up_are_applied() -> None:
    index = build([item(1, "INVUS00000101", "100.00"), item(2, "INVUS00000102", "50.00"),
                   item(3, "INVUS00000103", "75.00")])  # fmt: skip
    p = top(index, facts("150.00", remittance="PAYMENT INVUS00000101, INVUS00000102"))
    assert refs(p) == {"INVUS00000101": D("100.00"), "INVUS00000102": D("50.00")}
    assert p.confidence >= CFG.threshold
    assert p.customer_id == 1
    assert "exactly the amount paid" in p.explanation


@pytest.mark.parametrize("text", ["INVUSOOOO1O1", "inv us 0000 0101", "00000101", "101 INV"])
def test_noisy_references(text: str) -> None:
    index = build([item(1, "INVUS00000101", "100.00"), item(2, "INVUS00000999", "100.00")])
    p = top(index, facts("100.00", remittance=text))
    assert refs(p) == {"INVUS00000101": D("100.00")}
    assert p.confidence >= CFG.threshold


def test_bare_number_of_another_customer_needs_the_amount() -> None:
    index = build([item(1, "INVUS00004711", "100.00", customer=2)])
    p = top(index, facts("80.00", remittance="ORDER 4711"))
    assert p.confidence < CFG.threshold


def test_credit_memo_netted() -> None:
    index = build([item(1, "INVUS00000101", "100.00"), item(2, "CMUS00000102", "-20.00")])
    p = top(index, facts("80.00", remittance="INVUS00000101 LESS CMUS00000102"))
    assert refs(p) == {"INVUS00000101": D("100.00"), "CMUS00000102": D("-20.00")}
    assert p.confidence >= CFG.threshold


def test_early_payment_discount() -> None:
    index = build([item(1, "INVUS00000101", "1000.00", issued=DAY - dt.timedelta(days=8))])
    p = top(index, facts("980.00", remittance="INVUS00000101 2% DISC"))
    assert p.method == "ref_discount"
    assert p.shortfall_reason == "discount"
    assert p.difference == D("-20.00")
    assert refs(p) == {"INVUS00000101": D("980.00")}
    assert p.confidence >= CFG.threshold


def test_bank_charges_within_tolerance() -> None:
    index = build([item(1, "INVUS00000101", "1000.00")])
    p = top(index, facts("985.00", remittance="INVUS00000101"))
    assert p.method == "ref_charges"
    assert p.shortfall_reason == "bank_charges"
    assert p.confidence >= CFG.threshold


def test_short_payment_is_a_deduction() -> None:
    index = build([item(1, "INVUS00000101", "1000.00")])
    p = top(index, facts("900.00", remittance="INVUS00000101 DAMAGED GOODS"))
    assert p.method == "ref_short"
    assert p.shortfall_reason == "short_payment"
    assert p.difference == D("-100.00")
    assert p.shortfall_item is not None and p.shortfall_item.ref == "INVUS00000101"


def test_overpayment_stays_on_account() -> None:
    index = build([item(1, "INVUS00000101", "1000.00")])
    p = top(index, facts("1100.00", remittance="INVUS00000101"))
    assert p.difference == D("100.00")
    assert refs(p) == {"INVUS00000101": D("1000.00")}


def test_excess_that_equals_another_item_pays_it() -> None:
    index = build([item(1, "INVUS00000101", "1000.00"), item(2, "INVUS00000202", "100.00")])
    p = top(index, facts("1100.00", remittance="INVUS00000101"))
    assert p.method == "ref_plus_amount"
    assert set(refs(p)) == {"INVUS00000101", "INVUS00000202"}


def test_amount_only_with_a_known_payer_account() -> None:
    index = build([item(1, "INVUS00000101", "120.00"), item(2, "INVUS00000102", "75.50"),
                   item(3, "INVUS00000103", "310.00")])  # fmt: skip
    index.payer_accounts["DE89370400440532013000"] = 1
    p = top(index, facts("385.50", counterparty_account="DE89370400440532013000"))
    assert refs(p) == {"INVUS00000102": D("75.50"), "INVUS00000103": D("310.00")}
    assert p.confidence >= CFG.threshold
    assert "payer account" in p.explanation


def test_ambiguous_amount_goes_to_review() -> None:
    index = build([item(1, "INVUS00000101", "100.00"), item(2, "INVUS00000102", "100.00")])
    index.payer_accounts["ACC1"] = 1
    proposals = m.propose(index, facts("100.00", counterparty_account="ACC1"), CFG, places=CENT)
    assert len(proposals) >= 2
    assert proposals[0].confidence < CFG.threshold


def test_payer_name_and_alias() -> None:
    index = build(
        [item(1, "INVUS00000101", "100.00"), item(2, "INVUS00000102", "60.00", customer=2)]
    )
    assert top(index, facts("100.00", counterparty_name="APEX FOODS")).customer_id == 1
    index.add_alias("Steel Holdings Treasury", 2)
    p = top(index, facts("60.00", counterparty_name="STEEL HOLDINGS TREASURY"))
    assert p.customer_id == 2 and p.confidence >= CFG.threshold


def test_fuzzy_payer_name() -> None:
    index = build([item(1, "INVUS00000101", "100.00")],
                  [(1, "C0000001", "Meridian Distributors Inc.")])  # fmt: skip
    p = top(index, facts("100.00", counterparty_name="MERIDIAN DISTRIBUTOR"))
    assert p.customer_id == 1
    assert "name fuzzy" in p.explanation


def test_customer_number_in_text() -> None:
    index = build([item(1, "INVUS00000101", "100.00"), item(2, "INVUS00000102", "40.00")])
    p = top(index, facts("140.00", remittance="ACCOUNT C0000001"))
    assert p.customer_id == 1
    assert p.confidence >= CFG.threshold


def test_typo_in_reference_for_a_known_payer() -> None:
    index = build(
        [item(1, "INVUS00012345", "100.00"), item(2, "INVUS00099999", "50.00", customer=2)]
    )
    index.payer_accounts["ACC1"] = 1
    p = top(index, facts("100.00", remittance="INVUS00012346", counterparty_account="ACC1"))
    assert refs(p) == {"INVUS00012345": D("100.00")}


def test_unknown_payer_gets_no_proposal() -> None:
    index = build([item(1, "INVUS00000101", "100.00")])
    assert m.propose(index, facts("77.00", counterparty_name="J SMITH"), CFG, places=CENT) == []


def test_other_currency_items_are_not_candidates() -> None:
    index = build([item(1, "INVUS00000101", "100.00", currency="EUR")])
    assert m.propose(index, facts("100.00", remittance="INVUS00000101"), CFG, places=CENT) == []


def test_subset_sums_are_bounded_and_find_combinations() -> None:
    items = [item(i, f"INV{i}", str(10 * i)) for i in range(1, 30)]
    found = m.subset_sums(items, D("60"), limit=10)
    assert [10, 50] in [[int(x.open) for x in s] for s in found]
    assert all(sum(x.open for x in s) == D("60") for s in found)
    assert m.subset_sums(items, D("0.01")) == []


def test_mistyped_reference_among_consecutive_invoices() -> None:
    # The text names INVMX00730477 (open 925.48) but pays 1,672.54: exactly the open amount of
    # INVMX00730472, one digit away; INVMX00730471..79 are all the same customer's.
    items = [item(1, "INVMX00730477", "925.48")] + [
        item(10 + k, f"INVMX0073047{k}", str(100 + k)) for k in (0, 1, 3, 4, 5, 6, 8, 9)
    ]
    items.append(item(2, "INVMX00730472", "1672.54"))
    index = build(items)
    index.payer_accounts["ACC1"] = 1
    p = top(index, facts("1672.54", remittance="FACT INVMX00730477", counterparty_account="ACC1"))
    assert refs(p) == {"INVMX00730472": D("1672.54")}
    assert p.confidence >= CFG.threshold
