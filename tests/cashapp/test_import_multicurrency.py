"""Importing statements of multi-currency accounts, with 5-decimal amounts, and unbalanced
statements accepted on request: receipts in each line's currency, warnings stored and shown, and
nothing half-imported when a file is refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openar import cli
from openar.api_auth.services import token_create
from openar.cashapp.choices import LineStatus
from openar.cashapp.domain import StatementError
from openar.cashapp.models import BankAccount, StatementFile, StatementLine
from openar.cashapp.services import (
    bank_account_add,
    bank_account_update,
    lines_match,
    statement_import,
)
from openar.core.errors import ValidationError
from openar.core.models import AuditEvent
from openar.core.roles import Role
from openar.ledger.models import Application, Receipt
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

from .conftest import STATEMENTS

MULTI = STATEMENTS / "camt-openar" / "camt.053.001.08-multicurrency.xml"
V01 = STATEMENTS / "camt-openar" / "camt.053.001.01-eur.xml"
CAMT = STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files"
UNBALANCED = CAMT / "test-camt053"  # closing 434.16 EUR short of opening + entries
DAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity():
    return EntityFactory(code="CH01", name="OpenAR Schweiz", currency="CHF")


def chf_account(entity, currencies=("SEK", "EUR")) -> BankAccount:
    return bank_account_add(
        entity=entity,
        account_number="CH93 0076 2011 6238 5295 7",
        name="Multi",
        currency="CHF",
        currencies=list(currencies),
        actor="test",
    )


def nothing_written() -> bool:
    return not (
        StatementFile.objects.exists() or StatementLine.objects.exists() or Receipt.objects.exists()
    )


def run(*argv: str) -> int:
    try:
        return cli.main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


# -- multi-currency ------------------------------------------------------------------------------


def test_multi_currency_statement_makes_receipts_in_each_line_currency(entity) -> None:
    chf_account(entity)
    summary = statement_import(path=MULTI, actor="test")
    assert summary.credit_totals == {
        "CHF": Decimal("950.00"),
        "SEK": Decimal("12500.00"),
        "EUR": Decimal("420.12"),
    }
    assert summary.warnings == []
    lines = list(StatementLine.objects.order_by("line_no"))
    assert [(x.currency, x.amount) for x in lines] == [
        ("CHF", Decimal("950.00000")),
        ("SEK", Decimal("12500.00000")),
        ("EUR", Decimal("420.12345")),  # exactly as the bank wrote it
    ]
    receipts = [(x.receipt.currency, x.receipt.amount) for x in lines]
    # the receipt is in the currency's minor units, rounded half-up
    assert receipts == [
        ("CHF", Decimal("950.00")),
        ("SEK", Decimal("12500.00")),
        ("EUR", Decimal("420.12")),
    ]
    assert lines[2].extra["receipt_amount"] == "420.12"
    sfile = StatementFile.objects.get()
    assert sfile.currency == "CHF"
    assert [b["currency"] for b in sfile.balances] == ["CHF", "SEK", "EUR"]
    assert sfile.balances[2]["closing_balance"] == "320.12345"
    assert sfile.warnings == []


def test_line_in_a_currency_the_account_does_not_hold_is_refused(entity) -> None:
    chf_account(entity, currencies=["EUR"])
    with pytest.raises(ValidationError) as caught:
        statement_import(path=MULTI, actor="test")
    assert "has a balance in SEK" in caught.value.message
    assert "holds CHF, EUR" in caught.value.message
    assert caught.value.code == "wrong_currency"
    assert nothing_written()
    bank_account_update(account="CH9300762011623852957", currencies=["EUR", "SEK"], actor="t")
    assert statement_import(path=MULTI, actor="test").receipts_created == 3
    event = AuditEvent.objects.filter(action="bank_account.update").get()
    assert event.before["currencies"] == ["EUR"] and event.after["currencies"] == ["EUR", "SEK"]


def test_sek_line_on_a_chf_account_is_matched_against_the_sek_invoice(entity) -> None:
    chf_account(entity)
    nordic = CustomerFactory(customer_ref="C-NORDIC", name="Nordic Timber AB", entity=entity)
    invoice = DocumentFactory(
        customer=nordic,
        entity=entity,
        document_ref="1800030002",
        currency="SEK",
        amount=Decimal("12500.00"),
        functional_currency="CHF",
    )
    # a CHF invoice with the same number and amount must not take the SEK money
    DocumentFactory(
        customer=CustomerFactory(customer_ref="C-OTHER", name="Other AG", entity=entity),
        entity=entity,
        document_ref="1800030099",
        currency="CHF",
        amount=Decimal("12500.00"),
    )
    statement_import(path=MULTI, actor="test")
    lines_match(as_of=DAY, actor="test")
    sek = StatementLine.objects.get(currency="SEK")
    assert sek.status == LineStatus.AUTO_APPLIED, sek.proposals.values("method", "explanation")
    (application,) = Application.objects.filter(receipt=sek.receipt)
    assert application.document_id == invoice.pk
    assert application.amount == Decimal("12500.00")
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("0.00")


def test_rounding_half_up_and_credits_below_the_minor_unit(entity) -> None:
    bank_account_add(
        entity=entity, account_number="998877", name="EUR", currency="EUR", actor="test"
    )
    entries = "".join(
        f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt><AcctSvcrRef>R{i}</AcctSvcrRef></Ntry>"""
        for i, amount in enumerate(["10.125", "10.135", "0.004"])
    )
    data = f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-30T10:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>998877</Id></Othr></Id></Acct>{entries}</Ntfctn>
</BkToCstmrDbtCdtNtfctn></Document>""".encode()
    summary = statement_import(data=data, name="n.xml", actor="test")
    rows = list(StatementLine.objects.order_by("line_no"))
    assert [x.amount for x in rows] == [
        Decimal("10.12500"),
        Decimal("10.13500"),
        Decimal("0.00400"),
    ]
    assert [x.receipt.amount if x.receipt else None for x in rows] == [
        Decimal("10.13"),  # half-up, not half-even (10.12)
        Decimal("10.14"),
        None,  # 0.004 EUR is no cent: no receipt
    ]
    assert rows[2].status == LineStatus.DEBIT
    assert summary.receipts_created == 2 and summary.credits == 2


# -- unbalanced statements -----------------------------------------------------------------------


@pytest.fixture
def eur_account(db):
    entity = EntityFactory(code="NL01", name="OpenAR Nederland", currency="EUR")
    return bank_account_add(
        entity=entity, account_number="NL77ABNA0574908765", name="ABN", currency="EUR", actor="t"
    )


def test_unbalanced_statement_is_refused_and_nothing_written(eur_account) -> None:
    with pytest.raises(StatementError) as caught:
        statement_import(path=UNBALANCED, actor="test")
    assert "does not balance in EUR" in caught.value.message
    assert "--accept-unbalanced" in caught.value.message
    assert "/Document/BkToCstmrStmt/Stmt" in caught.value.position
    assert nothing_written()


def test_unbalanced_statement_imported_on_request_keeps_its_warning(eur_account) -> None:
    summary = statement_import(path=UNBALANCED, actor="test", accept_unbalanced=True)
    assert summary.lines == 4
    (warning,) = summary.as_dict()["warnings"]
    assert warning["code"] == "unbalanced" and warning["difference"] == "-434.16"
    sfile = StatementFile.objects.get()
    assert sfile.warnings == [warning]
    assert sfile.closing_balance == Decimal("15121.12")


def test_bank_account_setting_accepts_unbalanced_statements(eur_account) -> None:
    bank_account_update(account=eur_account, accept_unbalanced=True, actor="test")
    assert statement_import(path=UNBALANCED, actor="test").warnings[0]["currency"] == "EUR"


def test_cli_import_refuses_then_accepts_unbalanced(
    eur_account, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("import", "statement", str(UNBALANCED), "--json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "rejected" and "does not balance" in out["error"]["message"]
    assert nothing_written()
    assert run("import", "statement", str(UNBALANCED), "--accept-unbalanced", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "imported"
    assert out["warnings"][0]["difference"] == "-434.16"
    assert StatementFile.objects.get().warnings == out["warnings"]


def test_cli_text_mode_prints_the_warning(eur_account, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("import", "statement", str(UNBALANCED), "--accept-unbalanced") == 0
    out = capsys.readouterr().out
    assert "imported." in out
    assert "warning:" in out and "difference -434.16 EUR" in out


def test_cli_account_set_and_list(entity, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            "cashapp", "account", "add", "CH9300762011623852957", "--entity", "CH01",
            "--currency", "CHF", "--currencies", "sek,EUR",
        )
        == 0
    )  # fmt: skip
    assert "(CHF, EUR, SEK)" in capsys.readouterr().out
    assert run("cashapp", "account", "set", "CH9300762011623852957", "--accept-unbalanced") == 0
    assert "unbalanced statements accepted" in capsys.readouterr().out
    assert run("cashapp", "account", "list", "--json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["currencies"] == ["CHF", "EUR", "SEK"] and row["accept_unbalanced"] is True
    assert run("cashapp", "account", "set", "CH9300762011623852957", "--currencies", "XQZ") == 1
    assert "unknown currency 'XQZ'" in capsys.readouterr().err
    assert run("cashapp", "account", "set", "CH9300762011623852957") == 2  # nothing to change


def test_api_accepts_unbalanced_on_request(eur_account) -> None:
    UserFactory(username="cash1", roles=[Role.CASHAPP])
    token = token_create(username="cash1", name="t", actor="test")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    data = UNBALANCED.read_bytes()
    refused = api.post("/api/cash/statements", {"file": SimpleUploadedFile("s.xml", data)})
    assert refused.status_code == 400
    assert "does not balance" in refused.json()["message"]
    assert nothing_written()
    accepted = api.post(
        "/api/cash/statements?accept_unbalanced=true",
        {"file": SimpleUploadedFile("s.xml", data)},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["warnings"][0]["code"] == "unbalanced"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "does not balance in EUR: its closing balance differs"),
    ("es", "no cuadra en EUR"),
])  # fmt: skip
def test_review_screen_shows_the_warning(eur_account, client, language: str, text: str) -> None:
    statement_import(path=UNBALANCED, actor="test", accept_unbalanced=True)
    sfile = StatementFile.objects.get()
    client.force_login(UserFactory(username="cash1", roles=[Role.CASHAPP]))
    client.cookies["django_language"] = language
    html = client.get(f"/cash/?statement={sfile.pk}", HTTP_ACCEPT_LANGUAGE=language)
    body = html.content.decode()
    assert 'id="statement-warnings"' in body
    assert text in body and "-434.16" in body
    listing = client.get("/cash/statements/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("Descuadrado" if language == "es" else "Unbalanced") in listing


# -- nothing is half-imported --------------------------------------------------------------------


def _refusals(tmp_path: Path) -> dict[str, bytes]:
    good = MULTI.read_bytes()
    return {
        "unbalanced": good.replace(b">12500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt>", (
            b">12499.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt>"
        )),
        "no statement": good[: good.index(b"<Stmt>")] + b"</BkToCstmrStmt></Document>",
        "doctype": good.replace(b"<Document", b"<!DOCTYPE d>\n<Document", 1),
        "huge field": good.replace(b"INVOICE 1800030002", b"X" * 20_000),
        "unknown currency": good.replace(b'Ccy="EUR">420', b'Ccy="XQZ">420'),
        "truncated": good[: len(good) // 2],
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["unbalanced", "no statement", "doctype", "huge field", "unknown currency", "truncated"],
)
def test_refused_file_leaves_nothing(entity, tmp_path: Path, case: str) -> None:
    chf_account(entity)
    data = _refusals(tmp_path)[case]
    with pytest.raises((StatementError, ValidationError)) as caught:
        statement_import(data=data, name=f"{case}.xml", actor="test")
    assert caught.value.message.startswith(f"{case}.xml")
    assert nothing_written()
    assert not AuditEvent.objects.filter(action="statement.import").exists()


def test_zip_bomb_import_is_refused_and_nothing_written(entity) -> None:
    import io
    import zipfile

    chf_account(entity)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", MULTI.read_bytes())
        archive.writestr("b.xml", b"<" + b"A" * (20 * 1024 * 1024))
    with pytest.raises(StatementError) as caught:
        statement_import(data=buffer.getvalue(), name="bomb.zip", actor="test")
    assert "member b.xml unzips to more than 100 times" in caught.value.message


EMPTY = b"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>EMPTY</MsgId><CreDtTm>2026-11-30T10:00:00</CreDtTm></GrpHdr>
</BkToCstmrStmt></Document>"""


@pytest.mark.parametrize("command", [("statement", "parse"), ("import", "statement")])
def test_document_without_statement_exits_1_naming_the_xpath(
    entity, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, str]
) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(EMPTY)
    assert run(*command, str(path)) == 1
    err = capsys.readouterr().err
    assert "empty.xml: the document has a group header but no statement (Stmt)" in err
    assert "at line 3, /Document/BkToCstmrStmt/Stmt" in err
    assert nothing_written()


def test_statements_list_shows_every_currency_of_the_statement(entity, client) -> None:
    chf_account(entity)
    statement_import(path=MULTI, actor="test")
    client.force_login(UserFactory(username="cash1", roles=[Role.CASHAPP]))
    body = client.get("/cash/statements/").content.decode()
    table = body[body.index('id="statement-table"') :]  # the account filter names it too
    row = table[table.index("CH9300762011623852957") :]
    row = row[: row.index("</tr>")]
    assert [c for c in ("CHF", "SEK", "EUR") if f'<span class="cur">{c}</span>' in row] == [
        "CHF",
        "SEK",
        "EUR",
    ]
    assert "Unbalanced" not in row
