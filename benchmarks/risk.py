"""Risk benchmarks on the imported 100k-customer portfolio (PostgreSQL).

The benchmark portfolio holds open items only, so ``history`` first adds (untimed, once) two years
of paid invoices with receipts and applications, ~20 per customer (about 2M items), whose days late
follow five deterministic payment behaviours. Then:

* ``risk_train``: ``openar score train`` on that history (target 180 s, peak < 4 GB);
* ``risk_score``: ``openar score refresh`` of every customer and open item (target 60 s).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

HISTORY_SOURCE = "bench-hist"
PER_CUSTOMER = 20


def _django() -> None:
    from benchmarks.scenarios import _django as setup

    setup()


def _ensure_history(as_of: dt.date) -> dict[str, Any]:
    """Paid invoices before ``as_of`` for every customer (PostgreSQL only), added once."""
    from django.db import connection

    from openar.ledger.models import Document

    if connection.vendor != "postgresql":
        return {"history_items": 0, "history_seconds": 0.0}
    existing = Document.objects.filter(source=HISTORY_SOURCE).count()
    if existing:
        return {"history_items": existing, "history_seconds": 0.0}
    started = time.perf_counter()
    # late = f(behaviour, noise): behaviour = id % 5 (prompt, normal, late, deteriorating,
    # seasonal); noise from a multiplicative hash, so the data is the same on every run.
    docs_sql = f"""
        INSERT INTO ledger_document (entity_id, customer_id, document_ref, document_type,
            document_date, due_date, currency, amount, open_amount, functional_currency,
            cleared_date, reference, po_number, disputed, attributes, source, external_ref,
            created_at, updated_at)
        SELECT c.entity_id, c.id, 'H' || c.id || '-' || g.n, 'invoice', x.doc_date,
            x.doc_date + c.payment_terms_days::int, c.currency, x.amount, 0, e.currency,
            x.doc_date + c.payment_terms_days::int + x.late, '', '', false, '{{}}',
            '{HISTORY_SOURCE}', '', now(), now()
        FROM ledger_customer c
        JOIN ledger_entity e ON e.id = c.entity_id
        CROSS JOIN generate_series(1, {PER_CUSTOMER}) AS g(n)
        CROSS JOIN LATERAL (
            SELECT (%(as_of)s::date - 720 + (g.n * 30 + c.id %% 29)::int) AS doc_date,
                   round((100 + ((c.id * 7919 + g.n * 104729) %% 5000))::numeric, 2) AS amount,
                   ((c.id * 2654435761 + g.n * 40503) %% 1000) / 1000.0 AS u
        ) r0
        CROSS JOIN LATERAL (
            SELECT r0.doc_date, r0.amount,
              CASE c.id %% 5
                WHEN 0 THEN floor(-4 + 8 * r0.u)
                WHEN 1 THEN floor(30 * r0.u * r0.u)
                WHEN 2 THEN floor(20 + 70 * r0.u)
                WHEN 3 THEN floor(5 * r0.u + g.n * 4)
                ELSE CASE WHEN extract(month FROM r0.doc_date) IN (11, 12, 1)
                          THEN floor(30 + 40 * r0.u) ELSE floor(6 * r0.u) END
              END::int AS late
        ) x
        WHERE x.doc_date + c.payment_terms_days::int + x.late <= %(as_of)s::date
    """
    receipts_sql = f"""
        INSERT INTO ledger_receipt (entity_id, receipt_ref, customer_id, receipt_date, currency,
            amount, method, remittance, attributes, source, external_ref, created_at, updated_at)
        SELECT d.entity_id, 'HR' || d.id, d.customer_id, d.cleared_date, d.currency, d.amount,
            'wire', '', '{{}}', '{HISTORY_SOURCE}', '', now(), now()
        FROM ledger_document d WHERE d.source = '{HISTORY_SOURCE}'
    """
    apps_sql = f"""
        INSERT INTO ledger_application (receipt_id, document_id, amount, applied_date, source,
            created_at, updated_at)
        SELECT r.id, d.id, d.amount, d.cleared_date, '{HISTORY_SOURCE}', now(), now()
        FROM ledger_document d
        JOIN ledger_receipt r ON r.entity_id = d.entity_id AND r.receipt_ref = 'HR' || d.id
        WHERE d.source = '{HISTORY_SOURCE}'
    """
    with connection.cursor() as cursor:
        cursor.execute(docs_sql, {"as_of": as_of})
        cursor.execute(receipts_sql)
        cursor.execute(apps_sql)
        cursor.execute("ANALYZE ledger_document")
        cursor.execute("ANALYZE ledger_application")
    count = Document.objects.filter(source=HISTORY_SOURCE).count()
    return {"history_items": count, "history_seconds": round(time.perf_counter() - started, 1)}


def train(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: ``openar score train`` on the whole history."""
    _django()
    from openar.ledger.models import Document
    from openar.risk.services import model_train

    prepared = _ensure_history(as_of)
    cleared = Document.objects.filter(cleared_date__lte=as_of).count()
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"{time.perf_counter() - started:8.1f}s {message}", file=sys.stderr, flush=True)

    result = model_train(as_of=as_of, actor="bench", progress=progress)
    seconds = time.perf_counter() - started
    return {
        "rows": cleared,
        "seconds": seconds,
        "n_train": result.n_train,
        "error": result.error or None,
        "rejected": 1 if result.error else 0,
        **prepared,
    }


def score(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: ``openar score refresh`` of every customer and open item."""
    _django()
    from openar.risk.services import scores_refresh_run

    prepared = _ensure_history(as_of)
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"{time.perf_counter() - started:8.1f}s {message}", file=sys.stderr, flush=True)

    result = scores_refresh_run(as_of=as_of, actor="bench", progress=progress)
    seconds = time.perf_counter() - started
    return {
        "rows": result.items,
        "seconds": seconds,
        "customers": result.customers,
        "by_engine": result.by_engine,
        "by_class": result.by_class,
        **prepared,
    }
