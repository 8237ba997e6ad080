"""`statement_import`: real bank files become statement lines and receipts; bad input changes
nothing (unknown or wrong account, duplicate file, unbalanced, unknown currency, truncated)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from openar.activity.models import AccountEvent
from openar.cashapp.choices import LineStatus
from openar.cashapp.domain import StatementError
from openar.cashapp.models import StatementFile, StatementLine
from openar.cashapp.services import bank_account_add, lines_match, statement_import
from openar.core.errors import Conflict, ValidationError
from openar.core.models import AuditEvent
from openar.ledger.models import Receipt
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory

from .conftest import STATEMENTS

CAMT = STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files"
BAI2 = STATEMENTS / "bai2-moj" / "tests" / "data"
MT940 = STATEMENTS / "mt940-wolph" / "mt940_tests"
OFX = STATEMENTS / "ofx-ofxtools" / "tests" / "data"

# Files that balance, with the account they are for, its currency, and (lines, credits).
REAL_FILES = [
    (CAMT / "test-camt053-txdtls", "CH1111000000123456789", "CHF", 2, 2),
    (CAMT / "test-camt054", "NL77ABNA0574908765", "EUR", 1, 1),
    (BAI2 / "citi_example.bai2", "77777777", "GBP", 1, 1),
    (BAI2 / "nwb_example.bai2", "88888888 600004", "GBP", 5, 1),
    (BAI2 / "svb_us_example.bai2", "1234567890", "USD", 2, 2),
    (MT940 / "mBank" / "mt940.sta", "PL29114010810000267002001002", "PLN", 3, 3),
    (MT940 / "sberbank" / "171011_01234945.sta", "1966315302010001", "HUF", 3, 0),
    (OFX / "stmtrs.ofx", "999988", "USD", 2, 0),
]


@pytest.fixture
def entity(db):
    return EntityFactory(code="EU01", name="OpenAR Europe", currency="EUR")


def register(entity, account: str, currency: str):
    return bank_account_add(
        entity=entity, account_number=account, name="test", currency=currency, actor="test"
    )


@pytest.mark.parametrize(("path", "account", "currency", "lines", "credits"), REAL_FILES)
def test_real_files_import(entity, path: Path, account, currency, lines, credits) -> None:
    register(entity, account, currency)
    summary = statement_import(path=path, actor="test")
    assert summary.lines == lines
    assert summary.credits == credits
    assert summary.receipts_created == credits
    assert StatementLine.objects.count() == lines
    receipts = Receipt.objects.filter(source="bank")
    assert receipts.count() == credits
    for line in StatementLine.objects.select_related("receipt"):
        if line.amount > 0:
            assert line.status == LineStatus.NEW
            assert line.receipt is not None
            assert line.receipt.amount == line.amount
            assert line.receipt.customer is None
            assert line.receipt.entity == entity
            assert line.receipt.remittance == line.remittance
        else:
            assert line.status == LineStatus.DEBIT
            assert line.receipt is None
    assert AuditEvent.objects.filter(action="statement.import").count() == summary.statements


def test_camt_txdtls_keeps_bank_fields(entity) -> None:
    register(entity, "CH1111000000123456789", "CHF")
    statement_import(path=CAMT / "test-camt053-txdtls", actor="test")
    line = StatementLine.objects.get(line_no=1)
    assert line.bank_reference == "123456CHCAFEBABE"
    assert line.counterparty_name == "Banque Cantonale Vaudoise"
    assert line.counterparty_account == "CH2222000000123456789"
    assert line.creditor_reference == "302388292000011111111111111"
    assert line.amount == Decimal("2187.00")
    sfile = StatementFile.objects.get()
    assert sfile.file_format == "camt.053"
    assert sfile.closing_balance == Decimal("79443.15")


def test_same_file_under_another_name_is_refused(entity, tmp_path) -> None:
    register(entity, "CH1111000000123456789", "CHF")
    statement_import(path=CAMT / "test-camt053-txdtls", actor="test")
    copy = tmp_path / "renamed.xml"
    copy.write_bytes((CAMT / "test-camt053-txdtls").read_bytes())
    with pytest.raises(Conflict, match="already imported") as err:
        statement_import(path=copy, actor="test")
    assert err.value.code == "duplicate_file"
    assert StatementLine.objects.count() == 2
    assert Receipt.objects.count() == 2


def test_unknown_bank_account_is_refused(entity) -> None:
    register(entity, "DE89370400440532013000", "EUR")
    with pytest.raises(ValidationError, match=r"NL77ABNA0574908765.*not one of our accounts"):
        statement_import(path=CAMT / "test-camt054", actor="test")
    assert not StatementFile.objects.exists()
    assert not Receipt.objects.exists()


def test_account_in_another_currency_is_refused(entity) -> None:
    register(entity, "NL77ABNA0574908765", "USD")
    with pytest.raises(ValidationError, match="in EUR but account") as err:
        statement_import(path=CAMT / "test-camt054", actor="test")
    assert err.value.code == "wrong_currency"
    assert not StatementLine.objects.exists()


def test_multi_statement_file_is_all_or_nothing(entity) -> None:
    # The blank-trailer BAI2 file holds two accounts; only one is ours.
    register(entity, "12345", "USD")
    with pytest.raises(ValidationError, match="54321"):
        statement_import(path=BAI2 / "account_trailer_amount_blank_example.bai2", actor="test")
    assert not StatementFile.objects.exists()
    register(entity, "54321", "USD")
    summary = statement_import(
        path=BAI2 / "account_trailer_amount_blank_example.bai2", actor="test"
    )
    assert summary.statements == 2
    assert StatementFile.objects.count() == 2


def test_unbalanced_statement_is_refused(entity) -> None:
    register(entity, "NL77ABNA0574908765", "EUR")
    with pytest.raises(StatementError, match="does not balance"):
        statement_import(path=CAMT / "test-camt053", actor="test")
    assert not StatementFile.objects.exists()


def test_unknown_currency_is_refused(entity) -> None:
    register(entity, "45050050/76198810", "EUR")
    with pytest.raises(StatementError, match="unknown currency 'DEM'"):
        statement_import(path=MT940 / "cmxl" / "mt940.sta", actor="test")
    assert not StatementFile.objects.exists()


def test_truncated_file_is_refused_with_position(entity) -> None:
    register(entity, "CH1111000000123456789", "CHF")
    data = (CAMT / "test-camt053-txdtls").read_bytes()
    with pytest.raises(StatementError) as err:
        statement_import(data=data[: len(data) // 2], name="cut.xml", actor="test")
    assert "cut.xml" in err.value.message
    assert " at " in err.value.message  # the position
    assert not StatementFile.objects.exists()


def test_debit_reversing_an_earlier_payment_is_a_bounce(entity) -> None:
    register(entity, "ES7621000418000000000001", "EUR")
    customer = CustomerFactory(entity=entity, currency="EUR", name="Acme Foods S.L.")
    DocumentFactory(
        customer=customer,
        entity=entity,
        currency="EUR",
        amount=Decimal("250.00"),
        document_ref="INVES00000042",
    )
    from openar.demo.bank_formats import write_camt053
    from openar.demo.bank_statements import GeneratedStatement, Line

    day = dt.date(2026, 6, 29)
    first = GeneratedStatement(
        account="ES7621000418000000000001",
        entity_code="EU01",
        currency="EUR",
        statement_id="S1",
        opening_balance=Decimal("1000.00"),
        opening_date=day,
        closing_date=day,
        lines=[
            Line(
                Decimal("250.00"),
                "EUR",
                day,
                day,
                "BR1",
                "E2E-1",
                "ACME FOODS",
                "ES9100490001512345678901",
                "INVES00000042",
            )
        ],
    )
    statement_import(data=write_camt053(first), name="s1.xml", actor="test")
    lines_match(as_of=day, actor="test")
    assert StatementLine.objects.get(end_to_end_id="E2E-1").status == LineStatus.AUTO_APPLIED
    later = dt.date(2026, 6, 30)
    second = GeneratedStatement(
        account="ES7621000418000000000001",
        entity_code="EU01",
        currency="EUR",
        statement_id="S2",
        opening_balance=first.closing_balance,
        opening_date=later,
        closing_date=later,
        lines=[
            Line(
                Decimal("-250.00"),
                "EUR",
                later,
                later,
                "BR2",
                "E2E-1",
                "ACME FOODS",
                "ES9100490001512345678901",
                "RETURNED AC04 ACCOUNT CLOSED",
            )
        ],
    )
    summary = statement_import(data=write_camt053(second), name="s2.xml", actor="test")
    assert summary.bounced == 1
    event = AccountEvent.objects.get(kind="payment_bounced")
    assert event.customer == customer
    debit = StatementLine.objects.get(bank_reference="BR2")
    assert debit.status == LineStatus.DEBIT
    assert debit.extra["reverses_line"] == StatementLine.objects.get(bank_reference="BR1").pk


def test_csv_with_a_saved_layout_for_its_account(entity) -> None:
    from openar.cashapp.layouts import layout_save

    account = register(entity, "ES0000111122223333444455", "EUR")
    layout_save(
        code="santander",
        name="Santander",
        bank_account=account,
        actor="test",
        columns={
            "booking_date": "Fecha",
            "amount": "Importe",
            "counterparty_name": "Ordenante",
            "remittance": ["Concepto"],
        },
        options={"delimiter": ";", "date_format": "%d/%m/%Y", "decimal": ","},
    )
    data = (
        b"Fecha;Importe;Ordenante;Concepto\n"
        b"29/06/2026;1.250,00;ACME SL;FACTURA INVES00000101\n"
        b"30/06/2026;-10,00;BANCO;COMISION\n"
    )
    summary = statement_import(data=data, name="santander.csv", layout="santander", actor="test")
    assert (summary.lines, summary.credits, summary.debits) == (2, 1, 1)
    receipt = Receipt.objects.get()
    assert receipt.amount == Decimal("1250.00")
    assert receipt.receipt_date == dt.date(2026, 6, 29)
    assert receipt.remittance == "FACTURA INVES00000101"


def test_statement_fragment_is_refused_with_a_clear_message(entity) -> None:
    # A bare :61:/:86: snippet has no balances and names no currency.
    register(entity, "DE89370400440532013000", "EUR")
    path = MT940 / "cmxl" / "statement_line.sta"
    with pytest.raises(StatementError, match="is a fragment"):
        statement_import(path=path, fmt="mt940", actor="test")
    assert not StatementFile.objects.exists()
