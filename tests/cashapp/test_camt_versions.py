"""camt versions 01 to 08, multi-currency accounts, 5-decimal amounts and documents without a
statement: real files where openly licensed ones exist (tests/data/bank-statements/camt-tryton,
camt-genkgo), our own schema-following files otherwise (camt-openar)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import camt, parse_bytes

from .conftest import STATEMENTS

TRYTON = STATEMENTS / "camt-tryton"
GENKGO = STATEMENTS / "camt-genkgo"
OURS = STATEMENTS / "camt-openar"
VERSIONS = ["01", "02", "03", "04", "05", "06", "07", "08"]


# -- version 01, real files ------------------------------------------------------------------


def test_real_camt054_v01_notification() -> None:
    data = (TRYTON / "camt.054.001.01.xml").read_bytes()
    assert camt.sniff(data[:4096])
    (notification,) = parse_bytes(data, name="camt.054.001.01.xml")
    assert notification.format == "camt.054"
    assert notification.extra["version"] == "001.01"
    assert notification.statement_id == "AAAASESS-FP-CN-98765"
    assert notification.account == "50000000054910000003"  # Acct/Id/PrtryAcct/Id
    assert notification.currency == "SEK"
    (line,) = notification.lines
    assert line.amount == Decimal("105678.50")
    assert line.end_to_end_id == "MUELL/FINP/RA12345"  # Ntry/TxDtls, no NtryDtls in v01
    assert line.counterparty_name == "MUELLER"
    assert line.bank_reference == "AAAASESS-FP-CN-98765/01"
    assert line.booking_date == dt.date(2007, 10, 18)
    assert line.transaction_code == "PAYM/0001/0005"
    assert line.extra["status"] == "BOOK"


@pytest.mark.parametrize("version", ["01", "02", "04"])
def test_real_camt054_example_reads_the_same_in_every_version(version: str) -> None:
    """The ISO example notification as Tryton keeps it in versions 01, 02 and 04."""
    (statement,) = camt.parse((TRYTON / f"camt.054.001.{version}.xml").read_bytes(), name="n")
    (line,) = statement.lines
    assert (line.amount, line.currency, line.end_to_end_id, line.counterparty_name) == (
        Decimal("105678.50"),
        "SEK",
        "MUELL/FINP/RA12345",
        "MUELLER",
    )


def test_real_camt052_v01_report() -> None:
    (report,) = camt.parse((GENKGO / "camt052.v1.xml").read_bytes(), name="camt052.v1.xml")
    assert report.format == "camt.052"
    assert report.extra["version"] == "001.01"
    assert report.account == "CH2801234000123456789"
    assert report.currency == "SEK"  # no Acct/Ccy: the entry's
    (line,) = report.lines
    assert line.amount == Decimal("-200000")
    assert line.bank_reference == "AAAASESS-FP-ACCR-01"
    assert line.booking_date == dt.date(2007, 10, 18)


# -- version 01, our file --------------------------------------------------------------------


def test_camt053_v01_statement() -> None:
    (statement,) = camt.parse((OURS / "camt.053.001.01-eur.xml").read_bytes(), name="v01")
    assert statement.format == "camt.053"
    assert statement.extra["version"] == "001.01"
    assert statement.account == "0012345678"
    assert statement.opening_balance == Decimal("1000.00")  # Bal/Tp/Cd
    assert statement.closing_balance == Decimal("2670.50")
    assert statement.opening_date == dt.date(2026, 11, 29)
    assert statement.warnings == []
    invoice, batch_1, batch_2, returned = statement.lines
    assert invoice.creditor_reference == "RF18539007547034"  # CdtrRefInf/CdtrRef
    assert invoice.counterparty_account == "DE89370400440532013000"
    assert invoice.remittance == "INV 1800022194"
    # the batch splits on AmtDtls/TxAmt amounts, each with its own end-to-end id
    assert [(x.amount, x.end_to_end_id) for x in (batch_1, batch_2)] == [
        (Decimal("300.00"), "E2E-V01-0002"),
        (Decimal("200.00"), "E2E-V01-0003"),
    ]
    assert batch_2.counterparty_account == "12345678"  # BBAN
    assert returned.amount == Decimal("-79.50")
    assert returned.extra["return_reason"] == "AC04"  # RtrInf/RtrRsn/Cd
    assert returned.extra["reversal"] is True
    assert returned.counterparty_name == "DELTA LEASING AG"


# -- camt.054 end-to-end ids in every version --------------------------------------------------


def notification(version: str, transactions: list[tuple[str, str | None]], total: str) -> bytes:
    """A camt.054 in ``version`` with one entry of ``total`` EUR holding ``transactions``
    (end-to-end id, amount or None), in each version's own structure."""
    v = int(version)
    txs = []
    for e2e, amount in transactions:
        if amount is None:
            amount_xml = ""
        elif v >= 4:  # TxDtls/Amt came with version 04
            amount_xml = f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        else:
            amount_xml = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
        name = "<Pty><Nm>PAYER</Nm></Pty>" if v >= 8 else "<Nm>PAYER</Nm>"
        txs.append(
            f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>{amount_xml}"
            f"<RltdPties><Dbtr>{name}</Dbtr></RltdPties>"
            f"<RmtInf><Ustrd>PAYMENT {e2e}</Ustrd></RmtInf></TxDtls>"
        )
    details = "".join(txs) if v == 1 else f"<NtryDtls>{''.join(txs)}</NtryDtls>"
    status = "<Sts><Cd>BOOK</Cd></Sts>" if v >= 8 else "<Sts>BOOK</Sts>"
    account = "<PrtryAcct><Id>998877</Id></PrtryAcct>" if v == 1 else "<Othr><Id>998877</Id></Othr>"
    root = "BkToCstmrDbtCdtNtfctnV01" if v == 1 else "BkToCstmrDbtCdtNtfctn"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.{version}">
<{root}>
  <GrpHdr><MsgId>N-{version}</MsgId><CreDtTm>2026-11-30T10:00:00</CreDtTm></GrpHdr>
  <Ntfctn>
    <Id>N-{version}-1</Id><CreDtTm>2026-11-30T10:00:00</CreDtTm>
    <Acct><Id>{account}</Id><Ccy>EUR</Ccy></Acct>
    <Ntry>
      <Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{status}
      <BookgDt><Dt>2026-11-30</Dt></BookgDt><ValDt><Dt>2026-11-30</Dt></ValDt>
      <AcctSvcrRef>BANK-{version}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      {details}
    </Ntry>
  </Ntfctn>
</{root}>
</Document>""".encode()


@pytest.mark.parametrize("version", VERSIONS)
def test_camt054_end_to_end_id_of_a_single_transaction(version: str) -> None:
    data = notification(version, [("E2E-SINGLE", None)], "100.00")
    (statement,) = parse_bytes(data, name=f"n{version}.xml")
    assert statement.extra["version"] == f"001.{version}"
    (line,) = statement.lines
    assert line.end_to_end_id == "E2E-SINGLE"
    assert line.counterparty_name == "PAYER"
    assert line.amount == Decimal("100.00")


@pytest.mark.parametrize("version", VERSIONS)
def test_camt054_batched_transactions_keep_each_end_to_end_id(version: str) -> None:
    data = notification(
        version,
        [("E2E-A", "60.00"), ("E2E-B", "30.00"), ("E2E-C", "10.00")],
        "100.00",
    )
    (statement,) = parse_bytes(data, name=f"n{version}.xml")
    assert [(x.end_to_end_id, x.amount, x.remittance) for x in statement.lines] == [
        ("E2E-A", Decimal("60.00"), "PAYMENT E2E-A"),
        ("E2E-B", Decimal("30.00"), "PAYMENT E2E-B"),
        ("E2E-C", Decimal("10.00"), "PAYMENT E2E-C"),
    ]
    assert all(x.extra["entry_amount"] == Decimal("100.00") for x in statement.lines)


@pytest.mark.parametrize("version", VERSIONS)
def test_camt054_unsplittable_batch_keeps_every_end_to_end_id(version: str) -> None:
    """Without transaction amounts the entry stays one line; no id is lost."""
    data = notification(version, [("E2E-A", None), ("E2E-B", None)], "100.00")
    (statement,) = parse_bytes(data, name=f"n{version}.xml")
    (line,) = statement.lines
    assert line.amount == Decimal("100.00")
    assert line.end_to_end_id == ""  # two payments: neither is the entry's
    assert line.extra["end_to_end_ids"] == ["E2E-A", "E2E-B"]
    assert line.extra["unsplit_transactions"] == 2


# -- multi-currency accounts and 5 decimals ---------------------------------------------------


def test_multi_currency_statement_keeps_each_line_in_its_currency() -> None:
    (statement,) = camt.parse(
        (OURS / "camt.053.001.08-multicurrency.xml").read_bytes(), name="mc.xml"
    )
    assert statement.currency == "CHF"  # no Acct/Ccy: the first balance's
    assert statement.currencies == ["CHF", "SEK", "EUR"]
    assert [(x.currency, x.amount) for x in statement.lines] == [
        ("CHF", Decimal("950.00")),
        ("SEK", Decimal("12500.00")),
        ("EUR", Decimal("420.12345")),
    ]
    assert [(b.currency, b.opening, b.closing) for b in statement.balances] == [
        ("CHF", Decimal("10000.00"), Decimal("10950.00")),
        ("SEK", Decimal("0.00"), Decimal("12500.00")),
        ("EUR", Decimal("-100.00"), Decimal("320.12345")),
    ]
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("10000.00"),
        Decimal("10950.00"),
    )
    assert statement.warnings == []  # every currency adds up, exactly
    data = statement.as_dict()
    assert data["lines"][2]["amount"] == "420.12345"
    assert data["balances"][2]["closing_balance"] == "320.12345"
    assert data["currencies"] == ["CHF", "SEK", "EUR"]


def test_multi_currency_imbalance_names_its_currency() -> None:
    data = (OURS / "camt.053.001.08-multicurrency.xml").read_bytes()
    data = data.replace(
        b'<Amt Ccy="SEK">12500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt>',
        (b'<Amt Ccy="SEK">12499.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt>'),
    )
    (statement,) = camt.parse(data, name="mc.xml")
    (warning,) = statement.warnings
    assert warning.currency == "SEK"
    assert "does not balance in SEK" in warning.message
    assert "difference -1.00 SEK" in warning.message


def test_entry_in_another_currency_than_the_account_is_kept() -> None:
    """The old refusal, "entry in SEK on a CHF account": now a line in SEK."""
    data = (
        (OURS / "camt.053.001.08-multicurrency.xml")
        .read_bytes()
        .replace(b"<Ownr>", b"<Ccy>CHF</Ccy><Ownr>")
    )
    (statement,) = camt.parse(data, name="mc.xml")
    assert statement.currency == "CHF"
    assert statement.lines[1].currency == "SEK"


# -- a document without a statement -----------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "version", "container", "element"),
    [
        ("053", "02", "BkToCstmrStmt", "Stmt"),
        ("053", "01", "BkToCstmrStmtV01", "Stmt"),
        ("052", "08", "BkToCstmrAcctRpt", "Rpt"),
        ("054", "04", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
        ("054", "01", "BkToCstmrDbtCdtNtfctnV01", "Ntfctn"),
    ],
)
def test_group_header_without_statement_is_refused(
    message: str, version: str, container: str, element: str
) -> None:
    data = f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{message}.001.{version}">
<{container}><GrpHdr><MsgId>EMPTY</MsgId><CreDtTm>2026-11-30T10:00:00</CreDtTm></GrpHdr>
</{container}></Document>""".encode()
    with pytest.raises(StatementError) as caught:
        parse_bytes(data, name="empty.xml")
    assert "group header but no" in caught.value.message
    assert f"({element})" in caught.value.message
    assert caught.value.position == f"line 3, /Document/{container}/{element}"
