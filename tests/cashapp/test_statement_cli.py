"""`openar statement parse FILE [--json]` through the real ``openar`` entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openar import cli

from .conftest import STATEMENTS

CAMT = STATEMENTS / "camt-oca" / "account_statement_import_camt" / "test_files"
CONTRACT_KEYS = [
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "bank_reference",
    "end_to_end_id",
    "counterparty_name",
    "counterparty_account",
    "remittance",
]


def test_statement_command_is_registered() -> None:
    assert "openar.cashapp.commands" in cli.COMMAND_MODULES


def run(*argv: str) -> int:
    try:
        return cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code or 0)


def test_json_for_a_real_camt_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = CAMT / "test-camt053-txdtls"
    assert run("statement", "parse", str(path), "--json") == 0
    out = json.loads(capsys.readouterr().out)  # exactly one JSON object
    assert out["file"] == str(path)
    (statement,) = out["statements"]
    assert statement["format"] == "camt.053"
    assert statement["statement_id"] == "20170323123456789012345"
    assert statement["account"] == "CH1111000000123456789"
    assert statement["opening_balance"] == "75960.15"
    assert statement["closing_balance"] == "79443.15"
    first, second = statement["lines"]
    assert list(first)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert first == {
        "booking_date": "2017-03-22",
        "value_date": "2017-03-23",
        "amount": "2187.00",
        "currency": "CHF",
        "bank_reference": "123456CHCAFEBABE",
        "end_to_end_id": "",
        "counterparty_name": "Banque Cantonale Vaudoise",
        "counterparty_account": "CH2222000000123456789",
        "remittance": "CRÉDIT GROUPÉ BVR TRAITEMENT DU 22.03.2017 NUMÉRO CLIENT 01-70884-3 "
        "PAQUET ID: 123456CHCAFEBABE",
        "creditor_reference": "302388292000011111111111111",
        "transaction_code": "PMNT/RCDT/VCOM",
    }
    assert second["amount"] == "1296.00"
    assert second["counterparty_account"] == "CH3333000000123456789"


def test_debits_are_negative_strings_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (CAMT / "test-camt053").read_bytes()
    path = tmp_path / "balanced.xml"
    path.write_bytes(data.replace(b">15121.12<", b">15555.28<"))
    assert run("statement", "parse", str(path), "--format", "camt", "--json") == 0
    lines = json.loads(capsys.readouterr().out)["statements"][0]["lines"]
    assert [line["amount"] for line in lines] == ["-754.25", "-564.05", "-100.00", "1405.31"]


def test_table_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("statement", "parse", str(CAMT / "test-camt054")) == 0
    out = capsys.readouterr().out
    assert "camt.054 20220120000000000000000" in out
    assert "5.00" in out and "Test Customer" in out


def test_malformed_file_exits_1_with_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.xml"
    data = (CAMT / "test-camt054").read_bytes()
    path.write_bytes(data[:1500])
    assert run("statement", "parse", str(path), "--json") == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["file"] == str(path)
    assert set(out) == {"file", "error"}
    assert out["error"]["code"] == "bad_statement"
    assert "malformed XML" in out["error"]["message"]
    assert "line " in out["error"]["message"] and "column " in out["error"]["message"]
    assert "malformed XML" in captured.err


def test_unbalanced_real_file_is_printed_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("statement", "parse", str(CAMT / "test-camt053")) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "1234Test/1" in captured.out and "-754.25 EUR" in captured.out
    (warning,) = [row for row in captured.out.splitlines() if row.startswith("warning: ")]
    assert "does not balance in EUR" in warning and "difference -434.16 EUR" in warning
    assert "/Document/BkToCstmrStmt/Stmt" in warning


def test_unbalanced_real_file_json_has_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("statement", "parse", str(CAMT / "test-camt053"), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    (warning,) = out["warnings"]
    assert warning["code"] == "unbalanced"
    assert warning["statement_id"] == "1234Test/1" and warning["currency"] == "EUR"
    assert "difference -434.16 EUR" in warning["message"]
    assert warning["difference"] == "-434.16"
    assert out["statements"][0]["warnings"] == [warning]
    assert len(out["statements"][0]["lines"]) == 4


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("statement", "parse", str(tmp_path / "nope.xml"), "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no such file" in captured.err


def test_multi_currency_statement_in_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = STATEMENTS / "camt-openar" / "camt.053.001.08-multicurrency.xml"
    assert run("statement", "parse", str(path)) == 0
    out = capsys.readouterr().out
    assert "CHF  opening 10000.00 (2026-11-29)  closing 10950.00" in out
    assert "  SEK  opening 0.00  closing 12500.00" in out
    assert "  EUR  opening -100.00  closing 320.12345" in out
    assert "12500.00 SEK" in out and "420.12345 EUR" in out
    assert "warning:" not in out
    assert run("statement", "parse", str(path), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["warnings"] == []
    (statement,) = data["statements"]
    assert statement["currencies"] == ["CHF", "SEK", "EUR"]
    assert [line["currency"] for line in statement["lines"]] == ["CHF", "SEK", "EUR"]
