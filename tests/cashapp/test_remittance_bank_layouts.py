"""``remittance.read`` and matching on free text in the layouts banks print it in: a German
:86: whose name runs from ?32 into ?33 cut inside a word and whose reference a ?2x piece broke,
a NACHA CCD with its addenda, a Fedwire originator with its account, Citi's BO/BO1/PY labels,
an X12 820 whose reference a reflow broke, the SWIFT-style /ORDP//NAME/ codes, and plain text as
a payer typed it. Each is read, then matched against a small ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp import matching as m
from openar.cashapp.remittance import read

D = Decimal
DAY = dt.date(2026, 6, 30)
CFG = m.Settings()

GERMAN = (
    "166?00SEPA-UEBERWEISUNG?109310?20EREF+E2E0420000001?21SVWZ+RE INVUS0000?221234 INVUS0000"
    "1235?30DEUTDEFFXXX?31DE89370400440532013000?32ATLAS PACKAGING LIMITED L?33IABILITY COMPANY"
)
NACHA = (
    "ORIG CO NAME:ACME TRADING ORIG ID:1234567890 DESC DATE:260615 CO ENTRY DESCR:PAYMENT  "
    "SEC:CCD TRACE#:021000021234567 EED:260615 IND ID:C00123 IND NAME:OPENAR DEMO INC "
    "ADDENDA:INV 1800022194 1800022195"
)
FEDWIRE = "ORG=/021000089 GLOBEX CORPORATION OBI=INV 1800022194 1800022195 IMAD=20260615QMGFT001"
CITI = "BO:123456789 BO1:GLOBEX CORP PY:INVOICE 1800022194"
X12 = (
    "ISA*00* *00* *ZZ*GLOBEX *ZZ*OPENARDEMO *260615*1200*U*00401*000000001*0*P*>~ST*820*0001~"
    "BPR*C*1250.00*C*ACH*CTX~TRN*1*TRACE1~N1*PR*GLOBEX CORP*91*C00123~ENT*1~"
    "RMR*IV*18000 22194*PI*1000.00*1020.00*20.00~RMR*IV*1800022195*PI*250.00~SE*8*0001~"
)
SWIFT = (
    "/EREF/E2E1//ORDP//NAME/MUELLER MASCHINENBAU GMBH/IBAN/DE89370400440532013000"
    "/REMI/RECHNUNG RE-2026-0042 UND RE-2026-0043"
)


def test_german_subfields_name_across_32_and_33_and_a_broken_reference() -> None:
    r = read(GERMAN)
    assert r.names[0] == "ATLAS PACKAGING LIMITED LIABILITY COMPANY"
    assert r.accounts == ["DE89370400440532013000"]
    assert "INVUS00001234" in r.purpose and "INVUS00001235" in r.purpose


def test_nacha_ccd_with_addenda() -> None:
    r = read(NACHA)
    assert r.names == ["ACME TRADING"]
    assert r.accounts == ["1234567890"]
    assert r.customer_numbers == ["C00123"]
    assert "1800022194" in r.purpose and "1800022195" in r.purpose
    assert "OPENAR" not in " ".join(r.names)  # the receiver (IND NAME) is us, not the payer


@pytest.mark.parametrize(
    ("text", "name", "account"),
    [(FEDWIRE, "GLOBEX CORPORATION", "021000089"), (CITI, "GLOBEX CORP", "123456789")],
)
def test_wire_originator_account_and_name(text: str, name: str, account: str) -> None:
    r = read(text)
    assert (r.names, r.accounts) == ([name], [account])
    assert "1800022194" in r.purpose and "IMAD" not in r.purpose


def test_x12_820_reflowed_inside_a_reference() -> None:
    r = read(X12)
    assert r.x12 is not None and r.x12.total == D("1250.00")
    assert [(x.reference, x.paid, x.discount) for x in r.x12.lines] == [
        ("1800022194", D("1000.00"), D("20.00")),
        ("1800022195", D("250.00"), None),
    ]
    assert r.names == ["GLOBEX CORP"] and r.customer_numbers == ["C00123"]


def test_swift_style_codes() -> None:
    r = read(SWIFT)
    assert r.names == ["MUELLER MASCHINENBAU GMBH"]
    assert r.accounts == ["DE89370400440532013000"]
    assert "RE-2026-0042" in r.purpose and "RE-2026-0043" in r.purpose


# --------------------------------------------------------------------------- matched
def ledger() -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in (
        (1, "C00123", "Acme Trading LLC"),
        (2, "C00200", "Globex Corporation"),
        (3, "C00300", "Atlas Packaging LLC"),
        (4, "C00400", "Atlas Packaging Inc."),
    ):
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "USD"))
    items = [
        (11, 1, "1800022194", "1000.00"), (12, 1, "1800022195", "250.00"),
        (21, 2, "1800022294", "1020.00"), (22, 2, "1800022295", "250.00"),
        (31, 3, "INVUS00001234", "400.00"), (32, 3, "INVUS00001235", "100.00"),
        (41, 4, "INVUS00004100", "500.00"),
    ]  # fmt: skip
    for pk, cid, ref, amount in items:
        index.add_item(
            m.Item(pk, cid, ref, "invoice", "USD", D(amount), DAY, DAY - dt.timedelta(days=30))
        )
    index.finish()
    return index


@pytest.mark.parametrize(
    ("text", "amount", "customer", "refs"),
    [
        (GERMAN, "500.00", 3, {"INVUS00001234", "INVUS00001235"}),
        (NACHA, "1250.00", 1, {"1800022194", "1800022195"}),
        ("ACME TRADING LLC INV 1800022194 1800022195", "1250.00", 1, {"1800022194", "1800022195"}),
        ("acme trading llc\nINV 18000\n22194", "1000.00", 1, {"1800022194"}),
    ],
)
def test_matched_from_the_text_alone(text: str, amount: str, customer: int, refs: set[str]) -> None:
    line = m.LineFacts(id=1, amount=D(amount), currency="USD", entity_id=1, date=DAY,
                       remittance=text)  # fmt: skip
    best = m.propose(ledger(), line, CFG, places=D("0.01"))[0]
    assert best.confidence >= CFG.threshold
    assert best.customer_id == customer
    assert {a.item.ref for a in best.allocations} == refs
