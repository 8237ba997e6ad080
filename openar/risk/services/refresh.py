"""The daily score refresh: every customer's score and class, each open item's prediction, and an
account event for each customer whose class got worse."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from openar.activity.services import account_event_record
from openar.core.audit import audit_record
from openar.core.bulk import copy_rows
from openar.core.money import quantize
from openar.risk.domain import LOOKBACK_DAYS, from_day, to_day
from openar.risk.models import CustomerScore, ItemPrediction
from openar.risk.scoring import score_portfolio
from openar.risk.selectors import customer_to_reporting, fx_factors, load_history, previous_classes
from openar.risk.services.common import Progress, say
from openar.risk.services.scorecard import scoring_config


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


def _record_class_drop(customer_id: int, as_of: dt.date, before: str, after: str) -> None:
    ref = f"risk:{customer_id}:{as_of.isoformat()}"
    details = {"from": before, "to": after}
    account_event_record(
        customer=customer_id, kind="class_dropped", occurred_on=as_of, ref=ref,
        details=details, source="risk",
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
    say(progress, "loading history")
    h = load_history(
        as_of=as_of, since=as_of - dt.timedelta(days=LOOKBACK_DAYS + 1), entity_code=entity
    )
    say(progress, f"loaded {h.n_docs} documents, {len(h.app_doc)} applications")
    config, warnings = scoring_config(h)
    fx = fx_factors(h, day)
    say(progress, f"scoring {h.n_customers} customers, {h.n_docs} documents")
    result = score_portfolio(h, day, fx, customer_to_reporting(h, day), config)
    ids = h.cust_id.tolist()
    currencies = [h.currencies[c] for c in h.cust_currency.tolist()]
    exps = {cur: quantize(Decimal(0), cur) for cur in set(currencies)}
    previous = previous_classes(as_of, set(ids) if entity else None)
    say(progress, "writing scores")
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
        say(progress, f"wrote {len(scores)} scores")
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
        say(progress, f"wrote {len(doc_ids)} item predictions")
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
