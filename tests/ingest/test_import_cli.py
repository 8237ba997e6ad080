"""`openar import` contract: JSON keys, exit codes 0/1/2, entity and collector creation."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from openar.cli import main
from openar.ledger.models import Customer, Entity
from tests.clock import ON_TODAY
from tests.ingest.helpers import customers_csv, items_csv

pytestmark = ON_TODAY

CONTRACT_KEYS = ["file", "rows", "created", "updated", "unchanged", "rejected", "errors"]


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_summary_and_exit_zero(entities, tmp_path, capsys):
    path = customers_csv(tmp_path, "C1,Acme,,US01,USD,100,30,en,US,newbie,key,,")
    code, out, _ = run(capsys, "import", "customers", str(path), "--json")
    summary = json.loads(out)
    assert code == 0
    assert list(summary)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert (summary["file"], summary["rows"], summary["created"]) == (str(path), 1, 1)
    assert summary["errors"] == []
    # An unknown collector becomes an inactive collector account and is listed.
    assert summary["collectors_created"] == ["newbie"]
    user = get_user_model().objects.get(username="newbie")
    assert not user.is_active and user.groups.filter(name="collector").exists()
    assert Customer.objects.get().collector == user


def test_rejected_file_exits_one_and_lists_errors(customers, tmp_path, capsys):
    path = items_csv(tmp_path, "US01,C1,I1,invoice,2026-01-01,2026-01-31,USD,1.999,1,,,,")
    code, out, _ = run(capsys, "import", "items", str(path), "--json")
    summary = json.loads(out)
    assert code == 1
    assert summary["rejected"] == 1 and summary["created"] == 0
    assert summary["errors"] == [
        {"line": 2, "field": "amount", "message": "1.999 has more decimals than USD allows (2)"}
    ]


def test_usage_errors_exit_two(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["import", "invoices", str(tmp_path / "x.csv")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["import", "items", str(tmp_path / "missing.csv")])
    assert exc.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_create_entities_uses_first_currency(db, tmp_path, capsys):
    path = customers_csv(
        tmp_path,
        "P1,Pinoy Trading,,PH01,PHP,,30,en,PH,,,,",
        "P2,Manila Foods,,PH01,USD,,30,,PH,,,,",
    )
    code, out, _ = run(capsys, "import", "customers", str(path), "--json")
    assert code == 1 and "unknown entity 'PH01'" in json.loads(out)["errors"][0]["message"]
    code, out, _ = run(capsys, "import", "customers", str(path), "--json", "--create-entities")
    assert code == 0 and json.loads(out)["entities_created"] == ["PH01"]
    assert Entity.objects.get(code="PH01").currency == "PHP"


def test_entity_add_command(db, capsys):
    assert (
        run(capsys, "entity", "add", "CR01", "--name", "Costa Rica SA", "--currency", "CRC")[0] == 0
    )
    code, _, err = run(capsys, "entity", "add", "CR01", "--name", "Again", "--currency", "CRC")
    assert code == 1 and "already exists" in err
    code, _, err = run(capsys, "entity", "add", "XX01", "--name", "Bad", "--currency", "ABC")
    assert code == 1 and "unknown currency 'ABC'" in err
