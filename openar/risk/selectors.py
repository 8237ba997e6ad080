"""Reads of risk scores for other apps (strategies, queues, the customer page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import F, Min, Window
from django.db.models.functions import RowNumber

from openar.core.errors import NotFound
from openar.ledger.models import Customer, Document, Entity
from openar.risk.domain import DOC_TYPE_CODES, NO_DATE, Band, History, from_day, to_day
from openar.risk.models import CustomerScore, RiskModel, Scorecard


@dataclass(frozen=True)
class ScoreSnapshot:
    customer_id: int
    as_of: dt.date
    score: int
    risk_class: str
    previous_class: str | None  # the class of the score before this one, if any
    engine: str
    reasons: list[dict[str, Any]]


def latest_scores(
    *, as_of: dt.date, customer_ids: Iterable[int] | None = None
) -> dict[int, ScoreSnapshot]:
    """Each customer's newest score on or before ``as_of`` with the class it had before."""
    qs = CustomerScore.objects.filter(as_of__lte=as_of)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    newest: dict[int, ScoreSnapshot] = {}
    # Only the two newest rows per customer are read (a window function), however long the
    # history; ordering by customer then date keeps it one pass.
    qs = qs.annotate(
        newest=Window(RowNumber(), partition_by=[F("customer_id")], order_by=F("as_of").desc())
    ).filter(newest__lte=2)
    rows = qs.order_by("customer_id", "-as_of").values_list(
        "customer_id", "as_of", "score", "risk_class", "engine", "reasons"
    )
    seen: dict[int, int] = {}
    for customer_id, day, score, risk_class, engine, reasons in rows.iterator(chunk_size=5000):
        count = seen.get(customer_id, 0)
        if count == 0:
            newest[customer_id] = ScoreSnapshot(
                customer_id, day, score, risk_class, None, engine, reasons
            )
        elif count == 1:
            snap = newest[customer_id]
            newest[customer_id] = ScoreSnapshot(
                snap.customer_id, snap.as_of, snap.score, snap.risk_class, risk_class,
                snap.engine, snap.reasons,
            )  # fmt: skip
        seen[customer_id] = count + 1
    return newest


# ---------------------------------------------------------------------------- history arrays


def _day_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _num_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column}::float8"
    return f"CAST({column} AS REAL)"


def _copy_matrix(sql: str, params: list[Any], ncols: int) -> np.ndarray:
    """PostgreSQL: the rows of ``sql`` (every column a non-null float8) through a binary COPY,
    decoded by numpy in one step: no Python object per value."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params)
        data = bytearray()
        with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
            for chunk in copy:
                data += chunk
    # 11-byte signature, 4-byte flags, 4-byte header extension length, then fixed-size rows:
    # int16 field count and (int32 length, float8 value) per field; an int16 -1 trailer.
    header = 19 + int.from_bytes(data[15:19], "big")
    body = memoryview(data)[header : len(data) - 2]
    row = np.dtype([("n", ">i2")] + [
        item for i in range(ncols) for item in ((f"l{i}", ">i4"), (f"v{i}", ">f8"))
    ])  # fmt: skip
    rows = np.frombuffer(body, dtype=row)
    out = np.empty((len(rows), ncols))
    for i in range(ncols):
        out[:, i] = rows[f"v{i}"]
    return out


def _fetch_matrix(sql: str, params: list[Any], ncols: int) -> np.ndarray:
    """The numeric rows of ``sql`` as one float64 matrix, fetched in chunks so a few million
    rows never exist as Python objects all at once."""
    if connection.vendor == "postgresql":
        cols = ", ".join(f"c{i}::float8" for i in range(ncols))
        names = ", ".join(f"c{i}" for i in range(ncols))
        return _copy_matrix(f"SELECT {cols} FROM ({sql}) AS q ({names})", params, ncols)
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(100_000)
            if not chunk:
                break
            blocks.append(np.array(chunk, dtype=np.float64).reshape(len(chunk), ncols))
    return np.vstack(blocks) if blocks else np.zeros((0, ncols))


def _case_sql(column: str, codes: dict[str, int]) -> str:
    """Map text values to integer codes in SQL (the values are our own vocabulary, quoted)."""
    whens = " ".join(
        f"WHEN '{value.replace(chr(39), chr(39) * 2)}' THEN {code}" for value, code in codes.items()
    )
    return f"CASE {column} {whens} ELSE -1 END" if whens else "-1"


def load_history(
    *,
    as_of: dt.date,
    since: dt.date | None,
    entity_code: str | None = None,
    reporting_currency: str | None = None,
) -> History:
    """Documents issued by ``as_of`` that were open on ``as_of`` or cleared after ``since`` (all
    cleared ones when ``since`` is None), their applications, and every customer (of the entity)."""
    from django.conf import settings

    from openar.activity.models import PromiseToPay
    from openar.ledger.hierarchy import customer_roots
    from openar.risk.models import CreditRating

    reporting = (reporting_currency or settings.OPENAR_REPORTING_CURRENCY).upper()
    cust_qs = Customer.objects.order_by("id")
    entity_id = None
    if entity_code:
        entity_id = Entity.objects.filter(code=entity_code).values_list("id", flat=True).first()
        if entity_id is None:
            raise NotFound(f"no entity {entity_code!r}", field="entity")
        cust_qs = cust_qs.filter(entity_id=entity_id)
    cust_rows = list(
        cust_qs.values_list("id", "entity__code", "currency", "credit_limit", "payment_terms_days")
    )
    cust_id = np.array([r[0] for r in cust_rows], dtype=np.int64)
    entities = sorted({r[1] for r in cust_rows})
    ent_index = {code: i for i, code in enumerate(entities)}

    where = ["d.document_date <= %s"]
    params: list[Any] = [as_of]
    if since is not None:
        where.append("(d.cleared_date IS NULL OR d.cleared_date > %s)")
        params.append(since)
    if entity_id is not None:
        where.append("c.entity_id = %s")
        params.append(entity_id)
    cond = " AND ".join(where)
    doc_currencies = set(
        Document.objects.filter(document_date__lte=as_of).values_list("currency", flat=True)
        .distinct().order_by()
    )  # fmt: skip
    currencies = sorted({reporting, *{r[2] for r in cust_rows}, *doc_currencies})
    cur_index = {c: i for i, c in enumerate(currencies)}
    cust_pos = {cid: i for i, cid in enumerate(cust_id.tolist())}
    doc_sql = (
        f"SELECT d.id, d.customer_id, {_case_sql('d.document_type', DOC_TYPE_CODES)}, "
        f"{_day_sql('d.document_date')}, "
        f"{_day_sql('d.due_date')}, COALESCE({_day_sql('d.cleared_date')}, {NO_DATE}), "
        f"{_num_sql('d.amount')}, {_num_sql('d.open_amount')}, "
        f"{_case_sql('d.currency', cur_index)}, CASE WHEN d.disputed THEN 1 ELSE 0 END "
        f"FROM ledger_document d JOIN ledger_customer c ON c.id = d.customer_id "
        f"WHERE {cond}"
    )
    docs = _fetch_matrix(doc_sql, params, 10)
    # Sorted here rather than by the database (numpy sorts 3M ids in a fraction of a second).
    if len(docs) > 1 and not (np.diff(docs[:, 0]) > 0).all():
        docs = docs[np.argsort(docs[:, 0], kind="stable")]
    doc_id = docs[:, 0].astype(np.int64)
    app_sql = (
        f"SELECT a.document_id, {_day_sql('a.applied_date')}, {_num_sql('a.amount')} "
        f"FROM ledger_application a JOIN ledger_document d ON d.id = a.document_id "
        f"JOIN ledger_customer c ON c.id = d.customer_id WHERE {cond}"
    )
    apps = _fetch_matrix(app_sql, params, 3)
    app_doc_id = apps[:, 0].astype(np.int64)
    app_doc = np.searchsorted(doc_id, app_doc_id)

    first_qs = Document.objects.filter(document_date__lte=as_of)
    if entity_id is not None:
        first_qs = first_qs.filter(customer__entity_id=entity_id)
    first = dict(
        first_qs.values("customer_id")
        .annotate(first=Min("document_date"))
        .values_list("customer_id", "first")
    )
    roots = customer_roots()
    n = len(cust_id)
    root_idx = np.arange(n, dtype=np.int64)
    for i, cid in enumerate(cust_id.tolist()):
        root = roots.get(cid, cid)
        root_idx[i] = cust_pos.get(root, i)

    promises = list(
        PromiseToPay.objects.filter(
            status__in=["kept", "broken"], resolved_on__isnull=False, resolved_on__lte=as_of
        ).values_list("customer_id", "resolved_on", "status")
    )
    promises = [p for p in promises if p[0] in cust_pos]
    ratings = [
        r
        for r in CreditRating.objects.filter(rated_on__lte=as_of).values_list(
            "customer_id", "rated_on", "score"
        )
        if r[0] in cust_pos
    ]
    return History(
        doc_id=doc_id,
        doc_cust=np.searchsorted(cust_id, docs[:, 1].astype(np.int64)),
        doc_type=np.maximum(docs[:, 2], 0).astype(np.int8),
        doc_date=docs[:, 3].astype(np.int64),
        due=docs[:, 4].astype(np.int64),
        cleared=docs[:, 5].astype(np.int64),
        amount=docs[:, 6].copy(),
        open_now=docs[:, 7].copy(),
        doc_currency=docs[:, 8].astype(np.int64),
        disputed=docs[:, 9] > 0,
        app_doc=app_doc.astype(np.int64),
        app_date=apps[:, 1].astype(np.int64),
        app_amount=apps[:, 2].copy(),
        cust_id=cust_id,
        cust_entity=np.array([ent_index[r[1]] for r in cust_rows], dtype=np.int64),
        cust_currency=np.array([cur_index[r[2]] for r in cust_rows], dtype=np.int64),
        cust_limit=np.array(
            [np.nan if r[3] is None else float(r[3]) for r in cust_rows], dtype=np.float64
        ),
        cust_terms=np.array([r[4] for r in cust_rows], dtype=np.int64),
        cust_root=root_idx,
        cust_first=np.array(
            [to_day(first[c]) if c in first else NO_DATE for c in cust_id.tolist()],
            dtype=np.int64,
        ),
        currencies=currencies,
        entities=entities,
        promise_cust=np.array([cust_pos[p[0]] for p in promises], dtype=np.int64),
        promise_day=np.array([to_day(p[1]) for p in promises if p[1]], dtype=np.int64),
        promise_kept=np.array([1 if p[2] == "kept" else 0 for p in promises], dtype=np.int64),
        rating_cust=np.array([cust_pos[r[0]] for r in ratings], dtype=np.int64),
        rating_day=np.array([to_day(r[1]) for r in ratings], dtype=np.int64),
        rating_score=np.array([float(r[2]) for r in ratings], dtype=np.float64),
    )


def fx_factors(h: History, day: int, reporting_currency: str | None = None) -> tuple[Any, Any]:
    """(per document: factor to its customer's currency, to the reporting currency) with the
    latest rates known on ``day``; NaN where no rate was known."""
    from django.conf import settings

    from openar.core.money import cross_rate
    from openar.ledger.selectors import latest_rates

    reporting = (reporting_currency or settings.OPENAR_REPORTING_CURRENCY).upper()
    rates = latest_rates(from_day(day))
    k = len(h.currencies)
    matrix = np.full((k, k), np.nan)
    for i, a in enumerate(h.currencies):
        for j, b in enumerate(h.currencies):
            rate = cross_rate(a, b, rates)
            if rate is not None:
                matrix[i, j] = float(rate.rate)
    rep = h.currencies.index(reporting)
    to_customer = matrix[h.doc_currency, h.cust_currency[h.doc_cust]]
    to_reporting = matrix[h.doc_currency, rep]
    return to_customer, to_reporting


def customer_to_reporting(h: History, day: int, reporting_currency: str | None = None) -> Any:
    from django.conf import settings

    from openar.core.money import cross_rate
    from openar.ledger.selectors import latest_rates

    reporting = (reporting_currency or settings.OPENAR_REPORTING_CURRENCY).upper()
    rates = latest_rates(from_day(day))
    factors = []
    for cur in h.currencies:
        rate = cross_rate(cur, reporting, rates)
        factors.append(np.nan if rate is None else float(rate.rate))
    return np.array(factors)[h.cust_currency]


def customer_score_history(
    *, customer_id: int, as_of: dt.date, limit: int = 60
) -> list[CustomerScore]:
    """The customer's scores up to ``as_of``, oldest first (the newest ``limit``)."""
    rows = list(
        CustomerScore.objects.filter(customer_id=customer_id, as_of__lte=as_of).order_by("-as_of")[
            :limit
        ]
    )
    rows.reverse()
    return rows


def class_distribution(*, as_of: dt.date) -> tuple[dt.date | None, dict[str, int]]:
    """Customers per class on the newest scoring day on or before ``as_of``."""
    from django.db.models import Count, Max

    day = CustomerScore.objects.filter(as_of__lte=as_of).aggregate(d=Max("as_of"))["d"]
    if day is None:
        return None, {}
    counts = dict(
        CustomerScore.objects.filter(as_of=day)
        .values("risk_class")
        .annotate(n=Count("id"))
        .values_list("risk_class", "n")
        .order_by()
    )
    return day, {c: counts.get(c, 0) for c in "ABCDE"}


def active_models() -> dict[str, RiskModel]:
    """The active learned model of each scope (an entity code, or "all")."""
    return {m.scope: m for m in RiskModel.objects.filter(status="active")}


def scorecard_bands(card: Scorecard) -> list[Band]:
    """The scorecard's points table in its order."""
    return [
        Band(b.feature, b.low, b.high, b.points, b.missing)
        for b in card.bands.order_by("order", "id")
    ]


def previous_classes(as_of: dt.date, customer_ids: set[int] | None) -> dict[int, str]:
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


def customer_by_ref(customer_ref: str) -> Customer:
    """The customer with this reference, or NotFound naming it."""
    try:
        return Customer.objects.get(customer_ref=customer_ref)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer_ref!r}", field="customer_ref") from None
