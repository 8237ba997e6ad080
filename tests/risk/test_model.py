"""The learned engine: training, versioned files, refusal of old files, failed training keeps
the previous model, thin-history fallback, engine per entity, and the evaluate JSON contract."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from openar.cli import main
from openar.ledger.models import Customer
from openar.risk import learning
from openar.risk.models import Backtest, CustomerScore, EntityEngine, RiskModel
from openar.risk.reasons import reason_text
from openar.risk.services import model_train, scores_refresh_run
from tests.factories import CustomerFactory, EntityFactory

from .conftest import AS_OF

START = AS_OF - dt.timedelta(days=420)


def _portfolio(builder, entity, customers: int = 16, invoices: int = 24) -> list[Customer]:
    made = []
    for k in range(customers):
        c = CustomerFactory(entity=entity)
        lates = [(k * 5 + (i * 7) % 11) for i in range(invoices)]
        builder.series(c, count=invoices, late=lates, first=START, every=16)
        made.append(c)
    return made


def test_train_writes_a_versioned_file_and_scores_with_it(builder, entity):
    customers = _portfolio(builder, entity)
    newcomer = CustomerFactory(entity=entity)
    builder.invoice(newcomer, issued=AS_OF - dt.timedelta(days=5), late=None)
    result = model_train(as_of=AS_OF, actor="test")
    assert result.error == ""
    assert result.model is not None and result.model.status == "active"
    assert result.model.version == 1
    bundle = learning.load_bundle(result.model.path)
    assert bundle["format_version"] == learning.MODEL_FORMAT_VERSION
    refresh = scores_refresh_run(as_of=AS_OF, actor="test")
    assert refresh.by_engine.get("model", 0) == len(customers)
    best = CustomerScore.objects.get(customer=customers[0], as_of=AS_OF)
    worst = CustomerScore.objects.get(customer=customers[-1], as_of=AS_OF)
    assert best.engine == "model" and best.model_version == "all-v1"
    assert best.score > worst.score
    assert len(worst.reasons) == 3
    assert all(reason_text(r) != r["code"] for r in worst.reasons)
    # Too little history for the model: the scorecard, and the customer is told why.
    fresh = CustomerScore.objects.get(customer=newcomer, as_of=AS_OF)
    assert fresh.engine == "scorecard"
    assert fresh.reasons[0]["code"] == "no_history"
    # A second training is version 2 and retires the first.
    again = model_train(as_of=AS_OF, actor="test")
    assert again.model is not None and again.model.version == 2
    assert RiskModel.objects.get(version=1).status == "retired"


def test_failed_training_keeps_the_previous_model(builder, entity, monkeypatch):
    _portfolio(builder, entity, customers=12, invoices=20)
    first = model_train(as_of=AS_OF, actor="test")
    assert first.model is not None

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(learning, "save_bundle", broken)
    failed = model_train(as_of=AS_OF, actor="test")
    assert failed.error == "disk full"
    assert failed.model is None
    rows = {m.version: m.status for m in RiskModel.objects.all()}
    assert rows == {1: "active", 2: "failed"}
    monkeypatch.undo()
    assert scores_refresh_run(as_of=AS_OF, actor="test").by_engine.get("model", 0) > 0


def test_training_without_history_fails_cleanly(customer, builder):
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=40), late=2)
    result = model_train(as_of=AS_OF, actor="test")
    assert "at least" in result.error
    assert not RiskModel.objects.filter(status="active").exists()


def test_a_model_file_of_an_older_format_is_refused(builder, entity, tmp_path):
    _portfolio(builder, entity, customers=12, invoices=20)
    trained = model_train(as_of=AS_OF, actor="test")
    assert trained.model is not None
    path = trained.model.path
    with open(path, "rb") as fh:
        bundle = pickle.load(fh)
    bundle["format_version"] = learning.MODEL_FORMAT_VERSION - 1
    with open(path, "wb") as fh:
        pickle.dump(bundle, fh)
    with pytest.raises(learning.ModelFileError, match="format version 1; this OpenAR reads"):
        learning.load_bundle(path)
    result = scores_refresh_run(as_of=AS_OF, actor="test")
    assert result.by_engine == {"scorecard": 12}
    assert any("Retrain with 'openar score train'" in w for w in result.warnings)
    score = CustomerScore.objects.filter(as_of=AS_OF).first()
    assert score is not None
    assert "model_unavailable" in [r["code"] for r in score.reasons]


def test_engine_is_chosen_per_entity(builder, entity):
    _portfolio(builder, entity, customers=12, invoices=20)
    other = EntityFactory(code="MX01", name="MX", currency="MXN")
    mx = CustomerFactory(entity=other, currency="MXN")
    builder.series(mx, count=10, late=3, first=START)
    assert model_train(as_of=AS_OF, actor="test").model is not None
    EntityEngine.objects.create(entity=other, engine="scorecard")
    scores_refresh_run(as_of=AS_OF, actor="test")
    assert CustomerScore.objects.get(customer=mx, as_of=AS_OF).engine == "scorecard"
    assert CustomerScore.objects.filter(as_of=AS_OF, engine="model").count() == 12


def test_evaluate_json_contract(builder, entity, capsys):
    _portfolio(builder, entity, customers=16, invoices=24)
    code = main(["score", "evaluate", "--train-until", "2026-03-31", "--test-until",
                 "2026-06-30", "--json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["n_train", "n_test", "mae_days", "auc", "precision", "recall",
                         "baseline_terms_mae", "baseline_customer_mae", "engine"]  # fmt: skip
    assert out["engine"] == "model"
    assert out["n_train"] > 0 and out["n_test"] > 0
    assert out["mae_days"] < out["baseline_terms_mae"]
    assert Backtest.objects.count() == 1


def test_evaluate_with_no_history_uses_the_scorecard(customer, builder, capsys):
    builder.invoice(customer, issued=dt.date(2026, 4, 10), late=5)
    assert main(["score", "evaluate", "--train-until", "2026-03-31", "--test-until",
                 "2026-06-30", "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "scorecard"
    assert out["n_test"] == 1


def test_evaluate_refuses_dates_in_the_wrong_order(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["score", "evaluate", "--train-until", "2026-06-30", "--test-until", "2026-03-31"])
    assert exc.value.code == 2
