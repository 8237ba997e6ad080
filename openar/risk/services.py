"""Writes of the risk app: score refresh, training, backtests, bureau ratings, the scorecard."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from openar.core.audit import audit_record
from openar.core.bulk import copy_rows
from openar.core.errors import NotFound, ValidationError
from openar.core.money import quantize
from openar.ledger.models import Customer, Entity
from openar.risk import domain, learning
from openar.risk.domain import (
    DEFAULT_BANDS,
    DEFAULT_BASE_POINTS,
    DEFAULT_CUTOFFS,
    LOOKBACK_DAYS,
    SCORECARD_FEATURES,
    Band,
    from_day,
    to_day,
)
from openar.risk.models import (
    Backtest,
    CreditRating,
    CustomerScore,
    EntityEngine,
    ItemPrediction,
    RiskModel,
    RiskSettings,
    Scorecard,
    ScorecardBand,
)
from openar.risk.scoring import ScoringConfig, score_portfolio
from openar.risk.selectors import customer_to_reporting, fx_factors, load_history

Progress = Callable[[str], None] | None
DEFAULT_SCORECARD = "default"


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "risk" / "models"


# ---------------------------------------------------------------------------- settings


def risk_settings() -> RiskSettings:
    """The scoring settings row, created with the defaults on first use."""
    row, _ = RiskSettings.objects.get_or_create(
        id=1, defaults={"class_cutoffs": list(DEFAULT_CUTOFFS)}
    )
    if not row.class_cutoffs:
        row.class_cutoffs = list(DEFAULT_CUTOFFS)
    return row


def scorecard_default() -> Scorecard:
    """The active scorecard, created from the built-in points table on first use."""
    card = Scorecard.objects.filter(active=True).order_by("id").first()
    if card is not None:
        return card
    with transaction.atomic():
        card, created = Scorecard.objects.get_or_create(
            code=DEFAULT_SCORECARD,
            defaults={"name": "Default scorecard", "base_points": DEFAULT_BASE_POINTS},
        )
        if created:
            ScorecardBand.objects.bulk_create(
                ScorecardBand(
                    scorecard=card, feature=b.feature, low=b.low, high=b.high,
                    missing=b.missing, points=b.points, order=i,
                )
                for i, b in enumerate(DEFAULT_BANDS)
            )  # fmt: skip
    return card


def scorecard_bands(card: Scorecard) -> list[Band]:
    return [
        Band(b.feature, b.low, b.high, b.points, b.missing)
        for b in card.bands.order_by("order", "id")
    ]


@dataclass(frozen=True)
class BandInput:
    feature: str
    low: float | None
    high: float | None
    points: int
    missing: bool = False


def _check_cutoffs(cutoffs: list[int]) -> list[int]:
    if len(cutoffs) != 4:
        raise ValidationError(
            "give four cut-offs: the lowest score of A, B, C and D", field="class_cutoffs"
        )
    if any(not 0 <= c <= 1000 for c in cutoffs) or cutoffs != sorted(cutoffs, reverse=True):
        raise ValidationError(
            "cut-offs must run from high to low, each between 0 and 1000", field="class_cutoffs"
        )
    return cutoffs


@transaction.atomic
def scorecard_update(
    *,
    actor: Any,
    base_points: int,
    bands: Iterable[BandInput],
    class_cutoffs: list[int] | None = None,
    late_days: int | None = None,
    min_history: int | None = None,
    engines: dict[str, str] | None = None,
    late_probability_threshold: float | None = None,
) -> Scorecard:
    """Replace the active scorecard's points table (and, when given, the class cut-offs, the late
    threshold, the history the model needs and the engine of each entity)."""
    card = scorecard_default()
    rows = list(bands)
    for n, band in enumerate(rows, start=1):
        if band.feature not in SCORECARD_FEATURES:
            raise ValidationError(f"band {n}: unknown feature {band.feature!r}", field="feature")
        bounded = not band.missing and band.low is not None and band.high is not None
        if bounded and band.low >= band.high:  # type: ignore[operator]
            raise ValidationError(f"band {n}: 'from' must be below 'to'", field="low")
        if not -1000 <= band.points <= 1000:
            raise ValidationError(
                f"band {n}: points must be between -1000 and 1000", field="points"
            )
    if not 0 <= base_points <= 1000:
        raise ValidationError("base points must be between 0 and 1000", field="base_points")
    before = {"base_points": card.base_points, "bands": [str(b) for b in card.bands.all()]}
    card.base_points = base_points
    card.save(update_fields=["base_points", "updated_at"])
    card.bands.all().delete()
    ScorecardBand.objects.bulk_create(
        ScorecardBand(scorecard=card, feature=b.feature, low=b.low, high=b.high,
                      missing=b.missing, points=b.points, order=i)
        for i, b in enumerate(rows)
    )  # fmt: skip
    conf = risk_settings()
    if class_cutoffs is not None:
        conf.class_cutoffs = _check_cutoffs(list(class_cutoffs))
    if late_days is not None:
        if not 1 <= late_days <= 365:
            raise ValidationError("late threshold must be 1-365 days", field="late_days")
        conf.late_days = late_days
    if min_history is not None:
        conf.min_history = min_history
    if late_probability_threshold is not None:
        if not 0 < late_probability_threshold < 1:
            raise ValidationError(
                "the late flag probability must be between 0 and 1", field="late_probability"
            )
        conf.late_probability_threshold = late_probability_threshold
    conf.save()
    for code, engine in (engines or {}).items():
        entity = Entity.objects.filter(code=code).first()
        if entity is None:
            raise ValidationError(f"no entity {code!r}", field="engine")
        if engine not in ("auto", "scorecard", "model"):
            raise ValidationError(f"unknown engine {engine!r}", field="engine")
        EntityEngine.objects.update_or_create(entity=entity, defaults={"engine": engine})
    audit_record(
        actor=actor,
        action="risk.scorecard_update",
        object_type="risk.Scorecard",
        object_id=card.pk,
        summary=f"scorecard {card.code}: {len(rows)} bands, base {base_points}",
        before=before,
        after={"base_points": base_points, "bands": [str(b) for b in card.bands.all()]},
    )
    return card


# ---------------------------------------------------------------------------- models


def active_models() -> dict[str, RiskModel]:
    return {m.scope: m for m in RiskModel.objects.filter(status="active")}


def _scoring_config(h: domain.History) -> tuple[ScoringConfig, list[str]]:
    conf = risk_settings()
    card = scorecard_default()
    policies_by_code = dict(EntityEngine.objects.values_list("entity__code", "engine"))
    actives = active_models()
    warnings: list[str] = []
    loaded: dict[str, tuple[dict[str, Any], str] | None] = {}
    problems: dict[str, str] = {}
    for scope, row in actives.items():
        try:
            loaded[scope] = (learning.load_bundle(row.path), row.label)
        except learning.ModelFileError as exc:
            loaded[scope] = None
            problems[scope] = str(exc)
            warnings.append(f"{exc}; scoring with the scorecard meanwhile")
    policies, bundles, model_problems = {}, {}, {}
    for i, code in enumerate(h.entities):
        policies[i] = policies_by_code.get(code, "auto")
        scope = code if code in actives else "all"
        bundles[i] = loaded.get(scope)
        if scope in problems:
            model_problems[i] = problems[scope]
    return (
        ScoringConfig(
            cutoffs=conf.class_cutoffs or list(DEFAULT_CUTOFFS),
            late_days=conf.late_days,
            min_history=conf.min_history,
            bands=scorecard_bands(card),
            base_points=card.base_points,
            policies=policies,
            bundles=bundles,
            model_problems=model_problems,
        ),
        warnings,
    )


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
        _say(progress, "loading history")
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
        _say(progress, f"fitting on {n_train} rows")
        fitted = learning.fit(ts, late_days=late_days)
        _say(progress, "fitted")
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


# ---------------------------------------------------------------------------- refresh


@dataclass
class RefreshResult:
    as_of: dt.date
    customers: int
    items: int
    by_class: dict[str, int]
    by_engine: dict[str, int]
    no_history: int
    class_dropped: int
    warnings: list[str]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "customers": self.customers,
            "items": self.items,
            "by_class": self.by_class,
            "by_engine": self.by_engine,
            "no_history": self.no_history,
            "class_dropped": self.class_dropped,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 2),
        }


def _previous_classes(as_of: dt.date, customer_ids: set[int] | None) -> dict[int, str]:
    """Each customer's class in its newest score before ``as_of``."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT DISTINCT ON (customer_id) customer_id, risk_class FROM risk_customerscore "
            "WHERE as_of < %s ORDER BY customer_id, as_of DESC"
        )
    else:
        sql = (
            "SELECT s.customer_id, s.risk_class FROM risk_customerscore s JOIN "
            "(SELECT customer_id, MAX(as_of) AS d FROM risk_customerscore WHERE as_of < %s "
            "GROUP BY customer_id) m ON m.customer_id = s.customer_id AND m.d = s.as_of"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of])
        rows = cursor.fetchall()
    return {cid: cls for cid, cls in rows if customer_ids is None or cid in customer_ids}


def _record_class_drop(customer_id: int, as_of: dt.date, before: str, after: str) -> None:
    ref = f"risk:{customer_id}:{as_of.isoformat()}"
    details = {"from": before, "to": after}
    try:
        from openar.activity import services as activity_services

        record = getattr(activity_services, "account_event_record", None)
    except ImportError:  # pragma: no cover - activity is always installed
        record = None
    if record is not None:
        record(
            customer=customer_id, kind="class_dropped", occurred_on=as_of, ref=ref,
            details=details, source="risk",
        )  # fmt: skip
        return
    from openar.activity.models import AccountEvent

    AccountEvent.objects.get_or_create(
        kind="class_dropped",
        ref=ref,
        defaults={"customer_id": customer_id, "occurred_on": as_of, "details": details,
                  "source": "risk"},
    )  # fmt: skip


def _write_scores(scores: list[CustomerScore]) -> None:
    """Insert the day's scores: COPY on PostgreSQL (100k rows in seconds), bulk insert elsewhere."""
    if connection.vendor != "postgresql":
        CustomerScore.objects.bulk_create(scores, batch_size=5000)
        return
    import json

    from django.utils import timezone

    now = timezone.now()
    columns = (
        "customer_id", "as_of", "score", "risk_class", "engine", "model_version", "reasons",
        "currency", "expected_7d_amount", "expected_30d_amount", "created_at",
    )  # fmt: skip
    copy_rows(
        table=CustomerScore._meta.db_table,
        columns=columns,
        rows=(
            (s.customer_id, s.as_of, s.score, s.risk_class, s.engine, s.model_version,
             json.dumps(s.reasons), s.currency, s.expected_7d_amount,
             s.expected_30d_amount, now)
            for s in scores
        ),
    )  # fmt: skip


def _copy_predictions(rows: list[tuple[Any, ...]]) -> None:
    columns = (
        "document_id", "customer_id", "as_of", "predicted_days_late", "predicted_pay_date",
        "late_probability", "engine",
    )  # fmt: skip
    if connection.vendor == "postgresql":
        copy_rows(table=ItemPrediction._meta.db_table, columns=columns, rows=rows)
        return
    ItemPrediction.objects.bulk_create(
        (ItemPrediction(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
    )


def scores_refresh_run(
    *, as_of: dt.date, actor: Any, progress: Progress = None, entity: str | None = None
) -> RefreshResult:
    """Score every customer (of ``entity``) on ``as_of``: one CustomerScore per customer (a rerun
    for the same day replaces it), the open items' predictions, and a ``class_dropped`` account
    event for each customer whose class got worse since its previous score."""
    started = time.perf_counter()
    day = to_day(as_of)
    _say(progress, "loading history")
    h = load_history(
        as_of=as_of, since=as_of - dt.timedelta(days=LOOKBACK_DAYS + 1), entity_code=entity
    )
    _say(progress, f"loaded {h.n_docs} documents, {len(h.app_doc)} applications")
    config, warnings = _scoring_config(h)
    fx = fx_factors(h, day)
    _say(progress, f"scoring {h.n_customers} customers, {h.n_docs} documents")
    result = score_portfolio(h, day, fx, customer_to_reporting(h, day), config)
    ids = h.cust_id.tolist()
    currencies = [h.currencies[c] for c in h.cust_currency.tolist()]
    exps = {cur: quantize(Decimal(0), cur) for cur in set(currencies)}
    previous = _previous_classes(as_of, set(ids) if entity else None)
    _say(progress, "writing scores")
    with transaction.atomic():
        scores = []
        drops = []
        for i, cid in enumerate(ids):
            cur = currencies[i]
            cls = result.risk_class[i]
            scores.append(
                CustomerScore(
                    customer_id=cid, as_of=as_of, score=int(result.score[i]), risk_class=cls,
                    engine=result.engine[i], model_version=result.model_version[i],
                    reasons=result.reasons[i], currency=cur,
                    expected_7d_amount=Decimal(f"{result.expected_7d[i]:.6f}").quantize(exps[cur]),
                    expected_30d_amount=Decimal(f"{result.expected_30d[i]:.6f}").quantize(exps[cur]),
                )
            )  # fmt: skip
            before = previous.get(cid)
            if before is not None and cls > before:  # "A" < "E": a later letter is worse
                drops.append((cid, before, cls))
        CustomerScore.objects.filter(as_of=as_of, customer_id__in=ids).delete() if entity else (
            CustomerScore.objects.filter(as_of=as_of).delete()
        )
        _write_scores(scores)
        _say(progress, f"wrote {len(scores)} scores")
        if entity is None and connection.vendor == "postgresql":
            # Every open item is predicted again: emptying the table beats deleting 1M rows.
            # Rows written earlier in this same transaction have pending FK checks, which
            # TRUNCATE refuses; they are checked now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE risk_itemprediction")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            preds = ItemPrediction.objects.all()
            if entity:
                preds = preds.filter(customer__entity__code=entity)
            preds.delete()
        doc_ids = h.doc_id[result.item_doc].tolist()
        item_cust = h.cust_id[h.doc_cust[result.item_doc]].tolist()
        pay_days = result.item_pay_day.tolist()
        days_late = result.item_days_late.tolist()
        probs = result.item_probability.tolist()
        _copy_predictions(
            [
                (doc_ids[k], item_cust[k], as_of, int(days_late[k]), from_day(pay_days[k]),
                 round(float(probs[k]), 4), result.item_engine[k])
                for k in range(len(doc_ids))
            ]
        )  # fmt: skip
        _say(progress, f"wrote {len(doc_ids)} item predictions")
        for cid, before, after in drops:
            _record_class_drop(cid, as_of, before, after)
        by_class: dict[str, int] = {}
        for cls in result.risk_class:
            by_class[cls] = by_class.get(cls, 0) + 1
        by_engine: dict[str, int] = {}
        for eng in result.engine:
            by_engine[eng] = by_engine.get(eng, 0) + 1
        no_history = int((result.features["n_paid"] == 0).sum())
        audit_record(
            actor=actor,
            action="risk.scores_refresh",
            object_type="risk.CustomerScore",
            object_id=as_of.isoformat(),
            summary=f"scored {len(ids)} customers as of {as_of} ({by_engine})",
            after={"by_class": by_class, "by_engine": by_engine, "warnings": warnings},
        )
    return RefreshResult(
        as_of=as_of,
        customers=len(ids),
        items=len(doc_ids),
        by_class=dict(sorted(by_class.items())),
        by_engine=by_engine,
        no_history=no_history,
        class_dropped=len(drops),
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )


def scores_refresh(*, as_of: dt.date, actor: Any, progress: Progress = None) -> int:
    """The daily cycle's step: score every customer on ``as_of``; returns customers scored."""
    return scores_refresh_run(as_of=as_of, actor=actor, progress=progress).customers


# ---------------------------------------------------------------------------- backtest


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
    _say(progress, "building the training set")
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
        config, _ = _scoring_config(h)
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


# ---------------------------------------------------------------------------- bureau ratings

RATING_COLUMNS = ("customer_ref", "provider", "rating", "limit", "date")
_LETTER_SCORES = {
    "AAA": 100, "AA": 90, "A": 80, "BBB": 70, "BB": 60, "B": 50, "CCC": 40, "CC": 30, "C": 20,
    "D": 5,
}  # fmt: skip


def rating_score(rating: str) -> int | None:
    """A rating on 0 (worst) .. 100 (best): letter grades (AAA .. D, with + and -), numbers 0-10
    (a credit insurer's grade, 10 best) or 0-100. None when it cannot be read."""
    text = rating.strip().upper()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        base = text.rstrip("+-")
        if base not in _LETTER_SCORES:
            return None
        score = _LETTER_SCORES[base] + (
            3 if text.endswith("+") else -3 if text.endswith("-") else 0
        )
        return max(0, min(100, score))
    if 0 <= value <= 10:
        return round(value * 10)
    if 0 <= value <= 100:
        return round(value)
    return None


@dataclass
class RatingImportResult:
    rows: int
    created: int
    updated: int
    errors: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "rejected": len(self.errors), "errors": self.errors}  # fmt: skip


def ratings_import(
    *, path: str | Path | None = None, data: bytes | None = None, actor: Any
) -> RatingImportResult:
    """Load bureau / credit-insurer ratings (CSV: customer_ref, provider, rating, limit, date).
    Every bad row is reported with its line and field, and then nothing is written."""
    if data is None:
        if path is None:
            raise ValidationError("no file given", field="file")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ValidationError(f"cannot read {path}: {exc.strerror}", field="file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("the file is not UTF-8 text", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in RATING_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            f"line 1: missing column(s) {', '.join(missing)}; expected {','.join(RATING_COLUMNS)}",
            field=missing[0],
        )
    reader.fieldnames = header
    raw_rows = list(reader)
    refs = {(r.get("customer_ref") or "").strip() for r in raw_rows}
    customers = {
        ref: (cid, cur)
        for ref, cid, cur in Customer.objects.filter(customer_ref__in=refs).values_list(
            "customer_ref", "id", "currency"
        )
    }
    errors: list[dict[str, Any]] = []
    parsed = []
    seen: set[tuple[int, str, dt.date]] = set()
    for line, row in enumerate(raw_rows, start=2):

        def bad(field: str, message: str, line: int = line) -> None:
            errors.append({"line": line, "field": field, "message": message})

        ref = (row.get("customer_ref") or "").strip()
        provider = (row.get("provider") or "").strip()
        rating = (row.get("rating") or "").strip()
        limit_text = (row.get("limit") or "").strip()
        date_text = (row.get("date") or "").strip()
        before = len(errors)
        if ref not in customers:
            bad("customer_ref", f"no customer {ref!r}" if ref else "customer_ref is empty")
        if not provider:
            bad("provider", "provider is empty")
        elif len(provider) > 60:
            bad("provider", "provider is longer than 60 characters")
        score = rating_score(rating)
        if score is None:
            bad("rating", f"cannot read rating {rating!r} (AAA..D, 0-10 or 0-100)")
        limit = None
        if limit_text:
            try:
                limit = Decimal(limit_text.replace(",", ""))
            except ArithmeticError:
                bad("limit", f"{limit_text!r} is not an amount")
            else:
                if limit < 0:
                    bad("limit", "limit cannot be negative")
        try:
            day = dt.date.fromisoformat(date_text)
        except ValueError:
            bad("date", f"{date_text!r} is not a date in YYYY-MM-DD form")
            day = None
        if len(errors) > before:
            continue
        assert day is not None and score is not None
        cid, cur = customers[ref]
        key = (cid, provider, day)
        if key in seen:
            bad("date", f"{ref} {provider} {day} appears twice in the file")
            continue
        seen.add(key)
        parsed.append((cid, cur, provider, rating, score, limit, day))
    if errors:
        return RatingImportResult(len(raw_rows), 0, 0, errors)
    created = updated = 0
    with transaction.atomic():
        for cid, cur, provider, rating, score, limit, day in parsed:
            _, was_created = CreditRating.objects.update_or_create(
                customer_id=cid, provider=provider, rated_on=day,
                defaults={"rating": rating, "score": score,
                          "limit_amount": None if limit is None else quantize(limit, cur),
                          "currency": cur if limit is not None else ""},
            )  # fmt: skip
            created += was_created
            updated += not was_created
        audit_record(actor=actor, action="risk.ratings_import", object_type="risk.CreditRating",
                     summary=f"{created} ratings added, {updated} updated")  # fmt: skip
    return RatingImportResult(len(raw_rows), created, updated, [])


def customer_by_ref(customer_ref: str) -> Customer:
    try:
        return Customer.objects.get(customer_ref=customer_ref)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer_ref!r}", field="customer_ref") from None
