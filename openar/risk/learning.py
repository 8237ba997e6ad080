"""The learned engine: training sets built from history snapshots, HistGradientBoosting models,
versioned model files and perturbation reasons. No ORM: callers hand in a ``History``.

Training rows are (snapshot day S, item) pairs: every invoice open on S and every invoice issued in
the following ``step`` days, with the customer's features as of S and the item's final days late
as the label, as known on the training date (an item still unpaid then is labelled with its days
overdue so far when that already exceeds the late threshold, and left out otherwise)."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from openar.risk.domain import (
    CATEGORICAL,
    DEBIT_MEMO,
    FEATURES,
    MODEL_REASON_GROUPS,
    History,
    customer_features,
    item_matrix,
    open_as_of,
)

# Bump when the bundle layout or the feature list changes: older files are refused, not guessed.
MODEL_FORMAT_VERSION = 2
SNAPSHOT_STEP_DAYS = 42
MAX_TRAIN_ROWS = 500_000
MIN_TRAIN_ROWS = 200
MAX_ITER = 120  # boosting rounds of each model

# (fx to the customer's currency per document, fx to the reporting currency per document)
FxForDay = Callable[[int], tuple[np.ndarray, np.ndarray]]


class NotEnoughHistory(ValueError):
    """Too few labelled invoices to fit a model."""


class ModelFileError(Exception):
    """A model file that cannot be used (missing, unreadable, or from another format version)."""


@dataclass
class TrainingSet:
    X: np.ndarray
    days_late: np.ndarray
    late: np.ndarray
    cust: np.ndarray
    snapshot: np.ndarray
    mean_late_at_snapshot: np.ndarray


def labels(
    h: History, docs: np.ndarray, label_day: int, late_days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days late, late flag, known) of documents as known on ``label_day``."""
    due = h.effective_due()[docs]
    cleared = h.cleared[docs]
    paid = cleared <= label_day
    overdue_now = label_day - due
    days = np.where(paid, cleared - due, overdue_now).astype(np.float64)
    known = paid | (overdue_now > late_days)
    return days, (days > late_days).astype(np.int64), known


def build_rows(
    h: History,
    *,
    day: int,
    fx: tuple[np.ndarray, np.ndarray],
    late_days: int,
    horizon: int,
    include_open: bool = True,
    customers: np.ndarray | None = None,
    keep: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Model rows seen on ``day``: open invoices (features on ``day``) and invoices issued in
    ``(day, day + horizon]`` (seen at issue, customer features still as of ``day``)."""
    fx_cust, fx_rep = fx
    feats = customer_features(h, day, fx_cust, late_days=late_days)
    invoice_like = (h.doc_type <= DEBIT_MEMO) & (h.amount > 0)
    if customers is not None:
        invoice_like &= customers[h.doc_cust]
    open_amt = open_as_of(h, day)
    blocks, docs_out = [], []
    if include_open:
        docs = np.flatnonzero(invoice_like & (open_amt > 0))
        if keep is not None:
            docs = keep(docs)
        blocks.append(item_matrix(h, feats, docs, day, open_amt, fx_to_reporting=fx_rep))
        docs_out.append(docs)
    if horizon > 0:
        new = invoice_like & (h.doc_date > day) & (h.doc_date <= day + horizon)
        docs = np.flatnonzero(new)
        if keep is not None:
            docs = keep(docs)
        blocks.append(
            item_matrix(h, feats, docs, day, open_amt, at_issue=True, fx_to_reporting=fx_rep)
        )
        docs_out.append(docs)
    X = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURES)))
    return X, np.concatenate(docs_out) if docs_out else np.zeros(0, np.int64), feats


def training_set(
    h: History,
    *,
    until: int,
    fx_for_day: FxForDay,
    late_days: int,
    customers: np.ndarray | None = None,
    step: int = SNAPSHOT_STEP_DAYS,
    max_rows: int = MAX_TRAIN_ROWS,
    progress: Callable[[str], None] | None = None,
) -> TrainingSet:
    """Snapshots every ``step`` days back from ``until``; labels as known on ``until``."""
    first = int(h.doc_date.min()) if h.n_docs else until
    snapshots = list(range(until - step, first + 60, -step))
    # Each snapshot contributes at most its share of ``max_rows`` (a fixed-seed sample), so a
    # big history is never built in full only to be thrown away.
    quota = max_rows // (2 * max(len(snapshots), 1)) + 1
    rng = np.random.default_rng(0)

    def keep(docs: np.ndarray) -> np.ndarray:
        if len(docs) <= quota:
            return docs
        return np.sort(rng.choice(docs, quota, replace=False))

    Xs, ys, ls, cs, ss, ms = [], [], [], [], [], []
    for day in snapshots:
        X, docs, feats = build_rows(
            h,
            day=day,
            fx=fx_for_day(day),
            late_days=late_days,
            horizon=min(step, until - day),
            customers=customers,
            keep=keep,
        )
        days, late, known = labels(h, docs, until, late_days)
        # A row whose item was issued after ``until`` cannot be in a training set.
        known &= h.doc_date[docs] <= until
        Xs.append(X[known])
        ys.append(days[known])
        ls.append(late[known])
        cs.append(h.doc_cust[docs][known])
        ss.append(np.full(int(known.sum()), day))
        ms.append(feats["mean_late"][h.doc_cust[docs][known]])
        if progress:
            progress(f"snapshot {day}: {int(known.sum())} rows")
    if not Xs:
        empty = np.zeros((0, len(FEATURES)))
        z = np.zeros(0)
        return TrainingSet(empty, z, z.astype(np.int64), z.astype(np.int64), z, z)
    X = np.vstack(Xs)
    result = TrainingSet(
        X.astype(np.float32),
        np.concatenate(ys),
        np.concatenate(ls),
        np.concatenate(cs),
        np.concatenate(ss),
        np.concatenate(ms),
    )
    if len(result.days_late) > max_rows:
        chosen = np.sort(np.random.default_rng(0).choice(len(result.days_late), max_rows, False))
        result = TrainingSet(
            result.X[chosen],
            result.days_late[chosen],
            result.late[chosen],
            result.cust[chosen],
            result.snapshot[chosen],
            result.mean_late_at_snapshot[chosen],
        )
    return result


def _categorical_mask() -> np.ndarray:
    return np.array([name in CATEGORICAL for name in FEATURES])


def fit(ts: TrainingSet, *, late_days: int, max_iter: int | None = None) -> dict[str, Any]:
    """Fit the days-late regressor and the late classifier; return the model part of a bundle."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    if len(ts.days_late) < MIN_TRAIN_ROWS:
        raise NotEnoughHistory(
            f"only {len(ts.days_late)} labelled invoices in the history; the learned model needs "
            f"at least {MIN_TRAIN_ROWS}"
        )
    max_iter = max_iter or MAX_ITER
    cat = _categorical_mask()
    # A column that is unknown on every row (no bureau ratings loaded yet...) carries nothing and
    # trips the binner: it is zeroed here and at prediction.
    dead = np.flatnonzero(np.isnan(ts.X).all(axis=0))
    X = ts.X.copy() if len(dead) else ts.X
    X[:, dead] = 0
    # Absolute error: the model predicts the median days late, which is what MAE rewards.
    regressor = HistGradientBoostingRegressor(
        loss="absolute_error",
        max_iter=max_iter,
        learning_rate=0.1,
        max_leaf_nodes=31,
        min_samples_leaf=40,
        categorical_features=cat,
        early_stopping=False,
        random_state=0,
    )
    regressor.fit(X, np.clip(ts.days_late, -60, 365))
    classifier = None
    if 0 < ts.late.sum() < len(ts.late):
        classifier = HistGradientBoostingClassifier(
            max_iter=max_iter,
            learning_rate=0.1,
            max_leaf_nodes=31,
            min_samples_leaf=40,
            categorical_features=cat,
            early_stopping=False,
            random_state=0,
        )
        classifier.fit(X, ts.late)
    reference = np.zeros(X.shape[1])
    for col in range(X.shape[1]):
        values = X[:, col][np.isfinite(X[:, col])]
        reference[col] = float(np.median(values)) if len(values) else np.nan
    return {
        "regressor": regressor,
        "classifier": classifier,
        "base_rate": float(ts.late.mean()) if len(ts.late) else 0.0,
        "reference": reference,
        "late_days": late_days,
        "n_train": len(ts.days_late),
        "dead_columns": dead.tolist(),
    }


def remap_categories(X: np.ndarray, h: History, bundle: dict[str, Any]) -> np.ndarray:
    """Translate this history's currency and entity indices into the bundle's vocabulary."""
    X = X.copy()
    for name, ours, theirs in (
        ("item_currency", h.currencies, bundle["currencies"]),
        ("item_entity", h.entities, bundle["entities"]),
    ):
        col = FEATURES.index(name)
        lookup = np.array(
            [theirs.index(code) if code in theirs else np.nan for code in ours] + [np.nan]
        )
        idx = np.where(np.isnan(X[:, col]), len(ours), X[:, col]).astype(np.int64)
        X[:, col] = lookup[idx]
    return X


def predict(bundle: dict[str, Any], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predicted days late and P(late) for rows already in the bundle's vocabulary."""
    if len(X) == 0:
        return np.zeros(0), np.zeros(0)
    dead = bundle.get("dead_columns") or []
    if dead:
        X = X.copy()
        X[:, dead] = 0
    days = bundle["regressor"].predict(X)
    if bundle["classifier"] is None:
        p = np.full(len(X), bundle["base_rate"])
    else:
        p = bundle["classifier"].predict_proba(X)[:, 1]
    return days, p


def late_probability(bundle: dict[str, Any], X: np.ndarray) -> np.ndarray:
    if len(X) == 0 or bundle["classifier"] is None:
        return np.full(len(X), bundle["base_rate"])
    dead = bundle.get("dead_columns") or []
    if dead:
        X = X.copy()
        X[:, dead] = 0
    return bundle["classifier"].predict_proba(X)[:, 1]


def reason_contributions(bundle: dict[str, Any], X: np.ndarray) -> dict[str, np.ndarray]:
    """For each reason group, how much P(late) falls when the customer's features in the group
    are reset to the training median: positive means the feature makes the customer riskier.
    Every variant goes through the model in one call (per-call overhead dominates otherwise)."""
    codes = list(MODEL_REASON_GROUPS)
    if len(X) == 0:
        return {code: np.zeros(0) for code in codes}
    out = {code: np.zeros(len(X)) for code in codes}
    chunk = 20_000  # bounds memory: each chunk is copied once per reason group
    for start in range(0, len(X), chunk):
        part = X[start : start + chunk]
        blocks = [part]
        for code in codes:
            changed = part.copy()
            for name in MODEL_REASON_GROUPS[code]:
                col = FEATURES.index(name)
                changed[:, col] = bundle["reference"][col]
            blocks.append(changed)
        p = late_probability(bundle, np.vstack(blocks)).reshape(len(blocks), len(part))
        for k, code in enumerate(codes):
            out[code][start : start + len(part)] = p[0] - p[k + 1]
    return out


# ---------------------------------------------------------------------------- model files


def save_bundle(bundle: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(bundle, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def load_bundle(path: Path | str) -> dict[str, Any]:
    """Read a model file written by this version of OpenAR; refuse anything else clearly."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"model file {path} is missing; run 'openar score train'")
    try:
        with open(path, "rb") as fh:
            bundle = pickle.load(fh)
    except Exception as exc:  # a truncated file or one pickled by an incompatible library
        raise ModelFileError(
            f"model file {path} cannot be read ({exc.__class__.__name__}); "
            "retrain with 'openar score train'"
        ) from None
    version = bundle.get("format_version") if isinstance(bundle, dict) else None
    if version != MODEL_FORMAT_VERSION:
        raise ModelFileError(
            f"model file {path} has format version {version}; this OpenAR reads version "
            f"{MODEL_FORMAT_VERSION}. Retrain with 'openar score train'"
        )
    if tuple(bundle.get("features", ())) != FEATURES:
        raise ModelFileError(
            f"model file {path} was trained on other features; retrain with 'openar score train'"
        )
    return bundle


def new_bundle(
    fitted: dict[str, Any], *, h: History, scope: str, version: int, trained_as_of: dt.date
) -> dict[str, Any]:
    return {
        "format_version": MODEL_FORMAT_VERSION,
        "scope": scope,
        "version": version,
        "trained_as_of": trained_as_of.isoformat(),
        "features": FEATURES,
        "currencies": list(h.currencies),
        "entities": list(h.entities),
        **fitted,
    }


def auc_score(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve (None when only one class is present)."""
    if len(set(y.tolist())) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))
