"""Reading payers and references out of free bank text (no database): NACHA descriptors in BAI2
88 records, X12 820 addenda, German and SWIFT-style MT940 :86:, and text as customers type it."""

from __future__ import annotations

from decimal import Decimal

from openar.cashapp import remittance as r
from openar.cashapp.parsers import parse_file

from .conftest import STATEMENTS


def test_unlabelled_text_gives_the_leading_words_as_a_possible_name() -> None:
    got = r.read("ACME TRADING LLC INV 1800022194 1800022195")
    assert got.names == []
    assert got.phrases == ["ACME TRADING LLC"]
    assert "1800022194" in got.purpose and "1800022195" in got.purpose


def test_nacha_descriptors_name_the_originator_not_the_receiver() -> None:
    text = (
        "ORIG CO NAME:ACME TRADING ORIG ID:1234567890 DESC DATE:260615 CO ENTRY DESCR:PAYMENT "
        "SEC:CCD TRACE#:021000021234567 EED:260616 IND ID:C00123 IND NAME:OPENAR DEMO INC"
    )
    got = r.read(text)
    assert got.names == ["ACME TRADING"]
    assert got.customer_numbers == ["C00123"]
    # Bank plumbing (originator id, trace, dates) never becomes a reference to look up.
    assert "1234567890" not in got.purpose and "021000021234567" not in got.purpose
    assert "OPENAR" not in " ".join(got.names + got.phrases)


def test_wire_labels() -> None:
    got = r.read("B/O: ACME TRADING INC OBI=INV 1800022194 IMAD:20260615QMGFT001000123")
    assert got.names == ["ACME TRADING INC"]
    assert got.purpose == "INV 1800022194"


def test_wire_originator_with_its_account() -> None:
    # Fedwire/CHIPS text: the originator's account after a slash, then its name.
    got = r.read("ORG=/000123456789 ACME TRADING LLC OBI=INV 1800022194 BBI=/CHGS/USD10,00")
    assert got.names == ["ACME TRADING LLC"] and got.accounts == ["000123456789"]
    assert got.purpose == "INV 1800022194"
    # Citi: BO: account, BO1: name, PY: the payment's details.
    got = r.read("BO:11111111 BO1:DOE JO PY:INV 1800022194")
    assert (got.names, got.accounts, got.purpose) == (["DOE JO"], ["11111111"], "INV 1800022194")
    # A name alone stays a name (no digits to take for an account).
    assert r.split_originator("ACME CORP") == ("", "ACME CORP")
    assert r.split_originator("3M COMPANY") == ("", "3M COMPANY")


def test_a_record_break_inside_a_label_or_a_customer_number() -> None:
    got = r.read("ORG=/000123456789 ACME TRADING LLC OB I=INV 1800022194")
    assert got.names == ["ACME TRADING LLC"] and got.purpose == "INV 1800022194"
    # Pieces that are labels or words of their own stay apart.
    assert r.rejoin_labels("PAID TO ACME REF: 12") == "PAID TO ACME REF: 12"
    got = r.read("ORIG CO NAME:ACME IND ID:C00003 11 IND NAME:OPENAR DEMO INC")
    assert got.customer_numbers == ["C0000311", "C00003"]
    assert r.read("CUST ID:C0000311 INVOICES").customer_numbers == ["C0000311"]


def test_x12_820_with_isa_header_rmr_adx_and_payer() -> None:
    isa = (
        "ISA*00*          *00*          *ZZ*ACME           *ZZ*OPENAR         *260615*1200*U*"
        "00401*000000001*0*P*>~"
    )
    text = (
        "ORIG CO NAME:ACME TRADING CO ENTRY DESCR:EDI PYMNTS SEC:CTX "
        + isa
        + "ST*820*0001~BPR*C*2475.00*C*ACH*CTX~TRN*1*TRACE12345~N1*PR*ACME TRADING LLC*91*C00123~"
        "ENT*1~RMR*IV*1800022194*PI*1250.00*1300.00*50.00~DTM*003*20260601~"
        "RMR*IV*18000 22195*PI*1225.00*1250.00~ADX*-25.00*CS~SE*9*0001~"
    )
    x12 = r.x12_820(text)
    assert x12 is not None
    assert x12.payer_name == "ACME TRADING LLC" and x12.payer_id == "C00123"
    assert x12.total == Decimal("2475.00") and x12.trace == "TRACE12345"
    first, second = x12.lines
    assert (first.qualifier, first.reference, first.paid) == ("IV", "1800022194", Decimal("1250"))
    assert first.invoiced == Decimal("1300.00") and first.discount == Decimal("50.00")
    # A line break inside the reference (a BAI2 88 record ends there) is closed up.
    assert second.reference == "1800022195" and second.paid == Decimal("1225.00")
    assert second.adjustments == (("CS", Decimal("-25.00")),)
    got = r.read(text)
    assert got.names[:2] == ["ACME TRADING LLC", "ACME TRADING"]
    assert got.customer_numbers == ["C00123"]
    assert got.x12 == x12


def test_x12_short_form_and_no_x12() -> None:
    x12 = r.x12_820("RMR*IV*1800022194*1250.00~RMR*CM*CM-77*-100.00~")
    assert x12 is not None
    assert [(x.reference, x.paid, x.names_a_receivable) for x in x12.lines] == [
        ("1800022194", Decimal("1250.00"), True),
        ("CM-77", Decimal("-100.00"), True),
    ]
    assert r.x12_820("PAYMENT FOR INV 1800022194 * THANK YOU") is None
    assert r.read("INV 1800022194").x12 is None


def test_german_subfields_from_a_real_file() -> None:
    path = STATEMENTS / "mt940-wolph" / "mt940_tests" / "self-provided" / "details_60-63.sta"
    raw = path.read_text(encoding="latin-1")
    details = raw[raw.index(":86:") + 4 : raw.index(":62F:")]
    got = r.read(details)
    # ?32/?33 cut the name inside a word: the joined name comes first.
    assert got.names[0] == "Finanzamt Muenchen Abteilung Erhebung"
    assert got.accounts == ["DE99700500000000012345"]
    assert got.purpose.startswith("123/123/12345-----L110")


def test_german_subfields_with_sepa_keywords_and_a_reference_cut_by_a_subfield() -> None:
    text = (
        "166?00SEPA-UEBERWEISUNG?109310?20EREF+NOTPROVIDED?21SVWZ+RE 1800022194 1800022?22195"
        "?30COBADEFFXXX?31DE89370400440532013000?32ACME HANDELS GMBH?33NIEDERLASSUNG"
    )
    got = r.read(text)
    assert "ACME HANDELS GMBH" in got.names
    assert got.purpose == "RE 1800022194 1800022195"
    assert got.accounts == ["DE89370400440532013000"]


def test_swift_style_codes() -> None:
    got = r.read("/EREF/E2E42/ORDP//NAME/ACME TRADING LTD/IBAN/GB29NWBK60161331926819/REMI/INV 1")
    assert got.names == ["ACME TRADING LTD"]
    assert got.accounts == ["GB29NWBK60161331926819"]
    assert "INV 1" in got.purpose


def test_split_pairs_offer_the_join_of_a_reference_cut_by_a_line_break() -> None:
    assert ("18000221", "94") in r.read("INV 18000221 94 ACME").joined
    assert ("INVUS0000", "1234") in r.split_pairs("PAY INVUS0000 1234")
    assert ("INVU", "S00001234") in r.split_pairs("INVU S00001234")
    # Words without a digit are never a reference; nor is a join longer than 35 characters.
    assert r.split_pairs("ACME TRADING") == []
    assert r.split_pairs("A" * 30 + "1 " + "2" * 10) == []


def test_real_bai2_continuations_name_the_payer() -> None:
    path = STATEMENTS / "bai2-moj" / "tests" / "data" / "citi_example.bai2"
    [statement] = parse_file(path)
    got = r.read(statement.lines[0].remittance)
    assert "DOE JO" in got.names
    assert "11111111" in got.accounts
