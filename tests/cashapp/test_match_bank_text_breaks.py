"""BAI2 and MT940 text where the only payer is a third party (a shared service centre, a
factoring company) and the record breaks fell badly: a reference split and garbled at once, a
mistyped reference split in two, a payer's name broken inside its legal form, a legal form
written whole with its full stop, an account number whose tail reads like a bare reference, a
payer that says it took a discount. Each as banks print it; each with a wrong answer at hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.cashapp import matching as m

D = Decimal
DAY = dt.date(2026, 6, 30)
CENT = D("0.01")
CFG = m.Settings()


def item(pk: int, ref: str, amount: str, customer: int, *, age: int = 40) -> m.Item:
    return m.Item(
        pk, customer, ref, "invoice", "USD", D(amount),
        DAY - dt.timedelta(days=age - 30), DAY - dt.timedelta(days=age),
    )  # fmt: skip


def build(items: list[m.Item], customers: list[tuple[int, str, str]]) -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in customers:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "USD"))
    for it in items:
        index.add_item(it)
    index.finish()
    return index


def propose(index: m.MatchIndex, amount: str, text: str) -> list[m.Proposal]:
    line = m.LineFacts(id=1, amount=D(amount), currency="USD", entity_id=1, date=DAY,
                       remittance=text)  # fmt: skip
    return m.propose(index, line, CFG, places=CENT)


def applied(proposals: list[m.Proposal]) -> tuple[int | None, set[str]] | None:
    if not proposals or proposals[0].confidence < CFG.threshold:
        return None
    return proposals[0].customer_id, {a.item.ref for a in proposals[0].allocations}


NEIGHBOURS = [(1, "C0004650", "Textil Olivo S.A."), (2, "C0004651", "Bebidas Sol S.L.")]


def test_a_reference_split_by_a_record_break_and_garbled_by_ocr() -> None:
    # "INVES00035082": an 80-character record ended after "INVESO0", the O's are zeros.
    index = build([item(1, "INVES00035082", "29.74", 1), item(2, "INVES00035083", "29.74", 2)],
                  NEIGHBOURS)  # fmt: skip
    p = propose(index, "29.74", "BY ORDER OF:PAYROLL AND AP OBI=INVESO0 O35082")
    assert applied(p) == (1, {"INVES00035082"})


def test_a_reference_naming_another_customers_item_a_digit_off_the_one_paid() -> None:
    # The third party typed ...558; that item is another customer's and 104.62; ...551 is
    # exactly the amount paid.
    index = build([item(1, "INVPH00098551", "5523.51", 1), item(2, "INVPH00098558", "104.62", 2)],
                  NEIGHBOURS)  # fmt: skip
    p = propose(index, "5523.51", "SHARED SERVICE CENTER PAYMENT INVPH00098558")
    assert applied(p) == (1, {"INVPH00098551"})
    assert p[0].method == "ref_typo"
    # Two items a digit off that both pay it: a person decides.
    index = build([item(1, "INVPH00098551", "5523.51", 1), item(2, "INVPH00098558", "104.62", 2),
                   item(3, "INVPH00098559", "5523.51", 2)], NEIGHBOURS)  # fmt: skip
    assert applied(propose(index, "5523.51", "SHARED SERVICE CENTER PAYMENT INVPH00098558")) is None


def test_a_mistyped_reference_split_in_two() -> None:
    # INVMX00113676 typed as ...376, and a record break after "INVMX00113".
    index = build([item(1, "INVMX00113676", "1039.25", 1), item(2, "INVMX00113677", "88.00", 2)],
                  NEIGHBOURS)  # fmt: skip
    p = propose(index, "1039.25", "CAPITAL FACTORING SA PAGO INVMX00113 376")
    assert applied(p) == (1, {"INVMX00113676"})


def test_an_account_number_tail_is_no_reference_of_the_named_item() -> None:
    # "672404976 567": the payer's account split by a break; 567 happens to end another
    # customer's invoice number. The exact reference, paid less bank charges, is what counts.
    index = build(
        [item(1, "INVUS00089561", "1727.80", 1), item(2, "INVUS00000567", "104527.59", 2)],
        NEIGHBOURS,
    )
    p = propose(index, "1708.69", "SHARED SERVICE CENTER ACCT 672404976 567 PAGO INVUS00089561")
    assert applied(p) == (1, {"INVUS00089561"})
    assert p[0].shortfall_reason == "bank_charges"


def test_a_discount_the_payer_wrote_beats_a_typo_hypothesis() -> None:
    # 153.07 is INVUS00117605 less 2%; the same customer's INVUS00117601 is 153.07 too.
    items = [item(1, "INVUS00117605", "156.19", 1, age=8), item(2, "INVUS00117601", "153.07", 1)]
    index = build(items, NEIGHBOURS)
    p = propose(index, "153.07", "ACCOUNTS PAYABLE DEPT INVOICES INVUS00117605 2% DISC")
    assert applied(p) == (1, {"INVUS00117605"})
    assert p[0].shortfall_reason == "discount"
    # Without the word, a discount and a typo explain it equally: a person decides.
    assert applied(propose(index, "153.07", "ACCOUNTS PAYABLE DEPT INVOICES INVUS00117605")) is None


HORIZON = [(1, "C0017681", "Horizon Supply Inc."), (2, "C0017682", "Horizon Supply LLC")]


def test_a_name_broken_inside_its_legal_form() -> None:
    index = build([item(1, "INVUS00368406", "140.07", 1), item(2, "INVUS00368407", "74.40", 1),
                   item(3, "INVUS00368501", "214.47", 2)], HORIZON)  # fmt: skip
    p = propose(index, "214.47", "BY ORDER OF:HORIZON SUPPLY INCORPORAT ED OBI=PAGO PROVEEDORES")
    assert applied(p) == (1, {"INVUS00368406", "INVUS00368407"})


def test_a_legal_form_written_with_its_full_stop_is_not_cut_short() -> None:
    # "CO." is Co., not the start of Corp.; "S.L." is not S.L.U.: each has an item of 25.00.
    index = build(
        [item(1, "INVUS00318263", "25.00", 1), item(2, "INVUS00330519", "25.00", 2)],
        [(1, "C0015162", "Maple Logistics Co."), (2, "C0015821", "Maple Logistics Corp.")],
    )
    assert applied(propose(index, "25.00", "MAPLE LOGISTICS CO. PAYMENT")) == (
        1, {"INVUS00318263"},
    )  # fmt: skip
    # Cut where an ACH header's 16 characters end, "CO" may still be either: a person decides.
    assert applied(propose(index, "25.00", "ORIG CO NAME:MAPLE LOGISTICS CO ORIG ID:12")) is None
    index = build(
        [item(1, "INVES00137892", "25.00", 1), item(2, "DMES00137217", "25.00", 2)],
        [(1, "C0018145", "Industrias Azteca S.L."), (2, "C0018020", "Industrias Azteca S.L.U.")],
    )
    assert applied(propose(index, "25.00", "BY ORDER OF:INDUSTRIAS AZTECA S.L. OBI =TRANSFER")) == (
        1, {"INVES00137892"},
    )  # fmt: skip
    # An S.L.U. is an S.L. with one partner, and payers drop the U: when the S.L. has nothing
    # of the amount, the S.L.U. is the payer.
    index = build(
        [item(1, "INVES00042252", "124.64", 2), item(2, "INVES00042253", "67.01", 2),
         item(3, "INVES00041101", "980.00", 1)],
        [(1, "C0005690", "Alimentos Aurora S.L."), (2, "C0005692", "Alimentos Aurora S.L.U.")],
    )  # fmt: skip
    assert applied(propose(index, "191.65", "ALIMENTOS AURORA S.L.")) == (
        2, {"INVES00042252", "INVES00042253"},
    )  # fmt: skip
