"""Risk features, the scorecard and reason codes: pure numpy over arrays, no ORM, no I/O.

Dates are integer days since 1970-01-01 ("epoch days"); a missing date is ``NO_DATE``. Every
feature is a function of a :class:`History` and an as-of day ``S`` and reads only what was known on
``S``: documents issued by ``S``, payments applied by ``S``, clearings by ``S``; open amounts on
``S`` are reconstructed from today's open amount by rolling back cash applied after ``S`` (as the
ledger's aging does).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

EPOCH = dt.date(1970, 1, 1)
NO_DATE = 10**6
LOOKBACK_DAYS = 365  # payment behaviour looks at invoices cleared in the last year
RECENT_DAYS = 90  # "last quarter" for the trend

DocType = int
INVOICE, DEBIT_MEMO, CREDIT_MEMO, DOWN_PAYMENT = 0, 1, 2, 3
DOC_TYPE_CODES = {"invoice": 0, "debit_memo": 1, "credit_memo": 2, "down_payment": 3}


def to_day(value: dt.date) -> int:
    return (value - EPOCH).days


def from_day(value: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


@dataclass
class History:
    """Documents, applications, customers and side facts as parallel arrays.

    Document arrays share one index; ``doc_cust`` points into the customer arrays."""

    doc_id: np.ndarray  # int64
    doc_cust: np.ndarray  # int64 index into customers
    doc_type: np.ndarray  # int8
    doc_date: np.ndarray  # int64 epoch days
    due: np.ndarray  # int64 epoch days (as stored)
    cleared: np.ndarray  # int64 epoch days or NO_DATE
    amount: np.ndarray  # float64, document currency
    open_now: np.ndarray  # float64, today's open amount
    doc_currency: np.ndarray  # int64 index into currencies
    disputed: np.ndarray  # bool (today's flag: used for items open on S only)
    app_doc: np.ndarray  # int64 index into documents
    app_date: np.ndarray  # int64 epoch days
    app_amount: np.ndarray  # float64
    cust_id: np.ndarray  # int64 database ids
    cust_entity: np.ndarray  # int64 index into entities
    cust_currency: np.ndarray  # int64 index into currencies
    cust_limit: np.ndarray  # float64, NaN when none
    cust_terms: np.ndarray  # int64 days
    cust_root: np.ndarray  # int64 index of the top of the customer's group
    cust_first: np.ndarray  # int64 epoch day of the first document, NO_DATE when none
    currencies: list[str]
    entities: list[str]
    # Promises: customer index, day resolved, 1 kept / 0 broken.
    promise_cust: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    promise_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    promise_kept: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Bureau ratings: customer index, day rated, score 0-100 (best).
    rating_cust: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rating_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    rating_score: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))

    @property
    def n_customers(self) -> int:
        return len(self.cust_id)

    @property
    def n_docs(self) -> int:
        return len(self.doc_id)

    def effective_due(self) -> np.ndarray:
        """The due date, or document date + the customer's terms when the item has none (a due
        date on or before the document date on an invoice means the source had none)."""
        cached = self.__dict__.get("_effective_due")
        if cached is not None and len(cached) == len(self.due):
            return cached
        invoice_like = self.doc_type <= DEBIT_MEMO
        missing = invoice_like & (self.due <= self.doc_date)
        due = np.where(missing, self.doc_date + self.cust_terms[self.doc_cust], self.due)
        self.__dict__["_effective_due"] = due
        return due

    def applied_total(self) -> np.ndarray:
        """Cash ever applied to each document (cached: the arrays do not change)."""
        cached = self.__dict__.get("_applied_total")
        if cached is not None and len(cached) == len(self.doc_id):
            return cached
        total = np.bincount(self.app_doc, weights=self.app_amount, minlength=self.n_docs)
        self.__dict__["_applied_total"] = total
        return total


# ---------------------------------------------------------------------------- customer features

# Customer features, in model column order. NaN means "unknown" (no history, no limit...).
CUSTOMER_FEATURES: tuple[str, ...] = (
    "n_paid",
    "mean_late",
    "wavg_late",
    "std_late",
    "share_late",
    "share_late30",
    "recent_late",
    "prior_late",
    "late_trend",
    "share_partial",
    "n_short",
    "balance",
    "past_due",
    "util",
    "past_due_util",
    "n_open",
    "max_dpd",
    "disputes_open",
    "dispute_age",
    "promises_broken",
    "promises_kept",
    "tenure_days",
    "mean_log_amount",
    "group_mean_late",
    "rating_score",
    "terms_days",
    "has_limit",
)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    ok = den > 0
    out[ok] = num[ok] / den[ok]
    return out


def applied_through(h: History, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Per document: cash applied by ``day`` and the number of applications by then."""
    mask = h.app_date <= day
    total = np.bincount(h.app_doc[mask], weights=h.app_amount[mask], minlength=h.n_docs)
    count = np.bincount(h.app_doc[mask], minlength=h.n_docs)
    return total, count


def open_as_of(h: History, day: int, applied: np.ndarray | None = None) -> np.ndarray:
    """Each document's open amount on ``day`` (0 when not issued yet or already cleared)."""
    if applied is None:
        applied, _ = applied_through(h, day)
    applied_total = h.applied_total()
    cleared_later = h.cleared < NO_DATE
    value = np.where(cleared_later, h.amount - applied, h.open_now + (applied_total - applied))
    exists = (h.doc_date <= day) & (h.cleared > day)
    return np.where(exists, value, 0.0)


def customer_features(
    h: History, day: int, fx_to_customer: np.ndarray, *, late_days: int = 30
) -> dict[str, np.ndarray]:
    """Every customer's features on ``day``. ``fx_to_customer[doc]`` converts a document's amount
    into its customer's currency (NaN when no rate was known on ``day``)."""
    n = h.n_customers
    due = h.effective_due()
    invoice_like = h.doc_type <= DEBIT_MEMO
    applied, n_apps = applied_through(h, day)

    # Payment behaviour: invoices issued and cleared by ``day``, cleared within the lookback.
    paid = invoice_like & (h.cleared <= day) & (h.cleared > day - LOOKBACK_DAYS)
    paid &= h.doc_date <= day
    cust = h.doc_cust[paid]
    late = (h.cleared[paid] - due[paid]).astype(np.float64)
    weight = np.abs(h.amount[paid] * np.nan_to_num(fx_to_customer[paid], nan=1.0))
    n_paid = np.bincount(cust, minlength=n).astype(np.float64)
    sum_late = np.bincount(cust, weights=late, minlength=n)
    mean_late = _safe_div(sum_late, n_paid)
    sum_sq = np.bincount(cust, weights=late * late, minlength=n)
    var = _safe_div(sum_sq, n_paid) - mean_late**2
    std_late = np.sqrt(np.clip(var, 0, None))
    wavg_late = _safe_div(np.bincount(cust, weights=late * weight, minlength=n),
                          np.bincount(cust, weights=weight, minlength=n))  # fmt: skip
    share_late = _safe_div(np.bincount(cust, weights=(late > 0), minlength=n), n_paid)
    share_late30 = _safe_div(np.bincount(cust, weights=(late > late_days), minlength=n), n_paid)
    cleared_day = h.cleared[paid]
    recent = cleared_day > day - RECENT_DAYS
    prior = (cleared_day <= day - RECENT_DAYS) & (cleared_day > day - 2 * RECENT_DAYS)
    recent_late = _safe_div(np.bincount(cust[recent], weights=late[recent], minlength=n),
                            np.bincount(cust[recent], minlength=n).astype(np.float64))  # fmt: skip
    prior_late = _safe_div(np.bincount(cust[prior], weights=late[prior], minlength=n),
                           np.bincount(cust[prior], minlength=n).astype(np.float64))  # fmt: skip
    late_trend = recent_late - prior_late
    # Paid in parts (two or more applications) or short (cleared with less cash than billed).
    parts = n_apps[paid] >= 2
    short = applied[paid] < np.abs(h.amount[paid]) * 0.995
    share_partial = _safe_div(np.bincount(cust, weights=parts | short, minlength=n), n_paid)
    n_short = np.bincount(cust, weights=short, minlength=n)

    # Open position on ``day``, in the customer's currency.
    open_amt = open_as_of(h, day, applied)
    is_open = open_amt != 0
    conv = open_amt * np.nan_to_num(fx_to_customer, nan=0.0)
    oc = h.doc_cust[is_open]
    balance = np.bincount(oc, weights=conv[is_open], minlength=n)
    overdue = is_open & (due < day)
    past_due = np.bincount(h.doc_cust[overdue], weights=conv[overdue], minlength=n)
    open_inv = is_open & invoice_like & (open_amt > 0)
    n_open = np.bincount(h.doc_cust[open_inv], minlength=n).astype(np.float64)
    max_dpd = np.zeros(n)
    np.maximum.at(max_dpd, h.doc_cust[open_inv], (day - due[open_inv]).astype(np.float64))
    disputed_open = open_inv & h.disputed
    disputes_open = np.bincount(h.doc_cust[disputed_open], minlength=n).astype(np.float64)
    dispute_age = np.zeros(n)
    np.maximum.at(
        dispute_age,
        h.doc_cust[disputed_open],
        (day - h.doc_date[disputed_open]).astype(np.float64),
    )
    limit = h.cust_limit
    has_limit = ~np.isnan(limit) & (limit > 0)
    util = np.where(has_limit, balance / np.where(has_limit, limit, 1.0), np.nan)
    past_due_util = np.where(has_limit, past_due / np.where(has_limit, limit, 1.0), np.nan)

    # Promises resolved in the last 90 days.
    pm = (h.promise_day <= day) & (h.promise_day > day - 90)
    broken = np.bincount(h.promise_cust[pm & (h.promise_kept == 0)], minlength=n).astype(float)
    kept = np.bincount(h.promise_cust[pm & (h.promise_kept == 1)], minlength=n).astype(float)

    tenure = np.where(h.cust_first <= day, day - h.cust_first, 0).astype(np.float64)

    # The customer's usual invoice size: mean log amount of invoices issued in the lookback.
    issued = invoice_like & (h.doc_date <= day) & (h.doc_date > day - LOOKBACK_DAYS)
    issued &= h.amount > 0
    ic = h.doc_cust[issued]
    mean_log_amount = _safe_div(
        np.bincount(ic, weights=np.log(h.amount[issued]), minlength=n),
        np.bincount(ic, minlength=n).astype(np.float64),
    )

    # Parent group behaviour: days late over every paid invoice of the group.
    root = h.cust_root
    group_n = np.bincount(root, weights=n_paid, minlength=n)
    group_sum = np.bincount(root, weights=sum_late, minlength=n)
    group_mean_late = _safe_div(group_sum, group_n)[root]

    rating = np.full(n, np.nan)
    rm = h.rating_day <= day
    if rm.any():
        order = np.lexsort((h.rating_day[rm], h.rating_cust[rm]))
        rc = h.rating_cust[rm][order]
        rs = h.rating_score[rm][order]
        last = np.r_[rc[1:] != rc[:-1], True]  # the newest rating of each customer
        rating[rc[last]] = rs[last]

    return {
        "n_paid": n_paid,
        "mean_late": mean_late,
        "wavg_late": wavg_late,
        "std_late": std_late,
        "share_late": share_late,
        "share_late30": share_late30,
        "recent_late": recent_late,
        "prior_late": prior_late,
        "late_trend": late_trend,
        "share_partial": share_partial,
        "n_short": n_short,
        "balance": balance,
        "past_due": past_due,
        "util": util,
        "past_due_util": past_due_util,
        "n_open": n_open,
        "max_dpd": max_dpd,
        "disputes_open": disputes_open,
        "dispute_age": dispute_age,
        "promises_broken": broken,
        "promises_kept": kept,
        "tenure_days": tenure,
        "mean_log_amount": mean_log_amount,
        "group_mean_late": group_mean_late,
        "rating_score": rating,
        "terms_days": h.cust_terms.astype(np.float64),
        "has_limit": has_limit.astype(np.float64),
    }


# ---------------------------------------------------------------------------- item features

ITEM_FEATURES: tuple[str, ...] = (
    "item_log_amount",
    "item_amount_rel",
    "item_terms",
    "item_age",
    "item_dpd",
    "item_open_share",
    "item_disputed",
    "item_due_month",
    "item_currency",
    "item_entity",
)
CATEGORICAL = ("item_currency", "item_entity", "item_due_month")
FEATURES: tuple[str, ...] = CUSTOMER_FEATURES + ITEM_FEATURES


@dataclass
class ItemRows:
    """Rows to predict: document index (or -1 for a customer's virtual new invoice) and the
    day the row is looked at."""

    doc: np.ndarray
    cust: np.ndarray
    day: np.ndarray
    matrix: np.ndarray  # float64 [rows, len(FEATURES)]


def item_matrix(
    h: History,
    cust_feats: dict[str, np.ndarray],
    docs: np.ndarray,
    day: int,
    open_amt: np.ndarray,
    *,
    at_issue: bool = False,
    fx_to_reporting: np.ndarray | None = None,
) -> np.ndarray:
    """The model matrix for documents ``docs`` seen on ``day`` (``at_issue``: seen on the day
    they were issued, as the backtest does for invoices issued after the training date)."""
    due = h.effective_due()[docs]
    cust = h.doc_cust[docs]
    cols = [cust_feats[name][cust] for name in CUSTOMER_FEATURES]
    amount = np.abs(h.amount[docs])
    rep = amount
    if fx_to_reporting is not None:
        rep = amount * np.nan_to_num(fx_to_reporting[docs], nan=1.0)
    log_amount = np.log(np.maximum(amount, 1e-9))
    seen = h.doc_date[docs] if at_issue else np.full(len(docs), day)
    terms = (due - h.doc_date[docs]).astype(np.float64)
    age = (seen - h.doc_date[docs]).astype(np.float64)
    dpd = (seen - due).astype(np.float64)
    open_share = np.ones(len(docs)) if at_issue else _safe_div(open_amt[docs], h.amount[docs])
    disputed = np.zeros(len(docs)) if at_issue else h.disputed[docs].astype(np.float64)
    months = month_of(due)
    cols += [
        np.log1p(rep),
        log_amount - cust_feats["mean_log_amount"][cust],
        terms,
        age,
        dpd,
        open_share,
        disputed,
        months,
        h.doc_currency[docs].astype(np.float64),
        h.cust_entity[cust].astype(np.float64),
    ]
    return np.column_stack(cols) if len(docs) else np.zeros((0, len(FEATURES)))


def virtual_matrix(
    h: History,
    cust_feats: dict[str, np.ndarray],
    day: int,
    cust_to_reporting: np.ndarray | None = None,
) -> np.ndarray:
    """One row per customer for a typical new invoice issued on ``day`` on the customer's terms:
    the customer-level prediction (works for customers with nothing open)."""
    n = h.n_customers
    cols = [cust_feats[name] for name in CUSTOMER_FEATURES]
    typical = np.nan_to_num(cust_feats["mean_log_amount"], nan=np.log(1000.0))
    factor = np.ones(n) if cust_to_reporting is None else np.nan_to_num(cust_to_reporting, nan=1.0)
    terms = h.cust_terms.astype(np.float64)
    due_months = month_of(day + h.cust_terms)
    cols += [
        np.log1p(np.exp(typical) * factor),
        np.zeros(n),
        terms,
        np.zeros(n),
        -terms,
        np.ones(n),
        np.zeros(n),
        due_months,
        h.cust_currency.astype(np.float64),
        h.cust_entity.astype(np.float64),
    ]
    return np.column_stack(cols) if n else np.zeros((0, len(FEATURES)))


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1-12) of epoch days, vectorised."""
    d64 = days.astype("datetime64[D]")
    return (d64.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.float64)


# ---------------------------------------------------------------------------- scorecard


@dataclass(frozen=True)
class Band:
    feature: str
    low: float | None
    high: float | None
    points: int
    missing: bool = False

    def matches(self, values: np.ndarray) -> np.ndarray:
        if self.missing:
            return np.isnan(values)
        ok = ~np.isnan(values)
        if self.low is not None:
            ok &= values >= self.low
        if self.high is not None:
            ok &= values < self.high
        return ok


# The features a scorecard band may use, with the reason code a band on it produces.
SCORECARD_FEATURES: dict[str, str] = {
    "mean_late": "late_avg",
    "wavg_late": "late_weighted",
    "share_late": "share_late",
    "share_late30": "share_late30",
    "late_trend": "late_trend",
    "share_partial": "partial_payments",
    "past_due_util": "past_due_limit",
    "util": "balance_limit",
    "max_dpd": "oldest_past_due",
    "disputes_open": "disputes_open",
    "promises_broken": "promises_broken",
    "promises_kept": "promises_kept",
    "tenure_days": "tenure",
    "rating_score": "rating",
    "group_mean_late": "group_late",
    "n_paid": "history_size",
}

DEFAULT_BASE_POINTS = 600
DEFAULT_BANDS: tuple[Band, ...] = (
    Band("mean_late", None, 1, 150),
    Band("mean_late", 1, 10, 60),
    Band("mean_late", 10, 30, -40),
    Band("mean_late", 30, 60, -160),
    Band("mean_late", 60, None, -300),
    Band("share_late30", 0.3, None, -80),
    Band("late_trend", 10, None, -80),
    Band("late_trend", None, -10, 30),
    Band("past_due_util", None, 0.05, 40),
    Band("past_due_util", 0.25, 0.6, -60),
    Band("past_due_util", 0.6, None, -150),
    Band("util", 1.0, None, -80),
    Band("max_dpd", 30, 90, -60),
    Band("max_dpd", 90, None, -200),
    Band("disputes_open", 1, 3, -40),
    Band("disputes_open", 3, None, -100),
    Band("promises_broken", 1, 2, -60),
    Band("promises_broken", 2, None, -140),
    Band("share_partial", 0.25, None, -40),
    Band("tenure_days", None, 180, -50),
    Band("tenure_days", 730, None, 40),
    Band("rating_score", None, 40, -120),
    Band("rating_score", 75, None, 50),
    Band("group_mean_late", 30, None, -50),
)

DEFAULT_CUTOFFS: tuple[int, ...] = (800, 650, 500, 350)  # lowest score of A, B, C, D


def scorecard_points(
    feats: dict[str, np.ndarray], bands: Sequence[Band], base_points: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores (0-1000) and the points each feature contributed, per customer."""
    n = len(next(iter(feats.values())))
    per_feature: dict[str, np.ndarray] = {}
    for band in bands:
        values = feats.get(band.feature)
        if values is None:
            continue
        hit = band.matches(values)
        per_feature.setdefault(band.feature, np.zeros(n))
        per_feature[band.feature] += np.where(hit, band.points, 0)
    total = np.full(n, float(base_points))
    for pts in per_feature.values():
        total += pts
    return np.clip(np.rint(total), 0, 1000).astype(np.int64), per_feature


def risk_class(score: int, cutoffs: Sequence[int]) -> str:
    """A for scores at or above the first cut-off ... E below the last."""
    for letter, low in zip("ABCD", cutoffs, strict=False):
        if score >= low:
            return letter
    return "E"


def late_probability_from_score(score: np.ndarray) -> np.ndarray:
    """The scorecard's P(paid more than the late threshold late): a logistic of the score."""
    return 1.0 / (1.0 + np.exp((score.astype(np.float64) - 450.0) / 90.0))


def score_from_probability(p: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(1000.0 * (1.0 - p)), 0, 1000).astype(np.int64)


# ---------------------------------------------------------------------------- reasons


def _r(value: float, digits: int = 0) -> float | int:
    if digits == 0:
        return round(value)
    return round(float(value), digits)


def reason_params(code: str, feats: dict[str, np.ndarray], i: int, extra: dict[str, Any]) -> dict:
    """The numbers a reason's text needs, for customer ``i``."""

    def f(name: str) -> float:
        return float(feats[name][i])

    if code in ("late_avg", "late_weighted", "late_trend"):
        params: dict[str, Any] = {
            "days": _r(f("mean_late" if code != "late_weighted" else "wavg_late"))
        }
        trend = f("late_trend")
        if not math.isnan(trend):
            params["trend"] = _r(trend)
            params["recent"] = _r(f("recent_late"))
            params["prior"] = _r(f("prior_late"))
        return params
    if code in ("share_late", "share_late30", "partial_payments"):
        name = {"share_late": "share_late", "share_late30": "share_late30",
                "partial_payments": "share_partial"}[code]  # fmt: skip
        return {"pct": _r(100 * f(name)), "days": extra.get("late_days", 30)}
    if code in ("past_due_limit", "balance_limit"):
        name = "past_due_util" if code == "past_due_limit" else "util"
        return {"pct": _r(100 * f(name))}
    if code == "oldest_past_due":
        return {"days": _r(f("max_dpd"))}
    if code == "disputes_open":
        return {"count": _r(f("disputes_open")), "days": _r(f("dispute_age"))}
    if code in ("promises_broken", "promises_kept"):
        return {"count": _r(f(code)), "days": 90}
    if code == "tenure":
        return {"months": _r(f("tenure_days") / 30.4)}
    if code == "rating":
        return {"score": _r(f("rating_score")), **extra.get("rating", {}).get(i, {})}
    if code == "group_late":
        return {"days": _r(f("group_mean_late"))}
    if code == "history_size":
        return {"count": _r(f("n_paid"))}
    return {}


_REASON_FEATURE = {reason: feature for feature, reason in SCORECARD_FEATURES.items()}


def is_missing(code: str, feats: dict[str, np.ndarray], i: int) -> bool:
    """A reason cannot be given from an unknown value (no history, no limit...)."""
    feature = _REASON_FEATURE.get(code)
    return feature is not None and bool(np.isnan(feats[feature][i]))


def top_reasons(
    contributions: dict[str, np.ndarray],
    feats: dict[str, np.ndarray],
    i: int,
    extra: dict[str, Any],
    *,
    limit: int = 3,
    ci: int | None = None,
) -> list[dict[str, Any]]:
    """The ``limit`` reasons with the largest effect on customer ``i`` (``contributions[code]``
    is positive when the feature makes the customer riskier), most important first. Risk-raising
    reasons come first; when fewer than ``limit`` raise risk, the strongest safe ones follow."""
    items = []
    at = i if ci is None else ci  # the contributions' row, when they are indexed differently
    for code, values in contributions.items():
        value = float(values[at])
        if math.isnan(value) or abs(value) < 1e-3 or is_missing(code, feats, i):
            continue
        items.append((code, value))
    bad = sorted((x for x in items if x[1] > 0), key=lambda x: -x[1])
    good = sorted((x for x in items if x[1] < 0), key=lambda x: x[1])
    chosen = (bad + good)[:limit]
    return [
        {
            "code": code,
            "params": reason_params(code, feats, i, extra)
            | {"direction": "up" if v > 0 else "down"},
            "weight": round(v, 4),
        }
        for code, v in chosen
    ]


# Reason groups for the learned model: the features reset to their typical value together.
MODEL_REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "late_avg": ("mean_late", "wavg_late", "std_late", "recent_late"),
    "late_trend": ("late_trend", "prior_late"),
    "share_late30": ("share_late", "share_late30"),
    "partial_payments": ("share_partial", "n_short"),
    "past_due_limit": ("past_due_util", "past_due"),
    "balance_limit": ("util",),
    "oldest_past_due": ("max_dpd",),
    "disputes_open": ("disputes_open", "dispute_age"),
    "promises_broken": ("promises_broken", "promises_kept"),
    "tenure": ("tenure_days",),
    "rating": ("rating_score",),
    "group_late": ("group_mean_late",),
}
