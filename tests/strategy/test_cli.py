"""`openar strategy ...`: import (dry run, errors exit 1), export, simulate, evaluate."""

from __future__ import annotations

import json

import pytest
import yaml

from openar.cli import main
from openar.strategy.models import Action, Strategy
from tests.strategy.helpers import account

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = """
version: 1
strategies:
  - code: std
    name: Standard
    is_default: true
    active: true
    steps:
      - {code: notice, kind: email, owner_role: collector, days_from: 1, template: notice}
      - {code: call, kind: call, owner_role: collector, days_from: 15}
"""


def test_import_export_simulate_evaluate(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD)
    assert main(["strategy", "import", str(path), "--dry-run"]) == 0
    assert "1 created, 0 updated, 0 unchanged (dry run" in capsys.readouterr().out
    assert not Strategy.objects.exists()
    assert main(["strategy", "import", str(path)]) == 0
    assert Strategy.objects.get().steps.count() == 2

    out = tmp_path / "out.json"
    assert main(["strategy", "export", "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["strategies"][0]["steps"][1]["code"] == "call"
    capsys.readouterr()
    assert main(["strategy", "export"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["strategies"][0]["code"] == "std"

    account(days_past_due=20, customer_ref="C1")
    assert main(["strategy", "simulate", "std", "--as-of", "2026-06-30", "--json"]) == 0
    sim = json.loads(capsys.readouterr().out)
    assert sim["new_actions"] == 1 and sim["actions"][0]["customer_ref"] == "C1"
    assert not Action.objects.exists()
    assert main(["strategy", "simulate", "std", "--as-of", "2026-06-30"]) == 0
    assert "1 new actions" in capsys.readouterr().out

    assert main(["strategy", "evaluate", "--as-of", "2026-06-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["actions_created"] == 1
    assert main(["strategy", "evaluate", "--as-of", "2026-06-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["actions_created"] == 0
    assert main(["strategy", "list"]) == 0
    assert "std" in capsys.readouterr().out


def test_invalid_file_exits_1_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("owner_role: collector, days_from: 15", "days_from: 15"))
    assert main(["strategy", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error: strategies[0].steps[1].owner_role: a step needs an owner role" in err
    assert "nothing changed" in err
    assert not Strategy.objects.exists()
    path.write_text("strategies: [")
    assert main(["strategy", "import", str(path), "--json"]) == 1
    assert "not valid YAML or JSON" in capsys.readouterr().err
    assert main(["strategy", "simulate", "nope"]) == 1
    assert "no strategy 'nope'" in capsys.readouterr().err


def test_warnings_exit_0(tmp_path, capsys):
    path = tmp_path / "warn.yaml"
    path.write_text(
        GOOD.replace(
            "days_from: 15}",
            "days_from: 15}\n"
            "      - {code: call2, kind: call, owner_role: collector, days_from: 15}",
        )
    )
    assert main(["strategy", "import", str(path)]) == 0
    assert "warning: " in capsys.readouterr().err
