"""Posting cash to documents: the one service that writes applications and changes what a
document has open. Cash application (a bank line applied by a rule or a person) and the ERP
applications import both post through ``applications_post``.

Postings are staged in a temporary table (``line, receipt_id, document_id, amount,
applied_date``) and checked and written with a few set-based statements, so twenty thousand
bank lines or millions of imported applications cost a handful of queries, not one per row.

Two effects:
- ``cash``: new cash. The documents are locked in id order, each posting must fit in what the
  document has open (sign and amount), in the receipt's entity, and not be applied already;
  open, functional open and cleared date follow. A posting in the receipt's currency takes its
  amount from the receipt. One in another currency names what it takes from the receipt
  (``receipt_amount``, in the receipt's currency): it is converted at the latest stored rate on
  or before the applied date, what the document clears must be within the FX tolerance of that
  (``core.money.FX_TOLERANCE``), and the rate, its date and the FX difference are recorded
  on the application.
- ``history``: applications the ERP already made (its items file carries the open amounts), so
  the documents are not changed: an application is created or updated, and what is applied to a
  document in total stays within its amount.
Both refuse a receipt applied beyond what it received (in its own currency).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.bulk import Stage, execute, fetch, is_postgres, scalar
from openar.core.errors import Conflict, ValidationError
from openar.core.money import FX_TOLERANCE, ZERO, format_amount, fx_terms, fx_within, quantize
from openar.ledger.choices import PostingEffect
from openar.ledger.models import Document, Receipt
from openar.ledger.selectors.rates import fx_rate

POSTING_COLUMNS = [
    ("line", "int"),
    ("receipt_id", "int"),
    ("document_id", "int"),
    ("amount", "num"),
    ("applied_date", "date"),
    # A posting in another currency than the receipt's: what it takes from the receipt, and
    # (filled by the checks) the rate used, its date and the FX difference.
    ("receipt_amount", "num"),
    ("fx_rate", "num"),
    ("fx_rate_date", "date"),
    ("fx_difference", "num"),
]
_CHUNK = 2000
_RATE_PLACES = Decimal("1E-10")


@dataclass(frozen=True)
class Posting:
    """One application to post: ``amount`` of ``receipt_id`` to ``document_id``, in the
    document's currency and with its sign. When the document is in another currency than the
    receipt, ``receipt_amount`` is what the posting takes from the receipt, in its currency."""

    receipt_id: int
    document_id: int
    amount: Decimal
    applied_date: dt.date
    receipt_amount: Decimal | None = None


@dataclass(frozen=True)
class PostingError:
    """Why the posting staged on ``line`` is refused; ``field`` is receipt, document or amount."""

    line: int
    field: str
    message: str
    code: str


class PostingRefused(Conflict):
    """At least one posting does not fit; nothing was written. ``errors`` holds every reason."""

    def __init__(self, errors: Sequence[PostingError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first.message}{more}", code=first.code, field="allocations")
        self.errors = list(errors)


@dataclass
class PostingResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    documents: int = 0  # documents whose open amount changed (cash)
    # (receipt id, document id) -> application id, for cash postings (they stay few).
    applications: dict[tuple[int, int], int] = field(default_factory=dict)


def postings_stage(postings: Iterable[Posting], name: str = "openar_stage_postings") -> Stage:
    """Stage ``postings`` for ``applications_post``; a posting's line is its position (1-based)."""
    stage = Stage(name, POSTING_COLUMNS)
    stage.create()
    with stage.writer() as write:
        for line, p in enumerate(postings, start=1):
            write(
                (line, p.receipt_id, p.document_id, p.amount, p.applied_date, p.receipt_amount,
                 None, None, None)
            )  # fmt: skip
    stage.index("document_id")
    stage.index("receipt_id", "document_id")
    return stage


# --------------------------------------------------------------------------- checks
def applications_check(
    *, stage: Stage, effect: str, fx_tolerance: Decimal = FX_TOLERANCE
) -> list[PostingError]:
    """Every reason ``applications_post`` would refuse the staged postings, by line. Rows whose
    receipt or document is not resolved (NULL) are the caller's to report and are skipped.
    Cash postings in another currency get their rate and FX difference filled in the stage."""
    s = stage.name
    stage.index("document_id")
    stage.index("receipt_id", "document_id")
    errors: list[PostingError] = []
    resolved = "s.receipt_id IS NOT NULL AND s.document_id IS NOT NULL"
    for line, doc_id in fetch(
        f"SELECT s.line, s.document_id FROM {s} s WHERE s.document_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM ledger_document d WHERE d.id = s.document_id)"
    ):
        errors.append(
            PostingError(line, "document", f"document {doc_id} no longer exists", "not_found")
        )
    for line, rec_id in fetch(
        f"SELECT s.line, s.receipt_id FROM {s} s WHERE s.receipt_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM ledger_receipt r WHERE r.id = s.receipt_id)"
    ):
        errors.append(
            PostingError(line, "receipt", f"receipt {rec_id} no longer exists", "not_found")
        )
    for line, first in fetch(
        f"SELECT s.line, MIN(s2.line) FROM {s} s JOIN {s} s2 ON s2.receipt_id = s.receipt_id "
        "AND s2.document_id = s.document_id AND s2.line < s.line GROUP BY s.line"
    ):
        errors.append(
            PostingError(line, "document", f"duplicate of line {first} (same receipt)", "duplicate")
        )
    pair = (
        f"FROM {s} s JOIN ledger_document d ON d.id = s.document_id "
        f"JOIN ledger_receipt r ON r.id = s.receipt_id WHERE {resolved}"
    )
    for line, ref in fetch(f"SELECT s.line, d.document_ref {pair} AND d.entity_id <> r.entity_id"):
        errors.append(
            PostingError(
                line, "document", f"{ref} belongs to another entity than the receipt",
                "foreign_entity",
            )
        )  # fmt: skip
    for (line,) in fetch(
        f"SELECT s.line {pair} AND ((d.amount < 0 AND s.amount >= 0) OR "
        "(d.amount >= 0 AND s.amount <= 0))"
    ):
        errors.append(
            PostingError(
                line, "amount", "must have the same sign as the document amount", "wrong_sign"
            )
        )
    if effect == PostingEffect.CASH:
        errors.extend(_cash_checks(s, pair))
        errors.extend(_fx_checks(s, pair, fx_tolerance))
    else:
        errors.extend(_history_checks(s))
    errors.extend(_receipt_checks(s, effect))
    return sorted(errors, key=lambda e: (e.line, e.field))


def _cash_checks(s: str, pair: str) -> list[PostingError]:
    errors = []
    for line, ref, doc_cur, rec_cur in fetch(
        f"SELECT s.line, d.document_ref, d.currency, r.currency {pair} "
        "AND d.currency <> r.currency AND s.receipt_amount IS NULL"
    ):
        errors.append(
            PostingError(
                line, "document",
                f"{ref} is in {doc_cur}, the payment in {rec_cur}: name the amount taken from "
                f"the payment in {rec_cur}", "currency_mismatch",
            )
        )  # fmt: skip
    for line, ref in fetch(
        f"SELECT s.line, d.document_ref {pair} AND EXISTS (SELECT 1 FROM ledger_application a "
        "WHERE a.receipt_id = s.receipt_id AND a.document_id = s.document_id)"
    ):
        errors.append(
            PostingError(
                line, "document", f"this payment is already applied to {ref}", "already_applied"
            )
        )
    # What the postings take from each document must fit in what it has open (same sign).
    for line, ref, currency, open_amount, total in fetch(
        f"WITH staged AS (SELECT document_id, SUM(amount) AS amt FROM {s} "
        "WHERE document_id IS NOT NULL GROUP BY document_id) "
        f"SELECT s.line, d.document_ref, d.currency, d.open_amount, st.amt FROM {s} s "
        "JOIN staged st ON st.document_id = s.document_id "
        "JOIN ledger_document d ON d.id = s.document_id "
        "WHERE (d.amount >= 0 AND (d.open_amount <= 0 OR "
        "ROUND(st.amt, 4) > ROUND(d.open_amount, 4))) "
        "OR (d.amount < 0 AND (d.open_amount >= 0 OR ROUND(st.amt, 4) < ROUND(d.open_amount, 4)))"
    ):
        errors.append(
            PostingError(
                line, "amount",
                f"{ref}: only {format_amount(Decimal(str(open_amount)), currency)} {currency} "
                f"is open, cannot apply {format_amount(Decimal(str(total)), currency)}",
                "over_application",
            )
        )  # fmt: skip
    return errors


def _fx_checks(s: str, pair: str, tolerance: Decimal) -> list[PostingError]:
    """Postings in another currency than the receipt's: the stored rate of the applied date
    (latest on or before it; direct, inverse or through USD/EUR), and what the document clears
    within the tolerance of the receipt amount converted at it. Fills the stage's rate, rate
    date and FX difference."""
    errors: list[PostingError] = []
    rates: dict[tuple[str, str, dt.date], Any] = {}
    filled: list[tuple[Decimal, dt.date, Decimal, int]] = []
    for line, ref, amount, receipt_amount, applied, doc_cur, rec_cur in fetch(
        f"SELECT s.line, d.document_ref, s.amount, s.receipt_amount, s.applied_date, d.currency, "
        f"r.currency {pair} AND d.currency <> r.currency AND s.receipt_amount IS NOT NULL "
        "ORDER BY s.line"
    ):
        amount = Decimal(str(amount))
        receipt_amount = Decimal(str(receipt_amount))
        day = applied if isinstance(applied, dt.date) else dt.date.fromisoformat(str(applied))
        if (receipt_amount > 0) != (amount > 0) or quantize(receipt_amount, rec_cur) != (
            receipt_amount
        ):
            errors.append(
                PostingError(
                    line, "amount",
                    f"{ref}: the amount taken from the payment ({receipt_amount} {rec_cur}) must "
                    f"have the document's sign and {rec_cur}'s decimals", "fx_amount",
                )
            )  # fmt: skip
            continue
        key = (rec_cur, doc_cur, day)
        if key not in rates:
            rates[key] = fx_rate(rec_cur, doc_cur, day)
        found = rates[key]
        if found is None:
            errors.append(
                PostingError(
                    line, "document",
                    f"{ref} is in {doc_cur}, the payment in {rec_cur}: no stored "
                    f"{rec_cur}/{doc_cur} rate on or before {day.isoformat()}", "no_rate",
                )
            )  # fmt: skip
            continue
        converted, difference = fx_terms(
            amount=amount, receipt_amount=receipt_amount, rate=found.rate, currency=doc_cur
        )
        if not fx_within(difference, converted, doc_cur, tolerance):
            errors.append(
                PostingError(
                    line, "amount",
                    f"{ref}: {format_amount(receipt_amount, rec_cur)} {rec_cur} at "
                    f"{found.rate.normalize():f} ({found.date.isoformat()}) is "
                    f"{format_amount(converted, doc_cur)} {doc_cur}, too far from "
                    f"{format_amount(amount, doc_cur)} {doc_cur}", "fx_tolerance",
                )
            )  # fmt: skip
            continue
        filled.append((found.rate.quantize(_RATE_PLACES), found.date, difference, line))
    for rate, rate_date, difference, line in filled:
        execute(
            f"UPDATE {s} SET fx_rate = %s, fx_rate_date = %s, fx_difference = %s WHERE line = %s",
            [rate, rate_date, difference, line],
        )
    return errors


def _history_checks(s: str) -> list[PostingError]:
    # Applied to a document in total (kept applications plus the staged ones, which replace
    # the same receipt's) stays within its amount. Totals compare rounded to the stored scale:
    # SQLite sums REALs, and 72.78 + 118.14 must equal 190.92 there as in numeric.
    return [
        PostingError(line, "amount", f"more is applied to {ref!r} than its amount", "over_amount")
        for line, ref in fetch(
            f"WITH staged AS (SELECT document_id, SUM(amount) AS amt FROM {s} "
            f"WHERE document_id IS NOT NULL GROUP BY document_id), "
            f"kept AS (SELECT a.document_id, SUM(a.amount) AS amt FROM ledger_application a "
            f"JOIN staged st ON st.document_id = a.document_id WHERE NOT EXISTS (SELECT 1 FROM "
            f"{s} s3 WHERE s3.receipt_id = a.receipt_id AND s3.document_id = a.document_id) "
            f"GROUP BY a.document_id) "
            f"SELECT s.line, d.document_ref FROM {s} s "
            f"JOIN ledger_document d ON d.id = s.document_id "
            f"JOIN staged st ON st.document_id = s.document_id "
            f"LEFT JOIN kept k ON k.document_id = s.document_id "
            f"WHERE ROUND(ABS(st.amt) + ABS(COALESCE(k.amt, 0)), 4) > ROUND(ABS(d.amount), 4)"
        )
    ]


def _receipt_checks(s: str, effect: str) -> list[PostingError]:
    # A receipt is not applied beyond what it received: in its currency, what postings in the
    # document's own currency take, and (cash) what those in another currency name as taken.
    # History postings replace the same pair's kept application.
    history = effect == PostingEffect.HISTORY
    replaced = (
        f"AND NOT EXISTS (SELECT 1 FROM {s} s3 WHERE s3.receipt_id = a.receipt_id "
        "AND s3.document_id = a.document_id)"
        if history
        else ""
    )
    staged_take = (
        "s2.amount"
        if history
        else "CASE WHEN d2.currency = r2.currency THEN s2.amount ELSE s2.receipt_amount END"
    )
    staged_where = "WHERE d2.currency = r2.currency" if history else ""
    return [
        PostingError(
            line,
            "amount",
            f"more is applied from receipt {ref!r} than it received",
            "over_application",
        )
        for line, ref in fetch(
            f"WITH staged AS (SELECT s2.receipt_id, SUM({staged_take}) AS amt FROM {s} s2 "
            f"JOIN ledger_document d2 ON d2.id = s2.document_id "
            f"JOIN ledger_receipt r2 ON r2.id = s2.receipt_id "
            f"{staged_where} GROUP BY s2.receipt_id), "
            f"kept AS (SELECT a.receipt_id, SUM(CASE WHEN d3.currency = r3.currency "
            f"THEN a.amount ELSE COALESCE(a.receipt_amount, 0) END) AS amt "
            f"FROM ledger_application a "
            f"JOIN staged st ON st.receipt_id = a.receipt_id "
            f"JOIN ledger_document d3 ON d3.id = a.document_id "
            f"JOIN ledger_receipt r3 ON r3.id = a.receipt_id "
            f"WHERE 1 = 1 {replaced} GROUP BY a.receipt_id) "
            f"SELECT s.line, r.receipt_ref FROM {s} s "
            f"JOIN ledger_receipt r ON r.id = s.receipt_id "
            f"JOIN staged st ON st.receipt_id = s.receipt_id "
            f"LEFT JOIN kept k ON k.receipt_id = s.receipt_id "
            f"WHERE ROUND(st.amt + COALESCE(k.amt, 0), 4) > ROUND(r.amount, 4)"
        )
    ]


# --------------------------------------------------------------------------- posting
@transaction.atomic
def applications_post(
    *,
    stage: Stage,
    effect: str,
    source: str,
    actor: Any,
    checked: bool = False,
    fx_tolerance: Decimal = FX_TOLERANCE,
) -> PostingResult:
    """Post the staged applications (see the module docstring for the two effects) and record
    one audit event. Refuses the whole stage with ``PostingRefused`` if any posting does not
    fit, changing nothing. ``checked`` says the caller ran ``applications_check`` on this
    stage in this transaction and dropped the refused lines (an import reporting every row).
    ``fx_tolerance``: how far (a share) what a document clears may be from a receipt in
    another currency converted at the day's rate."""
    if effect not in PostingEffect.values:
        raise ValueError(f"unknown posting effect {effect!r}")
    docs: dict[int, dict[str, Any]] = {}
    if effect == PostingEffect.CASH:
        docs = _lock_documents(stage)
    if not checked:
        errors = applications_check(stage=stage, effect=effect, fx_tolerance=fx_tolerance)
        if errors:
            raise PostingRefused(errors)
    now = timezone.now()
    if effect == PostingEffect.CASH:
        result = _post_cash(stage, docs, source=source, now=now)
    else:
        result = _post_history(stage, source=source, now=now)
    audit_record(
        actor=actor,
        action="applications.post",
        object_type="applications",
        object_id=source,
        summary=(
            f"{effect} from {source}: {result.created} applications created, {result.updated} "
            f"updated, {result.unchanged} unchanged, {result.documents} documents changed"
        ),
        after={
            "effect": effect,
            "source": source,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "documents": result.documents,
        },
    )
    return result


def _lock_documents(stage: Stage) -> dict[int, dict[str, Any]]:
    """Lock the staged documents in id order (the one lock order) and read what posting needs."""
    ids = [
        row[0]
        for row in fetch(
            f"SELECT DISTINCT document_id FROM {stage.name} WHERE document_id IS NOT NULL "
            "ORDER BY document_id"
        )
    ]
    fields = (
        "id", "amount", "open_amount", "currency", "functional_currency", "fx_rate",
        "functional_amount", "document_date",
    )  # fmt: skip
    docs: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        qs = Document.objects.filter(id__in=ids[i : i + _CHUNK]).order_by("id")
        if connection.features.has_select_for_update:
            qs = qs.select_for_update()
        for row in qs.values(*fields):
            docs[row["id"]] = row
    return docs


def _functional_open(row: dict[str, Any], open_amount: Decimal) -> Decimal | None:
    """The open amount in the entity's currency: at the document's own rate, else in the
    proportion its functional amount bears to its amount; None where neither is known."""
    if row["currency"] == row["functional_currency"]:
        return open_amount
    if row["fx_rate"] is not None:
        return quantize(open_amount * row["fx_rate"], row["functional_currency"])
    if row["functional_amount"] is not None and row["amount"]:
        return quantize(
            open_amount * row["functional_amount"] / row["amount"], row["functional_currency"]
        )
    return None


def _post_cash(
    stage: Stage, docs: dict[int, dict[str, Any]], *, source: str, now: dt.datetime
) -> PostingResult:
    s = stage.name
    created = execute(
        "INSERT INTO ledger_application (receipt_id, document_id, amount, applied_date, "
        "receipt_amount, fx_rate, fx_rate_date, fx_difference, source, created_at, updated_at) "
        "SELECT s.receipt_id, s.document_id, s.amount, s.applied_date, "
        "CASE WHEN s.fx_rate IS NULL THEN NULL ELSE s.receipt_amount END, s.fx_rate, "
        f"s.fx_rate_date, s.fx_difference, %s, %s, %s FROM {s} s ORDER BY s.line",
        [source, now, now],
    )
    taken: dict[int, Decimal] = defaultdict(lambda: ZERO)
    last: dict[int, dt.date] = {}
    applications: dict[tuple[int, int], int] = {}
    for app_id, receipt_id, doc_id, amount, applied in fetch(
        f"SELECT a.id, a.receipt_id, a.document_id, s.amount, s.applied_date FROM {s} s "
        "JOIN ledger_application a ON a.receipt_id = s.receipt_id "
        "AND a.document_id = s.document_id"
    ):
        applications[(receipt_id, doc_id)] = app_id
        currency = docs[doc_id]["currency"]
        taken[doc_id] += quantize(Decimal(str(amount)), currency)
        day = applied if isinstance(applied, dt.date) else dt.date.fromisoformat(str(applied))
        last[doc_id] = max(last.get(doc_id, day), day)
    changes = Stage(
        "openar_stage_posted_docs",
        [("id", "int"), ("open_amount", "num"), ("functional_open", "num"), ("cleared", "date")],
    )
    changes.create()
    with changes.writer() as write:
        for doc_id, amount in taken.items():
            row = docs[doc_id]
            left = row["open_amount"] - amount
            cleared = max(last[doc_id], row["document_date"]) if left == 0 else None
            write((doc_id, left, _functional_open(row, left), cleared))
    changes.index("id")
    execute(
        "UPDATE ledger_document AS t SET open_amount = s.open_amount, "
        "functional_open_amount = s.functional_open, cleared_date = s.cleared, "
        f"updated_at = %s FROM {changes.name} s WHERE t.id = s.id",
        [now],
    )
    changes.drop()
    return PostingResult(created=created, documents=len(taken), applications=applications)


def _post_history(stage: Stage, *, source: str, now: dt.datetime) -> PostingResult:
    s = stage.name
    join = "t.receipt_id = s.receipt_id AND t.document_id = s.document_id"
    differs = (
        "(t.amount IS DISTINCT FROM s.amount OR t.applied_date IS DISTINCT FROM s.applied_date)"
        if is_postgres()
        else "(t.amount IS NOT s.amount OR t.applied_date IS NOT s.applied_date)"
    )
    total = scalar(f"SELECT COUNT(*) FROM {s}")
    matched = scalar(f"SELECT COUNT(*) FROM {s} s JOIN ledger_application t ON {join}")
    changed = scalar(
        f"SELECT COUNT(*) FROM {s} s JOIN ledger_application t ON {join} WHERE {differs}"
    )
    if changed:
        execute(
            "UPDATE ledger_application AS t SET amount = s.amount, applied_date = s.applied_date, "
            f"updated_at = %s FROM {s} s WHERE {join} AND {differs}",
            [now],
        )
    execute(
        "INSERT INTO ledger_application (receipt_id, document_id, amount, applied_date, source, "
        "created_at, updated_at) SELECT s.receipt_id, s.document_id, s.amount, s.applied_date, "
        f"%s, %s, %s FROM {s} s WHERE NOT EXISTS (SELECT 1 FROM ledger_application t "
        f"WHERE {join})",
        [source, now, now],
    )
    if is_postgres() and total - matched + changed >= 10000:
        execute("ANALYZE ledger_application")
    return PostingResult(created=total - matched, updated=changed, unchanged=matched - changed)


# --------------------------------------------------------------------------- receipts
@transaction.atomic
def receipts_add_bulk(
    *, receipts: Sequence[Receipt], actor: Any, batch_size: int = 2000
) -> list[Receipt]:
    """Create receipts in bulk (a bank statement's credits); each must be positive and
    quantized to its currency. Returns them with their ids; records one audit event."""
    for i, receipt in enumerate(receipts, start=1):
        if receipt.amount <= 0:
            raise ValidationError(f"receipt {i}: the amount must be positive", field="amount")
        if quantize(receipt.amount, receipt.currency) != receipt.amount:
            raise ValidationError(
                f"receipt {i}: {receipt.amount} has more decimals than {receipt.currency} allows",
                field="amount",
            )
    if not receipts:
        return []
    created = Receipt.objects.bulk_create(list(receipts), batch_size=batch_size)
    sources = sorted({r.source for r in created})
    audit_record(
        actor=actor,
        action="receipts.add",
        object_type="receipts",
        summary=f"{len(created)} receipts from {', '.join(sources)}",
        after={"receipts": len(created), "sources": sources},
    )
    return created


@transaction.atomic
def receipts_identify(*, customers: dict[int, int | None], actor: Any) -> int:
    """Set who paid each receipt (``{receipt id: customer id or None}``) where it changed, in
    one statement; records one audit event. Returns the number of receipts changed."""
    if not customers:
        return 0
    stage = Stage("openar_stage_receipt_payers", [("id", "int"), ("customer_id", "int")])
    stage.create()
    with stage.writer() as write:
        for row in customers.items():
            write(row)
    stage.index("id")
    changed = execute(
        "UPDATE ledger_receipt AS t SET customer_id = s.customer_id, updated_at = %s "
        f"FROM {stage.name} s WHERE t.id = s.id AND "
        + (
            "t.customer_id IS DISTINCT FROM s.customer_id"
            if is_postgres()
            else "t.customer_id IS NOT s.customer_id"
        ),
        [timezone.now()],
    )
    stage.drop()
    if changed:
        audit_record(
            actor=actor,
            action="receipts.identify",
            object_type="receipts",
            summary=f"{changed} receipts assigned to the customer who paid",
            after={"receipts": changed},
        )
    return changed
