"""Matching on text written the way banks and customers really write it, not the generator's:
lines of the real bank files in tests/data/bank-statements (MT940, camt, BAI2), read by the
parsers, against a ledger holding what a person reading the line would look for; and
hand-written remittances (names cut at 35 or 80 characters, legal forms in every spelling,
upper case, a line break inside an invoice number, other currencies, prefixes and leading
zeros, several invoices in a line, INV#, FACT, Factura, RECHNUNG, RE-NR). No database.

The real OFX files (ofx-ofxtools) hold no incoming credit of a bank account (card and checking
debits, an investment deposit), so there is nothing of theirs to match; test_ofx reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from openar.cashapp import matching as m
from openar.cashapp.domain import StatementLine
from openar.cashapp.parsers import parse_file

from .conftest import STATEMENTS

D = Decimal
DAY = dt.date(2026, 6, 30)
CFG = m.Settings()


def ledger(
    customers: list[tuple[int, str, str]],
    items: list[tuple[int, str, str, str]],  # (customer, reference, open amount, currency)
    accounts: dict[str, int] | None = None,
) -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name in customers:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, "EUR"))
    for pk, (cid, ref, amount, currency) in enumerate(items, start=1):
        index.add_item(
            m.Item(pk, cid, ref, "invoice", currency, D(amount), DAY - dt.timedelta(days=10 + pk),
                   DAY - dt.timedelta(days=40 + pk))
        )  # fmt: skip
    for account, cid in (accounts or {}).items():
        index.payer_accounts[m.norm_ref(account)] = cid
    index.finish()
    return index


def applied(index: m.MatchIndex, line: m.LineFacts) -> tuple[int | None, dict[str, Decimal]]:
    places = D(1).scaleb(-2)
    proposals = m.propose(index, line, CFG, places=places)
    assert proposals, "nothing proposed"
    best = proposals[0]
    assert best.confidence >= CFG.threshold, best.explanation
    return best.customer_id, {a.item.ref: a.amount for a in best.allocations}


def facts(line: StatementLine) -> m.LineFacts:
    return m.LineFacts(
        id=1,
        amount=line.amount,
        currency=line.currency,
        entity_id=1,
        date=DAY,
        counterparty_name=line.counterparty_name,
        counterparty_account=line.counterparty_account,
        remittance=line.remittance,
        creditor_reference=line.creditor_reference,
        end_to_end_id=line.end_to_end_id,
    )


def real_line(path: Path, amount: str, containing: str = "") -> StatementLine:
    for statement in parse_file(path):
        for line in statement.lines:
            if line.amount == D(amount) and containing in line.remittance:
                return line
    raise AssertionError(f"no line of {amount} in {path.name}")


# --------------------------------------------------------------------------- real bank files
MT940 = STATEMENTS / "mt940-wolph" / "mt940_tests"


def test_real_camt_customer_number_in_the_text() -> None:
    # OCA's camt.053: "#RD PARTY MEDIA CUSNO 90782 4210773" from NL69ABNA0522123643.
    line = real_line(
        STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files" / "test-camt053",
        "1405.31",
    )
    index = ledger([(7, "90782", "3rd Party Media B.V.")], [(7, "F2017-0311", "1405.31", "EUR")])
    assert applied(index, facts(line)) == (7, {"F2017-0311": D("1405.31")})


def test_real_mt940_knab_order_id_and_dutch_name_label() -> None:
    # Knab: "... ORDERID: 264267 MEDIA MARKT ONLINE NE REK: NL84INGB.../NAAM: MMS ONLINE ..."
    line = real_line(MT940 / "jejik" / "knab.sta", "500", containing="ORDERID")
    index = ledger([(3, "C0003", "MMS Online Nederland B.V.")], [(3, "264267", "500.00", "EUR")])
    assert applied(index, facts(line)) == (3, {"264267": D("500.00")})


def test_real_mt940_postfinance_payer_after_auftraggeber() -> None:
    # PostFinance: "GIRO AUS ONLINE-SIC 80532 AUFTRAGGEBER: JANE DOE EXAMPLESTRASSE 10 ...
    # MITTEILUNGEN: RECHNUNG XXXXXXXXXXXX": the payer, with its address run on.
    line = real_line(MT940 / "jejik" / "postfinance.sta", "79.7")
    index = ledger(
        [(4, "C0004", "Jane Doe"), (5, "C0005", "John Doe")],
        [(4, "R-2013-118", "79.70", "CHF"), (5, "R-2013-119", "149.50", "CHF")],
    )
    assert applied(index, facts(line)) == (4, {"R-2013-118": D("79.70")})


def test_real_mt940_mbank_payer_account_after_z_rach() -> None:
    line = real_line(MT940 / "mBank" / "mt940.sta", "0.01")
    index = ledger(
        [(6, "C0006", "Jan Nowak")],
        [(6, "FV/2013/01", "0.01", "PLN")],
        accounts={"56114010810000267002001001": 6},
    )
    assert applied(index, facts(line)) == (6, {"FV/2013/01": D("0.01")})


def test_real_mt940_sepa_structured_purpose_and_spaced_name() -> None:
    # Sparkasse SEPA: ?32 "KARL        KAUFMANN", purpose "Strukturierter Verwendungszweck
    # 50050004"; another line of the same amount pays 30030004.
    line = real_line(MT940 / "betterplace" / "sepa_snippet.sta", "154551.93", "50050004")
    index = ledger(
        [(8, "C0008", "Karl Kaufmann"), (9, "C0009", "Quentin Quast")],
        [(8, "50050004", "154551.93", "EUR"), (9, "30030004", "154551.93", "EUR")],
    )
    assert applied(index, facts(line)) == (8, {"50050004": D("154551.93")})


def test_real_bai2_citi_by_order_of_account() -> None:
    line = real_line(STATEMENTS / "bai2-moj" / "tests" / "data" / "citi_example.bai2", "0.01")
    index = ledger([(2, "C0002", "Jo Doe")], [(2, "INV-42", "0.01", "GBP")], {"11111111": 2})
    assert applied(index, facts(line)) == (2, {"INV-42": D("0.01")})


def test_real_camt_openar_names_and_invoice_words() -> None:
    path = STATEMENTS / "camt-openar" / "camt.053.001.01-eur.xml"
    index = ledger(
        [(1, "C0001", "Acme Trading GmbH"), (2, "C0002", "Beta Supplies S.L."),
         (3, "C0003", "Gamma Ltd")],
        [(1, "1800022194", "1250.00", "EUR"), (2, "1800022301", "300.00", "EUR"),
         (3, "1800022302", "200.00", "EUR")],
    )  # fmt: skip
    got = {applied(index, facts(real_line(path, a)))[0] for a in ("1250.00", "300.00", "200.00")}
    assert got == {1, 2, 3}


# --------------------------------------------------------------------------- written by hand
CUSTOMERS = [
    (1, "C0000101", "Müller Maschinenbau GmbH"),
    (2, "C0000102", "Comercializadora del Pacífico S.A. de C.V."),
    (3, "C0000103", "Northwind International Trading Company Inc."),
    (4, "C0000104", "Blue River Logistics LLC"),
    (5, "C0000105", "Construtora Horizonte Ltda."),
    (6, "C0000106", "Blue River Logistics Inc."),
]
ITEMS = [
    (1, "RE-2026-004711", "1190.00", "EUR"),
    (1, "RE-2026-004712", "595.00", "EUR"),
    (2, "FMX0000018234", "23200.00", "MXN"),
    (2, "FMX0000018235", "11600.00", "MXN"),
    (3, "INV-1800022194", "1250.00", "USD"),
    (3, "INV-1800022195", "980.50", "USD"),
    (3, "INV-1800022196", "310.00", "USD"),
    (4, "INVUS00004501", "4400.00", "USD"),
    (5, "NF000731", "8740.00", "BRL"),
    (6, "INVUS00004601", "4400.00", "USD"),
]


@pytest.mark.parametrize(
    ("name", "text", "amount", "currency", "expected"),
    [
        # German: RECHNUNG / RE-NR, GmbH written every way, upper case, no prefix year.
        ("MUELLER MASCHINENBAU GMBH", "RECHNUNG RE-2026-004711", "1190.00", "EUR",
         {"RE-2026-004711"}),
        ("Müller Maschinenbau GmbH.", "RE-NR. 2026-004712", "595.00", "EUR", {"RE-2026-004712"}),
        ("MULLER MASCHINENBAU", "RE-NR 4711 UND 4712", "1785.00", "EUR",
         {"RE-2026-004711", "RE-2026-004712"}),
        # Spanish: Factura / FACT, S.A. de C.V. as SA DE CV, MXN, leading zeros dropped.
        ("COMERCIALIZADORA DEL PACIFICO SA DE CV", "PAGO FACTURA FMX18234", "23200.00", "MXN",
         {"FMX0000018234"}),
        ("COMERCIALIZADORA DEL PACIFICO S.A. DE C.V.", "FACT 18234 Y 18235", "34800.00", "MXN",
         {"FMX0000018234", "FMX0000018235"}),
        # English: INV#, several invoices in one line, a name cut at 35 characters.
        ("NORTHWIND INTERNATIONAL TRADING CO", "INV#1800022194 INV#1800022195", "2230.50",
         "USD", {"INV-1800022194", "INV-1800022195"}),
        ("NORTHWIND INTERNATIONAL TRADING COM", "INV 1800022194, 1800022195 & 1800022196",
         "2540.50", "USD", {"INV-1800022194", "INV-1800022195", "INV-1800022196"}),
        # A line break inside the invoice number (a 35-character MT940 line ends there).
        ("NORTHWIND INTERNATIONAL TRADING CO", "PMT INVOICE 18000\n22196", "310.00", "USD",
         {"INV-1800022196"}),
        # Same name, two legal forms: the one written decides.
        ("BLUE RIVER LOGISTICS L.L.C.", "PAYMENT", "4400.00", "USD", {"INVUS00004501"}),
        ("Blue River Logistics, Incorporated", "PAYMENT", "4400.00", "USD", {"INVUS00004601"}),
        # Portuguese, BRL, LTDA upper case, "NF" (nota fiscal) with its zeros.
        ("CONSTRUTORA HORIZONTE LTDA", "PAGTO NF 731", "8740.00", "BRL", {"NF000731"}),
    ],
)  # fmt: skip
def test_written_as_customers_write(
    name: str, text: str, amount: str, currency: str, expected: set[str]
) -> None:
    index = ledger(CUSTOMERS, ITEMS)
    line = m.LineFacts(
        id=1, amount=D(amount), currency=currency, entity_id=1, date=DAY,
        counterparty_name=name, remittance=text,
    )  # fmt: skip
    _, items = applied(index, line)
    assert set(items) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The whole thing in one unlabelled line, cut at 80 characters as BAI2 records are.
        "NORTHWIND INTERNATIONAL TRADING COMPANY INC PAYMENT INV-1800022194 INV-180002219",
        "ORIG CO NAME:NORTHWIND INTL ORIG ID:1234567890 CO ENTRY DESCR:PAYMENT SEC:CCD "
        "ADDENDA:INV 1800022194",
        "BY ORDER OF:NORTHWIND INTERNATIONAL TRADING COMPANY INC OBI=INV#1800022194",
    ],
)
def test_payer_and_reference_in_one_text(text: str) -> None:
    index = ledger(CUSTOMERS, ITEMS)
    line = m.LineFacts(
        id=1, amount=D("1250.00"), currency="USD", entity_id=1, date=DAY, remittance=text
    )
    assert applied(index, line) == (3, {"INV-1800022194": D("1250.00")})


def test_a_name_alone_never_applies_across_a_currency() -> None:
    index = ledger(CUSTOMERS, ITEMS)
    line = m.LineFacts(
        id=1, amount=D("1190.00"), currency="USD", entity_id=1, date=DAY,
        counterparty_name="MUELLER MASCHINENBAU GMBH", remittance="RECHNUNG RE-2026-004711",
    )  # fmt: skip
    proposals = m.propose(index, line, CFG, places=D("0.01"))
    assert not proposals or proposals[0].confidence < CFG.threshold
