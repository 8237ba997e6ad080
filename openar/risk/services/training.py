"""Training the learned engine and backtesting it against what happened."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction

from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.risk import domain, learning
from openar.risk.domain import to_day
from openar.risk.models import Backtest, RiskModel
from openar.risk.selectors import fx_factors, load_history
from openar.risk.services.common import Progress, models_dir, say
from openar.risk.services.scorecard import risk_settings, scoring_config


@dataclass
class TrainResult:
    model: RiskModel | None
    n_train: int
    seconds: float
    error: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        m = self.model
        return {
            "ok": not self.error,
            "scope": m.scope if m else None,
            "version": m.version if m else None,
            "path": m.path if m else None,
            "n_train": self.n_train,
            "seconds": round(self.seconds, 2),
            "error": self.error or None,
            "metrics": self.metrics,
        }


def _late_days() -> int:
    return risk_settings().late_days


def model_train(
    *, as_of: dt.date, actor: Any, entity: str | None = None, progress: Progress = None
) -> TrainResult:
    """Train the learned engine on the history up to ``as_of`` (one entity or all) and make it
    the active model of that scope. A failed run records why and leaves the previous model
    active."""
    started = time.perf_counter()
    scope = entity or "all"
    late_days = _late_days()
    version = (RiskModel.objects.filter(scope=scope).order_by("-version").values_list(
        "version", flat=True).first() or 0) + 1  # fmt: skip
    path = models_dir() / scope / f"v{version:04d}.pkl"
    n_train = 0
    try:
        say(progress, "loading history")
        h = load_history(as_of=as_of, since=None, entity_code=entity)
        until = to_day(as_of)
        ts = learning.training_set(
            h,
            until=until,
            fx_for_day=lambda day: fx_factors(h, day),
            late_days=late_days,
            progress=progress,
        )
        n_train = len(ts.days_late)
        say(progress, f"fitting on {n_train} rows")
        fitted = learning.fit(ts, late_days=late_days)
        say(progress, "fitted")
        in_sample_days, _ = learning.predict(fitted, ts.X[:50000])
        metrics = {
            "n_train": n_train,
            "late_share": round(float(ts.late.mean()), 4),
            "train_mae_days": round(
                float(np.mean(np.abs(in_sample_days - ts.days_late[:50000]))), 2
            ),
        }
        bundle = learning.new_bundle(fitted, h=h, scope=scope, version=version, trained_as_of=as_of)
        bundle["metrics"] = metrics
        learning.save_bundle(bundle, path)
        learning.load_bundle(path)  # what scoring will read must load
    except Exception as exc:  # any failure: record it, keep the previous model
        path.unlink(missing_ok=True)
        message = str(exc) or exc.__class__.__name__
        with transaction.atomic():
            failed = RiskModel.objects.create(
                scope=scope, version=version, format_version=learning.MODEL_FORMAT_VERSION,
                path=str(path), status="failed", trained_as_of=as_of, n_train=n_train,
                error=message[:2000],
            )  # fmt: skip
            audit_record(
                actor=actor,
                action="risk.model_train_failed",
                object_type="risk.RiskModel",
                object_id=failed.pk,
                summary=f"training {scope} failed: {message}"[:500],
            )
        return TrainResult(None, n_train, time.perf_counter() - started, error=message)
    with transaction.atomic():
        RiskModel.objects.filter(scope=scope, status="active").update(status="retired")
        row = RiskModel.objects.create(
            scope=scope, version=version, format_version=learning.MODEL_FORMAT_VERSION,
            path=str(path), status="active", trained_as_of=as_of, n_train=n_train, metrics=metrics,
        )  # fmt: skip
        audit_record(
            actor=actor, action="risk.model_train", object_type="risk.RiskModel", object_id=row.pk,
            summary=f"trained {row.label} on {n_train} rows as of {as_of}", after=metrics,
        )  # fmt: skip
    return TrainResult(row, n_train, time.perf_counter() - started, metrics=metrics)


def backtest_run(
    *,
    train_until: dt.date,
    test_until: dt.date,
    actor: Any,
    entity: str | None = None,
    progress: Progress = None,
) -> Backtest:
    """Train on the history up to ``train_until``, predict the invoices issued after it up to
    ``test_until`` (customer features as of ``train_until``), compare with the outcome known on
    ``test_until`` and with two baselines; store and return the result."""
    if test_until <= train_until:
        raise ValidationError("test-until must be after train-until", field="test_until")
    late_days = _late_days()
    threshold = risk_settings().late_probability_threshold
    h = load_history(as_of=test_until, since=None, entity_code=entity)
    d1, d2 = to_day(train_until), to_day(test_until)
    say(progress, "building the training set")
    ts = learning.training_set(
        h, until=d1, fx_for_day=lambda day: fx_factors(h, day), late_days=late_days,
        progress=progress,
    )  # fmt: skip
    X, docs, feats = learning.build_rows(
        h, day=d1, fx=fx_factors(h, d1), late_days=late_days, horizon=d2 - d1, include_open=False
    )
    days, late, known = learning.labels(h, docs, d2, late_days)
    due = h.effective_due()[docs]
    keep = known & (due < d2)
    X, days, late, docs = X[keep], days[keep], late[keep], docs[keep]
    engine = "model"
    details: dict[str, Any] = {"late_days": late_days, "probability_threshold": threshold}
    try:
        fitted = learning.fit(ts, late_days=late_days)
        bundle = {**fitted, "currencies": h.currencies, "entities": h.entities}
        pred_days, p = learning.predict(bundle, X.astype(np.float32))
    except learning.NotEnoughHistory as exc:
        # Too little history for a model: the backtest measures the scorecard instead.
        engine = "scorecard"
        details["fallback"] = str(exc)
        config, _ = scoring_config(h)
        sc, _ = domain.scorecard_points(feats, config.bands, config.base_points)
        cust = h.doc_cust[docs]
        pred_days = np.nan_to_num(feats["mean_late"][cust], nan=0.0)
        p = domain.late_probability_from_score(sc[cust])
    n_test = len(days)
    train_mean = float(np.mean(ts.days_late)) if len(ts.days_late) else 0.0
    customer_mean = np.nan_to_num(feats["mean_late"][h.doc_cust[docs]], nan=train_mean)

    def mae(pred: np.ndarray) -> float | None:
        return round(float(np.mean(np.abs(pred - days))), 3) if n_test else None

    flagged = p >= threshold
    tp = int((flagged & (late == 1)).sum())
    precision = round(tp / int(flagged.sum()), 4) if flagged.any() else None
    recall = round(tp / int(late.sum()), 4) if late.any() else None
    auc = learning.auc_score(late, p) if n_test else None
    details.update(
        late_share=round(float(late.mean()), 4) if n_test else None,
        baseline_terms_auc=None,
        baseline_customer_auc=learning.auc_score(late, customer_mean) if n_test else None,
    )
    with transaction.atomic():
        row = Backtest.objects.create(
            train_until=train_until, test_until=test_until, scope=entity or "all", engine=engine,
            n_train=len(ts.days_late), n_test=n_test, mae_days=mae(pred_days),
            auc=None if auc is None else round(auc, 4), precision=precision, recall=recall,
            baseline_terms_mae=mae(np.zeros(n_test)), baseline_customer_mae=mae(customer_mean),
            details=details, actor=str(getattr(actor, "username", actor) or ""),
        )  # fmt: skip
        audit_record(actor=actor, action="risk.backtest", object_type="risk.Backtest",
                     object_id=row.pk, summary=f"backtest {train_until}..{test_until}: "
                     f"mae {row.mae_days} vs terms {row.baseline_terms_mae} / customer "
                     f"{row.baseline_customer_mae}, auc {row.auc}")  # fmt: skip
    return row


def backtest_json(row: Backtest) -> dict[str, Any]:
    """The ``openar score evaluate --json`` contract."""
    return {
        "n_train": row.n_train,
        "n_test": row.n_test,
        "mae_days": row.mae_days,
        "auc": row.auc,
        "precision": row.precision,
        "recall": row.recall,
        "baseline_terms_mae": row.baseline_terms_mae,
        "baseline_customer_mae": row.baseline_customer_mae,
        "engine": row.engine,
    }
