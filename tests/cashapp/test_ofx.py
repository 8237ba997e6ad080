"""OFX parsing against the real files in tests/data/bank-statements/ofx-ofxtools."""

from decimal import Decimal
from pathlib import Path

import pytest

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import ofx

DATA = Path(__file__).resolve().parents[1] / "data" / "bank-statements"
OFX = DATA / "ofx-ofxtools" / "tests" / "data"


def test_stmtrs_balance_and_lines():
    data = (OFX / "stmtrs.ofx").read_bytes()
    assert ofx.sniff(data[:4096])
    [statement] = ofx.parse(data, name="stmtrs.ofx")
    assert statement.account == "999988"
    assert statement.currency == "USD"
    assert statement.closing_balance == Decimal("200.29")
    assert [line.amount for line in statement.lines] == [Decimal("-200.00"), Decimal("-300.00")]
    assert statement.lines[0].transaction_code == "CHECK"
    assert statement.lines[0].bank_reference == "00002"


def test_truncated_file_is_refused():
    data = (OFX / "stmtrs.ofx").read_bytes()
    with pytest.raises(StatementError, match=r"truncated.*line \d+"):
        ofx.parse(data[: len(data) // 2], name="stmtrs.ofx")


def test_unknown_currency_is_refused():
    data = (OFX / "stmtrs.ofx").read_bytes().replace(b"<CURDEF>USD", b"<CURDEF>XXQ")
    with pytest.raises(StatementError):
        ofx.parse(data, name="stmtrs.ofx")


def test_nubank_unclosed_tranlist_is_repaired_and_noted():
    data = (OFX / "br_nubank_cc.ofx").read_bytes()
    [statement] = ofx.parse(data, name="br_nubank_cc.ofx")
    assert statement.currency == "BRL"
    assert statement.closing_balance == Decimal("-1280.91")
    assert len(statement.lines) == 6
    assert statement.lines[0].amount == Decimal("-13.00")
    assert any("BANKTRANLIST not closed" in note for note in statement.extra["warnings"])


def test_investment_statement_has_no_bank_lines():
    assert ofx.parse((OFX / "invstmtrs.ofx").read_bytes(), name="invstmtrs.ofx") == []


def test_other_structural_faults_are_still_refused():
    data = (OFX / "stmtrs.ofx").read_bytes().replace(b"<CURDEF>", b"<NOTATAG>", 1)
    with pytest.raises(StatementError, match=r"at line \d+"):
        ofx.parse(data, name="stmtrs.ofx")
