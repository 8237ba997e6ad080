"""Scoring a portfolio on a day with the scorecard and the learned model: arrays in, arrays out.

No ORM here: the service loads a ``History`` and the settings, this module decides engine, score,
class, reasons and item predictions for every customer at once (numpy), and the service writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openar.risk.domain import (
    DEBIT_MEMO,
    SCORECARD_FEATURES,
    Band,
    History,
    customer_features,
    item_matrix,
    late_probability_from_score,
    open_as_of,
    risk_class,
    score_from_probability,
    scorecard_points,
    top_reasons,
    virtual_matrix,
)
from openar.risk.learning import predict, reason_contributions, remap_categories


@dataclass
class ScoringConfig:
    cutoffs: Sequence[int]
    late_days: int
    min_history: int
    bands: Sequence[Band]
    base_points: int
    # Per entity index: "auto" | "scorecard" | "model".
    policies: dict[int, str] = field(default_factory=dict)
    # Per entity index: (bundle, label) of the model that scores it, or None.
    bundles: dict[int, tuple[dict[str, Any], str] | None] = field(default_factory=dict)
    # Per entity index: why no model is available (a refused file...), shown as a reason.
    model_problems: dict[int, str] = field(default_factory=dict)


@dataclass
class PortfolioScores:
    score: np.ndarray
    risk_class: list[str]
    engine: list[str]
    model_version: list[str]
    reasons: list[list[dict[str, Any]]]
    expected_7d: np.ndarray  # customer currency
    expected_30d: np.ndarray
    predicted_days_late: np.ndarray  # for a typical new invoice
    late_probability: np.ndarray
    item_doc: np.ndarray
    item_days_late: np.ndarray
    item_pay_day: np.ndarray
    item_probability: np.ndarray
    item_engine: list[str]
    features: dict[str, np.ndarray]


def score_portfolio(
    h: History,
    day: int,
    fx: tuple[np.ndarray, np.ndarray],
    cust_to_reporting: np.ndarray,
    config: ScoringConfig,
) -> PortfolioScores:
    """Score every customer of ``h`` on ``day``."""
    fx_cust, fx_rep = fx
    n = h.n_customers
    feats = customer_features(h, day, fx_cust, late_days=config.late_days)
    sc_score, sc_points = scorecard_points(feats, config.bands, config.base_points)
    # A band's negative points raise risk: contributions are positive when they cost points.
    sc_contrib: dict[str, np.ndarray] = {}
    for feature, pts in sc_points.items():
        code = SCORECARD_FEATURES.get(feature)
        if code:
            sc_contrib[code] = sc_contrib.get(code, np.zeros(n)) - pts

    score = sc_score.copy()
    engine = ["scorecard"] * n
    version = [""] * n
    n_paid = feats["n_paid"]
    has_history = n_paid >= max(config.min_history, 1)
    typical_days = np.nan_to_num(feats["mean_late"], nan=0.0)
    p_customer = late_probability_from_score(sc_score)

    # Items open on ``day``: invoices and debit memos with a positive open amount.
    open_amt = open_as_of(h, day)
    due = h.effective_due()
    items = np.flatnonzero((h.doc_type <= DEBIT_MEMO) & (open_amt > 0))
    item_cust = h.doc_cust[items]
    dpd = day - due[items]
    # Scorecard item view: the customer's usual lateness, but never earlier than today.
    item_days = np.maximum(typical_days[item_cust], dpd + 7 * (dpd > typical_days[item_cust]))
    item_p = late_probability_from_score(sc_score[item_cust])
    item_p = np.where(dpd > config.late_days, 1.0, item_p)
    item_engine = np.zeros(len(items), dtype=bool)  # True: the model predicted it

    model_reasons: dict[int, list[dict[str, Any]]] = {}
    X_virtual_all: np.ndarray | None = None
    X_items_all: np.ndarray | None = None
    # Entities that share a model are predicted together (one call per model).
    by_model: dict[str, tuple[dict[str, Any], list[int]]] = {}
    for ent_index in range(len(h.entities)):
        bundle_info = config.bundles.get(ent_index)
        if config.policies.get(ent_index, "auto") == "scorecard" or bundle_info is None:
            continue
        bundle, label = bundle_info
        by_model.setdefault(label, (bundle, []))[1].append(ent_index)
    for label, (bundle, ent_indices) in by_model.items():
        chosen = np.isin(h.cust_entity, ent_indices) & has_history
        if not chosen.any():
            continue
        if X_virtual_all is None:
            X_virtual_all = virtual_matrix(h, feats, day, cust_to_reporting)
            X_items_all = item_matrix(h, feats, items, day, open_amt, fx_to_reporting=fx_rep)
        assert X_items_all is not None
        cust_rows = np.flatnonzero(chosen)
        Xv = remap_categories(X_virtual_all[cust_rows], h, bundle)
        item_rows = np.flatnonzero(chosen[item_cust])
        Xi = remap_categories(X_items_all[item_rows], h, bundle)
        days_all, p_all = predict(bundle, np.vstack([Xv, Xi]))
        days_v, p_v = days_all[: len(cust_rows)], p_all[: len(cust_rows)]
        days_i, p_i = days_all[len(cust_rows) :], p_all[len(cust_rows) :]
        item_days[item_rows] = np.maximum(days_i, dpd[item_rows] + 1 * (dpd[item_rows] >= days_i))
        item_p[item_rows] = p_i
        item_engine[item_rows] = True
        # The customer's probability: a typical new invoice, and what is open now by amount.
        weights = open_amt[items][item_rows]
        local = np.searchsorted(cust_rows, item_cust[item_rows])
        w_sum = np.bincount(local, weights=weights, minlength=len(cust_rows))
        wp_sum = np.bincount(local, weights=weights * p_i, minlength=len(cust_rows))
        p_open = np.divide(wp_sum, w_sum, out=np.full(len(cust_rows), np.nan), where=w_sum > 0)
        p_c = np.where(np.isnan(p_open), p_v, 0.5 * (p_v + np.nan_to_num(p_open)))
        score[cust_rows] = score_from_probability(p_c)
        p_customer[cust_rows] = p_c
        typical_days[cust_rows] = days_v
        contrib = reason_contributions(bundle, Xv)
        for j, cust in enumerate(cust_rows.tolist()):
            engine[cust] = "model"
            version[cust] = label
            model_reasons[cust] = top_reasons(
                contrib, feats, cust, {"late_days": config.late_days}, ci=j
            )

    pay_day = np.maximum(due[items] + np.rint(item_days).astype(np.int64), day + 1)
    amount_c = open_amt[items] * np.nan_to_num(fx_cust[items], nan=0.0)
    in7 = pay_day <= day + 7
    in30 = pay_day <= day + 30
    expected_7d = np.bincount(item_cust[in7], weights=amount_c[in7], minlength=n)
    expected_30d = np.bincount(item_cust[in30], weights=amount_c[in30], minlength=n)

    reasons: list[list[dict[str, Any]]] = []
    classes: list[str] = []
    extra = {"late_days": config.late_days}
    for i in range(n):
        classes.append(risk_class(int(score[i]), config.cutoffs))
        lead: list[dict[str, Any]] = []
        if engine[i] == "model" and len(model_reasons[i]) >= 3:
            reasons.append(model_reasons[i][:3])
            continue
        own = top_reasons(sc_contrib, feats, i, extra)
        if engine[i] == "model":
            # The model's reasons first; the scorecard's fill in when the model has fewer.
            picked: list[dict[str, Any]] = list(model_reasons[i])
            codes = {r["code"] for r in picked}
            picked += [r | {"weight": 0} for r in own if r["code"] not in codes]
            reasons.append(picked[:3])
            continue
        ent = int(h.cust_entity[i])
        if n_paid[i] == 0:
            lead.append({"code": "no_history", "params": {}, "weight": 0})
        elif (
            config.bundles.get(ent) is not None and config.policies.get(ent, "auto") != "scorecard"
        ):
            lead.append(
                {"code": "thin_history",
                 "params": {"count": int(n_paid[i]), "needed": config.min_history}, "weight": 0}
            )  # fmt: skip
        if config.model_problems.get(ent) and config.policies.get(ent, "auto") != "scorecard":
            lead.append({"code": "model_unavailable", "params": {}, "weight": 0})
        reasons.append((lead + own)[: max(3, len(lead))])

    return PortfolioScores(
        score=score,
        risk_class=classes,
        engine=engine,
        model_version=version,
        reasons=reasons,
        expected_7d=expected_7d,
        expected_30d=expected_30d,
        predicted_days_late=typical_days,
        late_probability=p_customer,
        item_doc=items,
        item_days_late=np.rint(item_days).astype(np.int64),
        item_pay_day=pay_day,
        item_probability=np.clip(item_p, 0.0, 1.0),
        item_engine=["model" if m else "scorecard" for m in item_engine.tolist()],
        features=feats,
    )
