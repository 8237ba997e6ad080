"""A BAI2 file whose control totals do not add up is handled like a camt or MT940 statement
whose balances do not: ``statement parse`` prints it with the warning (the trailer's line and
both totals) and exits 0; ``import statement`` refuses it, naming the same, and writes nothing,
unless ``--accept-unbalanced`` (or the bank account's setting) is given: then it is imported
with the warning stored. A record count that disagrees (a file cut or spliced) stays an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openar import cli
from openar.cashapp.domain import StatementError
from openar.cashapp.models import StatementFile, StatementLine
from openar.cashapp.services import bank_account_add, bank_account_update, statement_import
from openar.ledger.models import Receipt
from tests.factories import EntityFactory

from .conftest import STATEMENTS

CITI = STATEMENTS / "bai2-moj" / "tests" / "data" / "citi_example.bai2"

pytestmark = pytest.mark.django_db


def run(*argv: str) -> int:
    try:
        return cli.main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.fixture
def gbp_account():
    entity = EntityFactory(code="GB01", name="OpenAR UK", currency="GBP")
    return bank_account_add(
        entity=entity, account_number="77777777", name="Citi", currency="GBP", actor="t"
    )


@pytest.fixture
def off_by_a_penny(tmp_path: Path) -> Path:
    path = tmp_path / "citi-off.bai2"
    path.write_bytes(CITI.read_bytes().replace(b"98,20001,1,12/", b"98,20000,1,12/"))
    return path


def nothing_written() -> bool:
    return not (
        StatementFile.objects.exists() or StatementLine.objects.exists() or Receipt.objects.exists()
    )


def test_parse_prints_it_with_the_warning_and_exits_0(
    off_by_a_penny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("statement", "parse", str(off_by_a_penny), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    (warning,) = out["warnings"]
    assert warning["code"] == "unbalanced" and warning["position"] == "line 13"
    assert (
        "group control total is 20000 in the trailer but the records add up to 20001"
        in (warning["message"])
    )
    assert warning["difference"] == "-0.01" and warning["currency"] == "GBP"
    assert len(out["statements"][0]["lines"]) == 1


def test_import_refuses_it_naming_the_line_and_both_totals(gbp_account, off_by_a_penny) -> None:
    with pytest.raises(StatementError) as caught:
        statement_import(path=off_by_a_penny, actor="test")
    assert "is 20000 in the trailer but the records add up to 20001" in caught.value.message
    assert "--accept-unbalanced" in caught.value.message
    assert caught.value.position == "line 13"
    assert nothing_written()


def test_import_on_request_keeps_the_warning(gbp_account, off_by_a_penny, capsys) -> None:
    assert run("import", "statement", str(off_by_a_penny), "--json") == 1
    assert json.loads(capsys.readouterr().out)["status"] == "rejected"
    assert nothing_written()
    assert run("import", "statement", str(off_by_a_penny), "--accept-unbalanced", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "imported" and out["warnings"][0]["position"] == "line 13"
    assert StatementFile.objects.get().warnings == out["warnings"]


def test_the_bank_account_setting_accepts_it(gbp_account, off_by_a_penny) -> None:
    bank_account_update(account=gbp_account, accept_unbalanced=True, actor="test")
    summary = statement_import(path=off_by_a_penny, actor="test")
    assert summary.warnings[0]["difference"] == "-0.01"


def test_a_wrong_record_count_is_still_refused(gbp_account, tmp_path: Path) -> None:
    path = tmp_path / "citi-cut.bai2"
    path.write_bytes(CITI.read_bytes().replace(b"49,20001,10/", b"49,20001,9/"))
    with pytest.raises(StatementError, match=r"account record count.*"):
        statement_import(path=path, actor="test", accept_unbalanced=True)
    assert nothing_written()
