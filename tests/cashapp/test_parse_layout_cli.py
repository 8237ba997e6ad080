"""`openar cashapp layout save CODE --from-json F`, `layout list [--json]` and
`openar statement parse FILE --layout CODE`, through the real ``openar`` entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openar import cli
from openar.cashapp.models import BankLayout
from openar.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LAYOUT = {
    "name": "Banco Ejemplo",
    "columns": {"booking_date": "Fecha", "amount": "Importe", "remittance": ["Concepto", "Ref"]},
    "options": {"delimiter": ";", "decimal": ",", "date_format": "%d/%m/%Y", "currency": "EUR"},
}


def run(*argv: str) -> int:
    try:
        return cli.main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def test_save_list_and_parse_with_a_layout(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "layout.json"
    spec.write_text(json.dumps(LAYOUT), encoding="utf-8")
    assert run("cashapp", "layout", "save", "banco-ejemplo", "--from-json", str(spec)) == 0
    layout = BankLayout.objects.get(code="banco-ejemplo")
    assert layout.columns["remittance"] == ["Concepto", "Ref"]
    assert layout.options["decimal"] == ","
    assert AuditEvent.objects.filter(action="bank_layout.save").count() == 1
    capsys.readouterr()

    assert run("cashapp", "layout", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["code"] == "banco-ejemplo" and listed["columns"] == layout.columns

    data = tmp_path / "extracto.csv"
    data.write_text("Fecha;Importe;Concepto;Ref\n30/06/2026;1.234,56;Pago;FRA-7\n", "utf-8")
    assert run("statement", "parse", str(data), "--layout", "banco-ejemplo", "--json") == 0
    [statement] = json.loads(capsys.readouterr().out)["statements"]
    assert statement["lines"][0]["amount"] == "1234.56"
    assert statement["lines"][0]["remittance"] == "Pago FRA-7"


def test_saving_again_updates_the_layout(tmp_path: Path) -> None:
    spec = tmp_path / "layout.json"
    spec.write_text(json.dumps(LAYOUT), encoding="utf-8")
    run("cashapp", "layout", "save", "banco-ejemplo", "--from-json", str(spec))
    changed = {**LAYOUT, "options": {**LAYOUT["options"], "header_row": 3}}
    spec.write_text(json.dumps(changed), encoding="utf-8")
    assert run("cashapp", "layout", "save", "banco-ejemplo", "--from-json", str(spec)) == 0
    assert BankLayout.objects.get().options["header_row"] == 3


def test_a_layout_that_cannot_read_a_file_is_refused(tmp_path: Path, capsys) -> None:
    spec = tmp_path / "layout.json"
    bad = {**LAYOUT, "options": {**LAYOUT["options"], "sign": "columns"}}
    spec.write_text(json.dumps(bad), encoding="utf-8")
    assert run("cashapp", "layout", "save", "bad", "--from-json", str(spec)) == 1
    assert "needs a credit column" in capsys.readouterr().err
    assert not BankLayout.objects.exists()


def test_usage_errors(tmp_path: Path) -> None:
    assert run("cashapp", "layout", "save", "x", "--from-json", str(tmp_path / "none.json")) == 2
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert run("cashapp", "layout", "save", "x", "--from-json", str(tmp_path / "bad.json")) == 2
    (tmp_path / "ok.json").write_text(json.dumps(LAYOUT), encoding="utf-8")
    assert (
        run("cashapp", "layout", "save", "Not A Slug", "--from-json", str(tmp_path / "ok.json"))
        == 1
    )
