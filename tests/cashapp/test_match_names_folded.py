"""Payer names in the letters banks can send: a German umlaut as ä, as AE (the DFÜ rules German
banks follow) or as a bare A (US banks drop accents); ß as SS; Spanish and Portuguese accents
(Ñ, Ç, ã) dropped; Danish ø as OE. Each spelling names the same account, labelled or in free
text, in camt, MT940 and BAI2 layouts, cut where the bank's field ends. Every ledger here holds
a second account with an item of the same amount, so only the name can pick the payer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp import matching as m
from openar.cashapp.matching.refs import legal_form, norm_name

D = Decimal
DAY = dt.date(2026, 6, 30)
CFG = m.Settings()

CUSTOMERS = [
    (1, "C0000201", "Müller Maschinenbau GmbH", "EUR"),
    (2, "C0000202", "Straßenbau Köhler KG", "EUR"),
    (3, "C0000203", "Peña Hermanos S.A. de C.V.", "MXN"),
    (4, "C0000204", "Construções Açores, Lda.", "EUR"),
    (5, "C0000205", "Søren Søndergaard ApS", "EUR"),
    (6, "C0000206", "MUEHLENWERKE JOERG SCHAEFER GMBH", "EUR"),  # the ERP wrote it in ASCII
    (9, "C0000209", "Nordstern Handel GmbH", "EUR"),  # the other account of each amount
    (10, "C0000210", "Ferretería La Piña S.A. de C.V.", "MXN"),
]
ITEMS = [
    (1, "RE-2026-004711", "1190.00", "EUR"),
    (2, "RG-77801", "8450.30", "EUR"),
    (3, "FMX0000051234", "23200.00", "MXN"),
    (4, "FT-2026-0099", "3120.45", "EUR"),
    (5, "FAK-30011", "640.00", "EUR"),
    (6, "RE-2026-009001", "2210.10", "EUR"),
    (9, "NH-1", "1190.00", "EUR"), (9, "NH-2", "8450.30", "EUR"), (9, "NH-3", "3120.45", "EUR"),
    (9, "NH-4", "640.00", "EUR"), (9, "NH-5", "2210.10", "EUR"),
    (10, "FMX0000061234", "23200.00", "MXN"),
]  # fmt: skip


def ledger() -> m.MatchIndex:
    index = m.MatchIndex()
    for cid, ref, name, currency in CUSTOMERS:
        index.add_customer(m.CustomerInfo(cid, ref, name, None, 1, currency))
    for pk, (cid, ref, amount, currency) in enumerate(ITEMS, start=1):
        index.add_item(
            m.Item(pk, cid, ref, "invoice", currency, D(amount), DAY - dt.timedelta(days=10 + pk),
                   DAY - dt.timedelta(days=40 + pk))
        )  # fmt: skip
    index.finish()
    return index


def applied(line: m.LineFacts) -> int | None:
    proposals = m.propose(ledger(), line, CFG, places=D("0.01"))
    if not proposals or proposals[0].confidence < CFG.threshold:
        return None
    return proposals[0].customer_id


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Müller Maschinenbau GmbH", "muller maschinenbau"),
        ("MUELLER MASCHINENBAU GMBH", "muller maschinenbau"),
        ("MULLER MASCHINENBAU GMBH.", "muller maschinenbau"),
        ("Straßenbau Köhler KG", "strassenbau kohler"),
        ("STRASSENBAU KOEHLER KG", "strassenbau kohler"),
        ("Peña Hermanos S.A. de C.V.", "pena hermanos"),
        ("PENA HERMANOS SA DE CV", "pena hermanos"),
        ("Construções Açores, Lda.", "construcos acores"),
        ("CONSTRUCOES ACORES LDA", "construcos acores"),
        ("Søren Søndergaard ApS", "soren sondergaard"),
        ("SOEREN SOENDERGAARD APS", "soren sondergaard"),
        ("Mühlenwerke Jörg Schäfer GmbH", "muhlenwerke jorg schafer"),
    ],
)
def test_every_spelling_folds_to_one_name(written: str, folded: str) -> None:
    assert norm_name(written) == folded


def test_the_legal_form_survives_the_folding() -> None:
    assert legal_form("Müller Maschinenbau GmbH") == legal_form("MUELLER MASCHINENBAU GMBH.")
    assert legal_form("Construções Açores, Lda.") == "lda"


@pytest.mark.parametrize(
    ("amount", "currency", "name", "text", "payer"),
    [
        # camt: the payer's name in its own element, written as the payer's bank keeps it.
        ("1190.00", "EUR", "MUELLER MASCHINENBAU GMBH", "", 1),
        ("1190.00", "EUR", "Mueller Maschinenbau", "Zahlung", 1),
        # MT940, German ?-subfields: ?32 carries 27 characters of the name, in DFÜ letters.
        ("8450.30", "EUR", "",
         "166?00SEPA-UEBERWEISUNG?109310?20SVWZ+ZAHLUNG?30COBADEFFXXX?31DE44500105175407324931"
         "?32STRASSENBAU KOEHLER KG", 2),
        # MT940 without structure: the name upper case, the accents dropped, cut at 35.
        ("23200.00", "MXN", "", "PENA HERMANOS SA DE CV PAGO PROVEEDORES", 3),
        # BAI2: an ACH batch header's 16 characters of the name; a wire's originator.
        ("1190.00", "EUR", "",
         "ORIG CO NAME:MULLER MASCHINE ORIG ID:1234567890 DESC DATE:260630 CO ENTRY "
         "DESCR:PAYMENT SEC:CCD", 1),
        ("3120.45", "EUR", "", "BY ORDER OF:CONSTRUCOES ACORES LDA OBI=PAGAMENTO", 4),
        # A Danish payer's bank writes ø as OE.
        ("640.00", "EUR", "SOEREN SOENDERGAARD APS", "BETALING", 5),
        # The other way round: the ERP holds the ASCII spelling, the bank sends the umlauts.
        ("2210.10", "EUR", "Mühlenwerke Jörg Schäfer GmbH", "Rechnung", 6),
    ],
)  # fmt: skip
def test_a_payer_named_in_any_spelling_is_the_account(
    amount: str, currency: str, name: str, text: str, payer: int
) -> None:
    line = m.LineFacts(
        id=1, amount=D(amount), currency=currency, entity_id=1, date=DAY,
        counterparty_name=name, remittance=text,
    )  # fmt: skip
    assert applied(line) == payer


def test_a_different_name_is_still_a_different_name() -> None:
    # La Piña and Peña share an amount; folding accents must not make them one.
    line = m.LineFacts(
        id=1, amount=D("23200.00"), currency="MXN", entity_id=1, date=DAY,
        counterparty_name="FERRETERIA LA PINA SA DE CV",
    )  # fmt: skip
    assert applied(line) == 10
