"""Payers and references read from text written the way banks and payers write it: names cut
at a field's end (16 characters of an ACH header, 35 of a SWIFT line) inside their legal form,
legal forms spelt out or cut short, references split by a record break or cut where the record
ended, look-alike letters for digits. And the guesses that must stay with a person: a payer
known by its account with several items of the amount, two accounts of one name that both pay
it to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp import matching as m

D = Decimal
DAY = dt.date(2026, 6, 30)
CENT = D("0.01")
CFG = m.Settings()


def item(pk: int, ref: str, amount: str, customer: int) -> m.Item:
    return m.Item(
        pk, customer, ref, "invoice", "USD", D(amount),
        DAY - dt.timedelta(days=40 - pk % 30), DAY - dt.timedelta(days=70 - pk % 30),
    )  # fmt: skip


def build(
    items: list[m.Item],
    customers: list[tuple[int, str, str]],
    accounts: dict[str, int] | None = None,
) -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in customers:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "USD"))
    for it in items:
        index.add_item(it)
    index.payer_accounts.update(accounts or {})
    index.finish()
    return index


def propose(index: m.MatchIndex, amount: str, **kw) -> list[m.Proposal]:
    line = m.LineFacts(id=1, amount=D(amount), currency="USD", entity_id=1, date=DAY, **kw)
    return m.propose(index, line, CFG, places=CENT)


def applied(proposals: list[m.Proposal]) -> tuple[int | None, set[str]] | None:
    if not proposals or proposals[0].confidence < CFG.threshold:
        return None
    return proposals[0].customer_id, {a.item.ref for a in proposals[0].allocations}


# Four accounts named "Atlas Packaging" in different legal forms, each with its own items.
ATLAS = [
    (1, "C0000001", "Atlas Packaging LLC"),
    (2, "C0000002", "Atlas Packaging Corp."),
    (3, "C0000003", "Atlas Packaging Inc."),
    (4, "C0000004", "Atlas Packaging Co."),
]
ATLAS_ITEMS = [
    item(11, "INVUS00000011", "25.00", 1), item(12, "INVUS00000012", "26.86", 1),
    item(13, "INVUS00000013", "310.00", 1),
    item(21, "INVUS00000021", "51.86", 2), item(22, "INVUS00000022", "99.00", 2),
    item(31, "INVUS00000031", "52.00", 3), item(41, "INVUS00000041", "75.10", 4),
    item(42, "INVUS00000042", "129.57", 4), item(43, "INVUS00000043", "79.34", 4),
]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        # Cut at 35 characters inside "LIMITED LIABILITY COMPANY", a record break in a word.
        "BY ORDER OF:ATLAS PACKAGING LIMITED LI ABILITY C OBI=PAGO PROVEEDORES",
        # Cut at 16 characters (an ACH batch header's company name), inside "LLC".
        "ORIG CO NAME:ATLAS PACKAGING LL ORIG ID:1234567890 DESC DATE:260630 "
        "CO ENTRY DESCR:PAYMENT SEC:CCD",
        # The form spelt out and in upper case, as a payer's bank prints it.
        "ATLAS PACKAGING LIMITED LIABILITY COMPANY SUPPLIER PAYMENT",
        "Atlas Packaging L.L.C.",
    ],
)
def test_a_legal_form_cut_or_spelt_out_names_the_account_of_that_form(text: str) -> None:
    # 25.00 + 26.86 is the LLC's; the Corp. has one item of exactly 51.86, but it is not the
    # form the payer wrote.
    index = build(ATLAS_ITEMS, ATLAS)
    assert applied(propose(index, "51.86", remittance=text)) == (
        1, {"INVUS00000011", "INVUS00000012"},
    )  # fmt: skip


def test_a_form_cut_to_co_is_the_start_of_corp_or_company() -> None:
    # "ATLAS PACKAGING CO" (16 characters) may be the Corp. or the Co.: the one whose items
    # pay the amount to the cent is the payer.
    index = build(ATLAS_ITEMS, ATLAS)
    text = "ORIG CO NAME:ATLAS PACKAGING CO ORIG ID:1234567890 SEC:CCD"
    assert applied(propose(index, "51.86", remittance=text)) == (2, {"INVUS00000021"})
    assert applied(propose(index, "208.91", remittance=text)) == (
        4, {"INVUS00000042", "INVUS00000043"},
    )  # fmt: skip


def test_a_name_cut_inside_a_word_is_the_start_of_the_real_one() -> None:
    index = build(
        [item(1, "DMMX00092543", "101.00", 1), item(2, "INVMX00000002", "101.00", 2)],
        [(1, "C0000001", "Constructora Guadalupe S. de R.L. de C.V."),
         (2, "C0000002", "Constructora Laguna S.A. de C.V.")],
    )  # fmt: skip
    text = "ORIG CO NAME:CONSTRUCTORA GUA ORIG ID:1639971539 CO ENTRY DESCR:PAYMENT SEC:CCD"
    assert applied(propose(index, "101.00", remittance=text)) == (1, {"DMMX00092543"})


def test_a_reference_split_by_a_record_break_keeps_its_exact_level() -> None:
    invoice = m.Item(
        1, 1, "INVPH00019575", "invoice", "USD", D("5434.00"), DAY + dt.timedelta(days=20),
        DAY - dt.timedelta(days=10),
    )  # fmt: skip
    index = build([invoice], [(1, "C0000001", "Harbor Foods Inc.")])
    # "INVPH" ends one 80-character record, "00019575" begins the next; "2% DISC" lost its %.
    p = propose(index, "5325.32", remittance="ACCOUNTS PAYABLE DEPT INVOICES INVPH 00019575 2 DISC")
    assert applied(p) == (1, {"INVPH00019575"})
    assert p[0].shortfall_reason == "discount"


def test_a_number_and_its_percent_sign_are_not_one_reference() -> None:
    index = build(
        [item(1, "INVUS00008697", "65.42", 1), item(2, "INVUS00086972", "42.09", 2)],
        [(1, "C0000001", "Summit Industries Inc."), (2, "C0000002", "Granite Health LLC")],
    )
    p = propose(index, "64.11", remittance="INV INVUS00008697 2% DISC")
    assert applied(p) == (1, {"INVUS00008697"})


def test_a_reference_garbled_and_split_is_read_whole() -> None:
    index = build(
        [item(1, "INVES00331086", "25.00", 1), item(2, "INVES00033118", "25.00", 2)],
        [(1, "C0000001", "Transportes Sol S.L."), (2, "C0000002", "Textil Olivo S.A.")],
    )
    # O for 0, and the last digit on the next record: not INVES00033118, a digit off 33108.
    p = propose(index, "25.00", remittance="TRANSPORTES SOL S.L. PAGO INVES0O33108 6")
    assert applied(p) == (1, {"INVES00331086"})


def test_look_alike_letters_for_the_first_digits() -> None:
    index = build(
        [item(1, "INVUS01416516", "468.02", 1), item(2, "INVUS00416516", "12.00", 2)],
        [(1, "C0000001", "Valley Distributors LLC"), (2, "C0000002", "Oak Textiles Inc.")],
    )
    p = propose(index, "468.02", remittance="VALLEY DISTRIBUTORS LLC PAYMENT INVUSOI416516")
    assert applied(p) == (1, {"INVUS01416516"})


def test_the_last_reference_cut_where_the_record_ended() -> None:
    refs = ["INVUS00050929", "INVUS00050932", "INVUS00050933", "INVUS00050934"]
    items = [item(i, r, "50.00", 1) for i, r in enumerate(refs, start=1)]
    items += [item(5, "INVUS00050935", "55.61", 1), item(6, "INVUS00000509", "254.84", 2)]
    index = build(items, [(1, "C0000001", "Eagle Foods Inc."), (2, "C0000002", "Oak Farms Co.")])
    # The addenda stops at 80 characters, in the middle of the fifth reference.
    text = "ADDENDA:INVOICES " + " ".join(refs) + " INVUS000509"
    assert applied(propose(index, "255.61", remittance=text)) == (1, {*refs, "INVUS00050935"})


def test_a_third_party_payer_quoting_an_invoice_number() -> None:
    index = build(
        [item(1, "INVES00072029", "36.47", 1), item(2, "INVES00036384", "44.95", 2)],
        [(1, "C0000001", "Eléctrica Pacífico S.L.U."), (2, "C0000002", "Eléctrica Pacífico S.L.")],
    )
    # The payer dropped the U of its form; its reference still names its own item.
    p = propose(index, "43.76", remittance="ELECTRICA PACIFICO S.L. FACT INVES00072029")
    assert applied(p) == (1, {"INVES00072029"})
    assert p[0].difference == D("7.29")


def test_one_item_of_the_amount_says_more_than_a_combination_elsewhere() -> None:
    items = [item(10 + i, f"INVUS0000010{i}", a, 1) for i, a in enumerate(
        ("32.73", "27.83", "61.98", "50.53", "51.09"))]  # fmt: skip
    items.append(item(9, "INVUS00000109", "18.00", 1))  # older, not part of it: a subset
    items.append(item(20, "INVUS00000200", "224.16", 2))
    index = build(items, [(1, "C0000001", "Apex Farms LLC"), (2, "C0000002", "Apex Farms LLC")])
    assert applied(propose(index, "224.16", remittance="APEX FARMS LLC TRANSFER")) == (
        2, {"INVUS00000200"},
    )  # fmt: skip


# --------------------------------------------------------------------------- for a person
def test_a_payer_known_by_its_account_with_several_items_of_the_amount_waits() -> None:
    # The payer is certain (its bank account); which of its three 25.00 items it pays is not.
    # Another account of the same name with one item of 25.00 must not take the payment.
    items = [item(1, "INVUS00094927", "25.00", 1), item(2, "INVUS00094928", "25.00", 1),
             item(3, "INVUS00094929", "25.00", 1), item(4, "DMUS00152871", "25.00", 2)]  # fmt: skip
    index = build(
        items,
        [(1, "C0004417", "Apex Systems Inc."), (2, "C0007300", "Apex Systems Corp.")],
        accounts={"727349595004": 1},
    )
    for kw in (
        {"counterparty_name": "Apex Systems Inc.", "counterparty_account": "727349595004"},
        {"remittance": "ORIG CO NAME:APEX SYSTEMS INC ORIG ID:1349595004 ADDENDA:ACCT C0004417"},
    ):
        p = propose(index, "25.00", **kw)
        assert applied(p) is None
        assert p[0].customer_id == 1


def test_two_accounts_of_one_name_that_both_pay_to_the_cent_wait() -> None:
    items = [item(1, "INVUS01000555", "1.00", 1), item(2, "INVUS01000561", "1.00", 1),
             item(3, "INVUS01121837", "1.00", 2)]  # fmt: skip
    index = build(
        items,
        [(1, "C0047907", "Keystone Industries LLC"), (2, "C0063445", "Keystone Industries LLC")],
    )
    assert applied(propose(index, "1.00", counterparty_name="KEYSTONE INDUSTRIES LLC")) is None


def test_a_typo_elsewhere_does_not_beat_the_named_payers_own_item() -> None:
    index = build(
        [item(1, "INVES00331086", "25.00", 1), item(2, "INVES00033118", "25.00", 2)],
        [(1, "C0000001", "Transportes Sol S.L."), (2, "C0000002", "Textil Olivo S.A.")],
    )
    # 33108 is a digit off the other customer's 33118 and names nothing of the payer's; the
    # payer named in the text has an item of the amount: a person decides.
    p = propose(index, "25.00", remittance="TRANSPORTES SOL S.L. PAGO INVES00033108")
    assert applied(p) is None or applied(p) == (1, {"INVES00331086"})


def test_many_items_adding_up_for_an_account_known_only_by_name_wait() -> None:
    # Five of one same-named account's items happen to add up; the payer may be another one.
    amounts = ("40.00", "77.10", "15.13", "8.93", "134.67", "58.37", "158.78")
    items = [item(10 + i, f"INVES0003930{i}", a, 1) for i, a in enumerate(amounts)]
    index = build(items, [(1, "C0000001", "Sistemas Galicia S.L.")])
    p = propose(index, "375.88", remittance="SISTEMAS GALICIA PAGO PROVEEDORES")
    assert applied(p) is None
    assert p[0].customer_id == 1 and len(p[0].allocations) == 5
