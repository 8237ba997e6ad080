"""BAI2 parsing against the real files shipped in tests/data/bank-statements/bai2-moj."""

from decimal import Decimal
from pathlib import Path

import pytest

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import bai2

DATA = Path(__file__).resolve().parents[1] / "data" / "bank-statements"
BAI2 = DATA / "bai2-moj" / "tests" / "data"


def _parse(name: str):
    return bai2.parse((BAI2 / name).read_bytes(), name=name)


@pytest.mark.parametrize(
    ("name", "file_total_minor", "currency"),
    [
        ("citi_example.bai2", 20001, "GBP"),
        ("nwb_example.bai2", 143764, "GBP"),
        ("svb_us_example.bai2", 282030196, "USD"),
        ("account_trailer_amount_blank_example.bai2", 0, "USD"),
    ],
)
def test_parsed_amounts_add_up_to_the_file_control_total(name, file_total_minor, currency):
    statements = _parse(name)
    total = Decimal(0)
    for statement in statements:
        assert statement.currency == currency
        total += sum((Decimal(v) for v in statement.extra["summary"].values()), Decimal(0))
        total += sum((abs(line.amount) for line in statement.lines), Decimal(0))
    assert total == Decimal(file_total_minor).scaleb(-2)
    assert bai2.sniff((BAI2 / name).read_bytes()[:100])


def test_citi_line_with_value_date_references_and_continued_text():
    [statement] = _parse("citi_example.bai2")
    assert statement.account == "77777777"
    assert statement.opening_balance == Decimal("100.00")
    [line] = statement.lines
    assert line.amount == Decimal("0.01")
    assert line.transaction_code == "191"
    assert line.bank_reference == "1234567890"
    assert line.end_to_end_id == "RP12312312312312"
    assert str(line.value_date) == "2015-07-15"
    assert line.remittance.startswith("FR:FP SIP INCOMING ENDT:20150715")
    assert line.remittance.endswith("BO:11111111 BO1:DOE JO")


def test_nwb_debits_are_negative_and_credits_positive():
    [statement] = _parse("nwb_example.bai2")
    assert [line.amount for line in statement.lines] == [
        Decimal("-9.71"),
        Decimal("-1.00"),
        Decimal("-1.23"),
        Decimal("-15.71"),
        Decimal("0.89"),
    ]
    assert statement.opening_balance == Decimal("365.21")
    assert statement.closing_balance == Decimal("338.45")


def test_svb_two_groups_give_two_statements_one_per_as_of_date():
    statements = _parse("svb_us_example.bai2")
    assert [str(s.opening_date) for s in statements] == ["2022-02-01", "2022-02-02"]
    assert [s.lines[0].amount for s in statements] == [Decimal("4901.96"), Decimal("9058.00")]
    assert [s.lines[0].bank_reference for s in statements] == ["172629", "150675"]


def test_blank_account_trailer_total_means_zero():
    statements = _parse("account_trailer_amount_blank_example.bai2")
    assert [s.account for s in statements] == ["12345", "54321"]
    assert all(not s.lines for s in statements)


def test_blank_account_trailer_total_with_activity_does_not_add_up():
    data = (BAI2 / "citi_example.bai2").read_bytes().replace(b"49,20001,10/", b"49,,10/")
    [statement] = bai2.parse(data, name="x.bai2")
    [warning] = statement.unbalanced
    assert "account control total is 0 in the trailer but the records add up to 20001" in (
        warning.message
    )
    assert warning.position == "line 12"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"49,20001,10/", b"49,20001,9/", r"account record count.*line 12"),
        (b"98,20001,1,12/", b"98,20001,2,12/", r"group account count.*line 13"),
        (b"99,20001,1,14/", b"99,20001,1,15/", r"file record count.*line 14"),
    ],
)
def test_wrong_trailer_counts_are_refused_with_the_line(old, new, message):
    data = (BAI2 / "citi_example.bai2").read_bytes()
    assert old in data
    with pytest.raises(StatementError, match=message):
        bai2.parse(data.replace(old, new), name="x.bai2")


@pytest.mark.parametrize(
    ("old", "new", "label", "line", "difference"),
    [
        (b"49,20001,10/", b"49,20002,10/", "account control total is 20002", "line 12", "0.01"),
        (b"98,20001,1,12/", b"98,20000,1,12/", "group control total is 20000", "line 13",
         "-0.01"),
        (b"99,20001,1,14/", b"99,20011,1,14/", "file control total is 20011", "line 14", "0.10"),
    ],
)  # fmt: skip
def test_control_totals_that_do_not_add_up_are_read_with_a_warning(
    old, new, label, line, difference
):
    data = (BAI2 / "citi_example.bai2").read_bytes()
    assert old in data
    [statement] = bai2.parse(data.replace(old, new), name="x.bai2")
    [warning] = statement.unbalanced
    assert f"{label} in the trailer but the records add up to 20001" in warning.message
    assert warning.position == line and warning.currency == "GBP"
    assert warning.difference == difference
    assert warning.statement_id == statement.statement_id
    assert len(statement.lines) == len(_parse("citi_example.bai2")[0].lines)


def test_truncated_file_is_refused():
    data = (BAI2 / "svb_us_example.bai2").read_bytes()
    truncated = b"\n".join(data.splitlines()[:12])
    with pytest.raises(StatementError, match=r"truncated.*line 12"):
        bai2.parse(truncated, name="x.bai2")


def test_unknown_currency_is_refused():
    data = (BAI2 / "citi_example.bai2").read_bytes().replace(b"77777777,GBP", b"77777777,XXQ")
    with pytest.raises(StatementError, match=r"unknown currency 'XXQ'.*line 3"):
        bai2.parse(data, name="x.bai2")


def test_citi_payer_from_the_labelled_text() -> None:
    path = BAI2 / "citi_example.bai2"
    [statement] = bai2.parse(path.read_bytes(), name=path.name)
    [line] = statement.lines
    assert line.counterparty_name == "DOE JO"
    assert line.counterparty_account == "11111111"
    assert line.remittance.startswith("FR:FP SIP INCOMING ENDT:20150715")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:220201 SEC:CCD", "ACME CORP"),
        ("WIRE IN ORG=ACME INDUSTRIAL SUPPLY OBI=INV 1001 BNF=OUR CO", "ACME INDUSTRIAL SUPPLY"),
        ("B/O: ACME CORP REF: 123", "ACME CORP"),
        ("SOME PAYMENT ACH OFFSET", ""),
    ],
)
def test_payer_labels(text: str, name: str) -> None:
    assert bai2.text_parties(text)[0] == name


def test_wire_originator_account_in_the_text() -> None:
    text = "ORG=/000123456789 ACME TRADING LLC OBI=INV 1800022194"
    assert bai2.text_parties(text) == ("ACME TRADING LLC", "000123456789")
    # The slash lost at the end of a record, and a label cut by a record break.
    text = "ORG= 000123456789 ACME TRADING LLC OB I=INV 1800022194"
    assert bai2.text_parties(text) == ("ACME TRADING LLC", "000123456789")
