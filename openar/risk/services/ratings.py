"""Bureau and credit-insurer ratings: read on one 0-100 scale, imported all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.core.money import quantize
from openar.ledger.models import Customer
from openar.risk.models import CreditRating

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

        nul = [column for column, value in row.items() if value and "\x00" in value]
        if nul:
            for column in nul:
                bad(str(column), "holds a NUL character; remove it")
            continue
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
