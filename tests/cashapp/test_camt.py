"""camt.052/053/054 parsing against the real files kept in tests/data/bank-statements/ and
their golden outputs."""

from __future__ import annotations

import ast
import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openar.cashapp.domain import Statement, StatementError
from openar.cashapp.parsers import camt, parse_bytes, parse_file

from .conftest import STATEMENTS

CAMT = STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files"


def golden(name: str) -> tuple[Any, Any, list[dict[str, Any]]]:
    return ast.literal_eval((CAMT / f"golden-{name}.pydata").read_text(encoding="utf-8"))


def narration(tx: dict[str, Any], label: str) -> str:
    """One ``Label (Path): value`` row of the golden narration ("" when absent)."""
    for row in tx["narration"].split("\n"):
        if row.startswith(label + ":"):
            return row[len(label) + 1 :].strip()
    return ""


def assert_matches_golden(statements: list[Statement], name: str) -> None:
    currency, account, expected = golden(name)
    assert len(statements) == len(expected)
    for statement, want in zip(statements, expected, strict=True):
        assert statement.currency == currency
        assert statement.account == account
        assert statement.statement_id == want["name"]
        assert statement.opening_balance == Decimal(str(want["balance_start"]))
        assert statement.closing_balance == Decimal(str(want["balance_end_real"]))
        assert len(statement.lines) == len(want["transactions"])
        for line, tx in zip(statement.lines, want["transactions"], strict=True):
            assert line.amount == Decimal(str(tx["amount"])).quantize(Decimal("0.01"))
            assert line.currency == currency
            assert line.booking_date == dt.date.fromisoformat(tx["date"])
            assert line.counterparty_name == tx["partner_name"]
            assert line.counterparty_account == tx["account_number"]
            assert line.transaction_code == tx["transaction_type"].replace("-", "/")
            # golden "ref": the structured creditor reference when there is one, else end-to-end id
            assert tx["ref"] in (line.creditor_reference, line.end_to_end_id)
            assert line.end_to_end_id == narration(tx, "End To End Id (Refs/EndToEndId)")
            assert line.creditor_reference == narration(
                tx, "Structured Reference (RmtInf/Strd/CdtrRefInf/Ref)"
            )
            # Ustrd wins; without it the additional transaction, then entry, information
            assert line.remittance == (
                narration(tx, "Unstructured Reference (RmtInf/Ustrd)")
                or narration(tx, "Additional Transaction Information (AddtlTxInf)")
                or narration(tx, "Additional Entry Information (AddtlNtryInf)")
            )
            assert line.bank_reference == narration(
                tx, "Account Servicer Reference (Refs/AcctSvcrRef)"
            )


def fix_closing(data: bytes, closing: str, new: str) -> bytes:
    tag = f'<Amt Ccy="EUR">{closing}</Amt>'.encode()
    assert data.count(tag) == 1
    return data.replace(tag, f'<Amt Ccy="EUR">{new}</Amt>'.encode())


# -- the real files ------------------------------------------------------------------------


def test_sniff_recognises_every_real_camt_file() -> None:
    for name in ("test-camt053", "test-camt053-txdtls", "test-camt053-no-ntry", "test-camt054"):
        assert camt.sniff((CAMT / name).read_bytes()[:4096])
    assert not camt.sniff(b":20:STARTUMS\n:25:12345678/0001\n")


def test_camt053_real_file_does_not_balance_and_is_flagged() -> None:
    # 15568.27 - 754.25 - 664.05 + 1405.31 = 15555.28, yet the file says 15121.12 closes it.
    (statement,) = camt.parse((CAMT / "test-camt053").read_bytes(), name="test-camt053")
    (warning,) = statement.warnings
    assert statement.unbalanced == [warning]
    assert warning.code == "unbalanced"
    assert "1234Test/1 does not balance in EUR" in warning.message
    assert "difference -434.16 EUR" in warning.message
    assert warning.currency == "EUR" and warning.statement_id == "1234Test/1"
    assert "/Document/BkToCstmrStmt/Stmt" in warning.position
    # the lines are read all the same
    assert len(statement.lines) == 4


def test_camt053_lines_match_golden() -> None:
    data = (CAMT / "test-camt053").read_bytes()
    statements = camt.parse(data, name="test-camt053", check_balances=False)
    assert statements[0].warnings == []  # not checked
    assert_matches_golden(statements, "camt053")
    statement = statements[0]
    assert statement.format == "camt.053"
    assert statement.extra["version"] == "001.02"
    assert statement.opening_date == dt.date(2014, 1, 5)
    assert statement.created_at == dt.datetime(2014, 1, 6, 16, 20, 26, 673000, tzinfo=dt.UTC)
    insurance, first_return, second_return, credit = statement.lines
    assert second_return.end_to_end_id == "TESTBANK/NL/20141229/01206407"
    assert insurance.value_date == dt.date(2014, 1, 5)
    assert not insurance.is_credit and credit.is_credit
    # the batched reversal (664.05) splits into its two transactions, keeping the entry amount
    assert first_return.extra["entry_amount"] == Decimal("-664.05")
    assert first_return.extra["reversal"] is True
    assert first_return.extra["return_reason"] == "AC06"


def test_camt053_balanced_copy_parses_with_checks() -> None:
    data = fix_closing((CAMT / "test-camt053").read_bytes(), "15121.12", "15555.28")
    (statement,) = camt.parse(data, name="fixed")
    assert statement.warnings == []
    assert statement.closing_balance == Decimal("15555.28")
    assert sum(line.amount for line in statement.lines) == Decimal("-12.99")


def test_batched_txdtls_split_one_line_per_transaction() -> None:
    data = (CAMT / "test-camt053-txdtls").read_bytes()
    statements = camt.parse(data, name="test-camt053-txdtls")  # balances add up: checked
    assert_matches_golden(statements, "camt053-txdtls")
    first, second = statements[0].lines
    assert (first.amount, second.amount) == (Decimal("2187.00"), Decimal("1296.00"))
    assert first.value_date == dt.date(2017, 3, 23)
    assert first.extra["transaction_code_detail"] == "PMNT/RCDT/AUTT"
    assert statements[0].closing_date == dt.date(2017, 3, 23)


def test_statement_without_entries_keeps_its_balances() -> None:
    # The golden file lists no statement at all (its importer skips empty statements); a statement
    # with no movement is still a statement, and its balances are what a reconciliation needs.
    assert golden("camt053-no-ntry") == (None, None, [])
    (statement,) = camt.parse((CAMT / "test-camt053-no-ntry").read_bytes(), name="no-ntry")
    assert statement.lines == []
    assert statement.currency == "CHF"  # no Acct/Ccy: taken from the balances
    assert statement.opening_balance == statement.closing_balance == Decimal("1520.76")


def test_camt054_notification_matches_golden() -> None:
    statements = camt.parse((CAMT / "test-camt054").read_bytes(), name="test-camt054")
    (statement,) = statements
    assert statement.format == "camt.054"
    # a notification has no balances; the golden's 0.0 is its importer's default
    assert statement.opening_balance is None and statement.closing_balance is None
    currency, account, (want,) = golden("camt054")
    assert (statement.currency, statement.account) == (currency, account)
    (line,) = statement.lines
    (tx,) = want["transactions"]
    assert line.amount == Decimal("5.00")
    assert line.booking_date == dt.date(2022, 1, 26)
    assert line.counterparty_name == tx["partner_name"] == "Test Customer"
    assert line.counterparty_account == tx["account_number"]
    assert line.creditor_reference == tx["ref"]
    assert line.end_to_end_id == "ENDTOENDID-01"
    assert line.bank_reference == "15180015077602405"  # TxDtls/Refs wins over Ntry/AcctSvcrRef
    assert line.remittance == "Additional entry info"
    # the golden's payment_ref is the instruction id, which is not remittance text
    assert line.extra["instruction_id"] == tx["payment_ref"]


def test_zip_is_read_member_by_member(tmp_path: Path) -> None:
    archive = CAMT / "test-camt053.zip"
    # both members carry the same unbalanced closing balance: read, each with its warning
    unbalanced = parse_file(archive)
    assert [w.message.split(": ")[0] for s in unbalanced for w in s.unbalanced] == [
        "test-camt053.zip:test-camt053_02.xml",
        "test-camt053.zip:test-camt053_03.xml",
    ]
    # the same members with their closing balances made to add up:
    # 15568.27 - 754.25 - 594.05 + 1405.31 = 15625.28
    fixed = tmp_path / "fixed.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(fixed, "w") as target:
        for member in source.namelist():
            target.writestr(member, fix_closing(source.read(member), "15121.12", "15625.28"))
    statements = parse_file(fixed)
    assert [s.statement_id for s in statements] == ["1234Test/2", "1234Test/3"]
    assert [s.lines[0].booking_date for s in statements] == [
        dt.date(2014, 2, 5),
        dt.date(2014, 3, 5),
    ]
    # one transaction in the 594.05 entry: one line with the booked entry amount
    assert [[line.amount for line in s.lines] for s in statements] == [
        [Decimal("-754.25"), Decimal("-594.05"), Decimal("1405.31")]
    ] * 2
    assert statements[0].lines[2].counterparty_name == "3rd party Media"


# -- bad input -----------------------------------------------------------------------------


def test_truncated_xml_names_line_and_column() -> None:
    data = (CAMT / "test-camt054").read_bytes()
    truncated = data[: len(data) // 2]
    with pytest.raises(StatementError) as caught:
        camt.parse(truncated, name="cut.xml")
    assert "malformed XML" in caught.value.message
    assert caught.value.position.startswith("line ")
    assert ", column " in caught.value.position


def test_malformed_xml_position_is_the_broken_line() -> None:
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<a>\n</b>\n'
    with pytest.raises(StatementError) as caught:
        parse_bytes(data, name="bad.xml")
    assert caught.value.position.startswith("line 3,")


def test_unknown_currency_is_refused_with_its_path() -> None:
    data = (CAMT / "test-camt054").read_bytes().replace(b'Ccy="EUR"', b'Ccy="EUX"', 1)
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="test-camt054")
    assert "unknown currency 'EUX'" in caught.value.message
    assert caught.value.field == "currency"
    assert "Ntfctn/Ntry/Amt" in caught.value.position


def test_missing_mandatory_element_names_the_path() -> None:
    data = (CAMT / "test-camt054").read_bytes().replace(b"<CdtDbtInd>CRDT</CdtDbtInd>", b"", 1)
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="test-camt054")
    assert "missing mandatory element CdtDbtInd" in caught.value.message
    assert "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/CdtDbtInd" in caught.value.position


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    """A DTD (the vehicle of external entities) is refused before the XML is parsed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = minimal("053", "08", entries=ENTRY_08).replace(
        b"<Document", f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n<Document'.encode()
    )
    data = data.replace(b"<Ustrd>INV-1001</Ustrd>", b"<Ustrd>&x;</Ustrd>")
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="xxe.xml")
    assert "document type declarations" in caught.value.message
    assert caught.value.position == "line 2"
    assert "TOPSECRET" not in caught.value.message


# -- version independence ------------------------------------------------------------------

ENTRY_08 = """
<Ntry>
  <NtryRef>1</NtryRef>
  <Amt Ccy="EUR">250.00</Amt>
  <CdtDbtInd>CRDT</CdtDbtInd>
  <Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><DtTm>2026-06-29T10:15:00+02:00</DtTm></BookgDt>
  <ValDt><Dt>2026-06-30</Dt></ValDt>
  <AcctSvcrRef>BANKREF-1</AcctSvcrRef>
  <BkTxCd><Prtry><Cd>NTRF+051</Cd></Prtry></BkTxCd>
  <NtryDtls><TxDtls>
    <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
    <RltdPties>
      <Dbtr><Pty><Nm>Acme Trading GmbH</Nm></Pty></Dbtr>
      <DbtrAcct><Id><Othr><Id>0123456789</Id></Othr></Id></DbtrAcct>
      <Cdtr><Pty><Nm>Us</Nm></Pty></Cdtr>
    </RltdPties>
    <RmtInf>
      <Ustrd>INV-1001</Ustrd>
      <Ustrd>INV-1002</Ustrd>
      <Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>
    </RmtInf>
  </TxDtls></NtryDtls>
</Ntry>
<Ntry>
  <Amt Ccy="EUR">50.00</Amt>
  <CdtDbtInd>DBIT</CdtDbtInd>
  <Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>2026-06-30</Dt></BookgDt>
  <AddtlNtryInf>Bank charges</AddtlNtryInf>
</Ntry>
"""


def minimal(message: str, version: str, *, entries: str, balances: str = "") -> bytes:
    root, statement = {
        "052": ("BkToCstmrAcctRpt", "Rpt"),
        "053": ("BkToCstmrStmt", "Stmt"),
    }[message]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version}">
<{root}>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-06-30T18:00:00</CreDtTm></GrpHdr>
<{statement}>
  <Id>S-{message}-{version}</Id>
  <Acct><Id><Othr><Id>998877</Id></Othr></Id><Ccy>EUR</Ccy></Acct>
  {balances}
  {entries}
</{statement}>
</{root}>
</Document>""".encode()


BALANCES = """
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>
  <CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-06-29</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
  <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-30</Dt></Dt></Bal>
"""


def test_hand_written_camt053_v08() -> None:
    data = minimal("053", "08", entries=ENTRY_08, balances=BALANCES.format(closing="100.00"))
    assert camt.sniff(data)
    (statement,) = parse_bytes(data, name="v08.xml")  # through auto-detection
    assert statement.format == "camt.053"
    assert statement.extra["version"] == "001.08"
    assert statement.account == "998877"
    assert statement.opening_balance == Decimal("-100.00")  # PRCD, debit balance
    assert statement.closing_balance == Decimal("100.00")
    credit, charges = statement.lines
    assert credit.amount == Decimal("250.00")
    assert credit.booking_date == dt.date(2026, 6, 29)
    assert credit.value_date == dt.date(2026, 6, 30)
    assert credit.counterparty_name == "Acme Trading GmbH"  # Dbtr/Pty/Nm, not the creditor
    assert credit.counterparty_account == "0123456789"
    assert credit.end_to_end_id == ""  # NOTPROVIDED
    assert credit.bank_reference == "BANKREF-1"
    assert credit.remittance == "INV-1001 INV-1002"
    assert credit.creditor_reference == "RF18539007547034"
    assert credit.transaction_code == "NTRF+051"
    assert charges.amount == Decimal("-50.00")
    assert charges.remittance == "Bank charges"
    assert charges.counterparty_name == ""


def test_hand_written_camt053_v08_unbalanced() -> None:
    data = minimal("053", "08", entries=ENTRY_08, balances=BALANCES.format(closing="100.01"))
    (statement,) = camt.parse(data, name="v08.xml")
    (warning,) = statement.unbalanced
    assert "S-053-08 does not balance in EUR" in warning.message
    assert "difference 0.01 EUR" in warning.message
    assert "/Document/BkToCstmrStmt/Stmt" in warning.position


def test_hand_written_camt052_report() -> None:
    data = minimal("052", "06", entries=ENTRY_08)
    (report,) = camt.parse(data, name="intraday.xml")
    assert report.format == "camt.052"
    assert report.statement_id == "S-052-06"
    assert [line.amount for line in report.lines] == [Decimal("250.00"), Decimal("-50.00")]
    assert report.lines[0].counterparty_name == "Acme Trading GmbH"
    assert report.created_at == dt.datetime(2026, 6, 30, 18, 0)  # from GrpHdr


def test_unsplittable_batch_stays_one_line() -> None:
    batch = """
<Ntry>
  <Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-06-30</Dt></BookgDt>
  <NtryDtls>
    <TxDtls><RltdPties><Dbtr><Nm>A</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INV-1</Ustrd></RmtInf>
    </TxDtls>
    <TxDtls><RltdPties><Dbtr><Nm>B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INV-2</Ustrd></RmtInf>
    </TxDtls>
  </NtryDtls>
</Ntry>"""
    (statement,) = camt.parse(minimal("053", "03", entries=batch), name="batch.xml")
    (line,) = statement.lines
    assert line.amount == Decimal("300.00")
    assert line.remittance == "INV-1 INV-2"
    assert line.counterparty_name == ""  # two payers: none is the payer of the whole entry
    assert line.extra["unsplit_transactions"] == 2


def test_five_decimals_are_kept_exactly() -> None:
    """ISO 20022 allows 5 fraction digits whatever the currency: nothing is rounded on parse."""
    data = minimal("053", "02", entries=ENTRY_08).replace(b">250.00<", b">250.00501<")
    (statement,) = camt.parse(data, name="decimals.xml")
    assert statement.lines[0].amount == Decimal("250.00501")
    assert statement.lines[0].as_dict()["amount"] == "250.00501"
    assert statement.lines[1].as_dict()["amount"] == "-50.00"  # the currency's decimals


def test_six_decimals_are_refused_with_the_path() -> None:
    data = minimal("053", "02", entries=ENTRY_08).replace(b">250.00<", b">250.005011<")
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="decimals.xml")
    assert "'250.005011' is not an amount (at most 18 digits, 5 after the point)" in (
        caught.value.message
    )
    assert "/Document/BkToCstmrStmt/Stmt/Ntry[1]/Amt" in caught.value.position


def test_not_camt_is_refused() -> None:
    with pytest.raises(StatementError, match="not an ISO 20022 camt"):
        camt.parse(b"<Document/>", name="x.xml")


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08"])
def test_every_version_reads_the_same_batched_statement(version: str) -> None:
    """The real txdtls file (001.04) relabelled 02 to 08: its elements kept their meaning."""
    data = (CAMT / "test-camt053-txdtls").read_bytes()
    relabelled = data.replace(b"camt.053.001.04", f"camt.053.001.{version}".encode())
    [original] = camt.parse(data, name="txdtls")
    [statement] = parse_bytes(relabelled, name=f"txdtls-{version}")
    assert statement.extra["version"] == f"001.{version}"
    assert [line.as_dict() for line in statement.lines] == [
        line.as_dict() for line in original.lines
    ]
