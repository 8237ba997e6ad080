"""``openar report kpis`` and ``openar report snapshots``: the issue's contract."""

from __future__ import annotations

import json

from openar.cli import main
from tests.clock import ON_TODAY

CONTRACT_KEYS = {
    "dso_countback", "dso_simple", "best_possible_dso", "add", "cei", "pct_current",
    "pct_past_due", "pct_over_90", "promise_kept_rate",
}  # fmt: skip


@ON_TODAY
def test_kpis_json(portfolio, capsys):
    assert main(["report", "kpis", "--as-of", "2026-06-30", "--period-days", "90", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= CONTRACT_KEYS
    assert out["dso_simple"] == 60.4 and out["cei"] == 0.5714
    assert out["inputs"]["receivables"] == "4700.00"
    assert out["cash_collected"] == "3850.00"


@ON_TODAY
def test_kpis_filters_and_text(portfolio, capsys):
    assert main(["report", "kpis", "--entity", "US01", "--collector", "bob"]) == 0
    text = capsys.readouterr().out
    assert "DSO (countback)" in text and "Accounts on hold" in text
    assert main(["report", "kpis", "--segment", "nothing", "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert empty["inputs"]["receivables"] == "0.00" and empty["dso_simple"] is None


@ON_TODAY
def test_a_period_with_no_data_is_an_empty_report(db, capsys):
    assert main(["report", "kpis", "--as-of", "2020-01-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dso_simple"] is None and out["pct_current"] is None


@ON_TODAY
def test_a_future_date_is_refused(db, capsys):
    assert main(["report", "kpis", "--as-of", "2026-07-01", "--json"]) == 1
    assert "future" in capsys.readouterr().err


@ON_TODAY
def test_snapshots_command(portfolio, capsys):
    assert (
        main(["report", "snapshots", "--as-of", "2026-06-30", "--backfill-from", "2026-06-25"]) == 0
    )
    out = capsys.readouterr().out
    assert "5 days rebuilt from history" in out
    assert "snapshot 2026-06-30: 2 accounts, balance 4700" in out


@ON_TODAY
def test_forecast_command(portfolio, capsys):
    assert main(["report", "forecast", "--as-of", "2026-06-30", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["weeks"]) == 13 and out["weeks"][0]["promised"] == "1000.00"
    assert main(["report", "forecast", "--weeks", "0"]) == 1
