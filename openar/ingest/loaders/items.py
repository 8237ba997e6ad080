"""Open items (documents): a fast path for clean rows, functional amounts from the ERP or the
rate book, and a merge that records every tracked change as a DocumentChange row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openar.core.money import MINOR_UNITS, ZERO, quantize
from openar.ingest import domain
from openar.ingest.bulk import (
    analyze_if_big,
    distinct,
    duplicate_lines,
    execute,
    foreign_keys_checked_once,
    json_cast,
    now_param,
    scalar,
)
from openar.ingest.loaders.base import Counts, Errors, LoadContext, Loader, attributes_json
from openar.ledger.models import Customer
from openar.ledger.selectors import RateBook

_DOC_TYPES = frozenset(domain.DOCUMENT_TYPES)
# Digits, an optional sign and decimals: the only amount text the fast path accepts.
_PLAIN_AMOUNT = re.compile(r"^-?(\d{1,15})\.?(\d*)$")
_ONE = Decimal(1)
_date = dt.date.fromisoformat


class ItemLoader(Loader):
    kind = "items"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("customer_id", "int"), ("document_ref", "text"),
        ("document_type", "text"), ("document_date", "date"), ("due_date", "date"),
        ("currency", "text"), ("amount", "num"), ("open_amount", "num"),
        ("functional_currency", "text"), ("functional_amount", "num"),
        ("functional_open_amount", "num"), ("fx_rate", "num"), ("fx_rate_date", "date"),
        ("cleared_date", "date"), ("reference", "text"), ("po_number", "text"),
        ("disputed", "bool"), ("attributes", "text"),
    ]  # fmt: skip
    # Fields a re-load may change, recorded one DocumentChange row each.
    tracked = [
        "customer_id", "document_type", "document_date", "due_date", "currency", "amount",
        "open_amount", "cleared_date", "disputed", "reference", "po_number",
    ]  # fmt: skip
    updated_fields = [
        "customer_id", "document_type", "document_date", "due_date", "currency", "amount",
        "open_amount", "functional_currency", "functional_amount", "functional_open_amount",
        "fx_rate", "fx_rate_date", "cleared_date", "reference", "po_number", "disputed",
        "attributes",
    ]  # fmt: skip

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.customers = dict(Customer.objects.values_list("customer_ref", "id"))
        self.rates = RateBook()

    def after_staging(self) -> None:
        for line, first in duplicate_lines(self.stage, ("entity_id", "document_ref")):
            self.late_errors.append(
                (line, "document_ref", f"duplicate of line {first} (same entity)")
            )

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        if not errors:
            record = self._check_fast(line, row)
            if record is not None:
                return record
        return self._check_slow(line, row, errors)

    def _check_fast(self, line: int, row: dict[str, Any]) -> Sequence[Any] | None:
        """The common case of a clean row without helper calls; any doubt falls through to
        ``_check_slow``, which alone words the errors."""
        try:
            entity = self.ctx.entities.get(row["entity"].strip())
            currency = row["currency"].strip()
            places = MINOR_UNITS.get(currency)
            customer_id = self.customers.get(row["customer_ref"].strip())
            ref = row["document_ref"].strip()
            doc_type = row["document_type"].strip()
            if (
                entity is None
                or places is None
                or customer_id is None
                or not ref
                or len(ref) > 40
                or doc_type not in _DOC_TYPES
            ):
                return None
            document_date = _date(row["document_date"].strip())
            due_date = _date(row["due_date"].strip())
            raw_amount = row["amount"].strip()
            match = _PLAIN_AMOUNT.match(raw_amount)
            if match is None or len(match.group(2).rstrip("0")) > places:
                return None
            amount = Decimal(raw_amount)
            raw_open = (row.get("open_amount") or "").strip()
            raw_cleared = (row.get("cleared_date") or "").strip()
            cleared = _date(raw_cleared) if raw_cleared else None
            if raw_open:
                match = _PLAIN_AMOUNT.match(raw_open)
                if match is None or len(match.group(2).rstrip("0")) > places:
                    return None
                open_amount = Decimal(raw_open)
            else:
                open_amount = ZERO if cleared else amount
            if amount >= 0:
                if doc_type == "credit_memo" or not ZERO <= open_amount <= amount:
                    return None
            elif doc_type in ("invoice", "debit_memo") or not amount <= open_amount <= ZERO:
                return None
            if cleared is not None and (open_amount != 0 or cleared < document_date):
                return None
            reference = (row.get("reference") or "").strip()
            po_number = (row.get("po_number") or "").strip()
            disputed_text = (row.get("disputed") or "").strip().lower()
            if len(reference) > 80 or len(po_number) > 80:
                return None
            if disputed_text in domain.TRUE_WORDS:
                disputed = True
            elif disputed_text in domain.FALSE_WORDS:
                disputed = False
            else:
                return None
        except (KeyError, ValueError, AttributeError):
            return None
        return self._record(
            line, row, entity, customer_id, ref, doc_type, document_date, due_date, currency,
            amount, open_amount, cleared, reference, po_number, disputed,
        )  # fmt: skip

    def _check_slow(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        currency = domain.currency_value(row, "currency", errors)
        entity = self.ctx.entity(row, errors, currency)
        customer_ref = domain.text(row, "customer_ref", errors, required=True, max_len=40)
        customer_id = self.customers.get(customer_ref)
        if customer_ref and customer_id is None:
            errors.append(
                ("customer_ref", f"unknown customer {customer_ref!r}: import customers first")
            )
        ref = domain.text(row, "document_ref", errors, required=True, max_len=40)
        doc_type = domain.text(row, "document_type", errors, required=True).lower()
        if doc_type and doc_type not in domain.DOCUMENT_TYPES:
            errors.append(
                ("document_type", f"{doc_type!r} is not one of {', '.join(domain.DOCUMENT_TYPES)}")
            )
            doc_type = ""
        document_date = domain.date_value(row, "document_date", errors)
        due_date = domain.date_value(row, "due_date", errors)
        amount = domain.amount_value(row, "amount", currency, errors)
        open_amount = domain.amount_value(row, "open_amount", currency, errors, required=False)
        cleared = domain.date_value(row, "cleared_date", errors, required=False)
        open_amount = domain.check_item_amounts(
            document_type=doc_type or None,
            amount=amount,
            open_amount=open_amount,
            cleared_date=cleared,
            document_date=document_date,
            errors=errors,
        )
        reference = domain.text(row, "reference", errors, max_len=80)
        po_number = domain.text(row, "po_number", errors, max_len=80)
        disputed = domain.bool_value(row, "disputed", errors)
        if errors:
            return None
        assert entity is not None and amount is not None and open_amount is not None
        assert document_date is not None and due_date is not None and currency is not None
        return self._record(
            line, row, entity, customer_id, ref, doc_type, document_date, due_date, currency,
            amount, open_amount, cleared, reference, po_number, disputed,
        )  # fmt: skip

    def _record(
        self,
        line: int,
        row: dict[str, Any],
        entity: tuple[int, str],
        customer_id: int | None,
        ref: str,
        doc_type: str,
        document_date: dt.date,
        due_date: dt.date,
        currency: str,
        amount: Decimal,
        open_amount: Decimal,
        cleared: dt.date | None,
        reference: str,
        po_number: str,
        disputed: bool,
    ) -> Sequence[Any]:
        """The staged row, with amounts in the entity's functional currency where a rate (or
        the ERP's own local amount) is known."""
        functional = entity[1]
        local = row.get("__local_amount__")
        f_amount = f_open = rate = rate_date = None
        if currency == functional:
            f_amount, f_open, rate, rate_date = amount, open_amount, _ONE, document_date
        elif local:
            try:
                f_amount = quantize(Decimal(local), functional)
            except ArithmeticError:
                f_amount = None
            if f_amount is not None and amount:
                rate = (f_amount / amount).quantize(Decimal("1E-10"))
                f_open = quantize(open_amount * f_amount / amount, functional)
                rate_date = document_date
        if rate is None:
            found = self.rates.rate(currency, functional, document_date)
            if found is not None:
                rate, rate_date = found[0].quantize(Decimal("1E-10")), found[1]
                f_amount = quantize(amount * found[0], functional)
                f_open = quantize(open_amount * found[0], functional)
        return (
            line, entity[0], customer_id, ref, doc_type, document_date, due_date, currency,
            amount, open_amount, functional, f_amount, f_open, rate, rate_date, cleared,
            reference, po_number, disputed, attributes_json(row, self.extra_columns),
        )  # fmt: skip

    @staticmethod
    def _new_value(column: str) -> str:
        """What a re-load sets ``column`` to: the file's value, but a document OpenAR holds in
        dispute (an open case) stays disputed whatever the ERP's file says."""
        if column == "attributes":
            return json_cast("s.attributes")
        if column == "disputed":
            return "(s.disputed OR t.dispute_held)"
        return f"s.{column}"

    def merge(self) -> Counts:
        s, t = self.stage.name, "ledger_document"
        join = "t.entity_id = s.entity_id AND t.document_ref = s.document_ref"
        differs = " OR ".join(distinct(f"t.{c}", self._new_value(c)) for c in self.updated_fields)
        total = self.stage.count
        matched = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {t} t ON {join}")
        changed = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {t} t ON {join} WHERE {differs}")
        now = now_param()
        if changed:
            for col in self.tracked:
                execute(
                    "INSERT INTO ledger_documentchange "
                    "(document_id, batch_id, field, before, after, changed_at) "
                    f"SELECT t.id, %s, %s, COALESCE(CAST(t.{col} AS TEXT), ''), "
                    f"COALESCE(CAST({self._new_value(col)} AS TEXT), ''), %s "
                    f"FROM {s} s JOIN {t} t ON {join} "
                    f"WHERE {distinct(f't.{col}', self._new_value(col))}",
                    [self.ctx.batch_id, col, now],
                )
            sets = ", ".join(f"{c} = {self._new_value(c)}" for c in self.updated_fields)
            execute(
                f"UPDATE {t} AS t SET {sets}, updated_at = %s, source = %s FROM {s} s "
                f"WHERE {join} AND ({differs})",
                [now, self.ctx.source],
            )
        cols = [c for c, _ in self.stage_columns if c != "line"]
        select = ", ".join(json_cast(f"s.{c}") if c == "attributes" else f"s.{c}" for c in cols)
        ext = "CAST(s.entity_id AS TEXT) || ':' || s.document_ref"
        with foreign_keys_checked_once(t, total - matched):
            execute(
                f"INSERT INTO {t} ({', '.join(cols)}, "
                "source, external_ref, created_at, updated_at) "
                f"SELECT {select}, %s, {ext}, %s, %s FROM {s} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE {join})",
                [self.ctx.source, now, now],
            )
        analyze_if_big(t, total - matched + changed)
        return Counts(created=total - matched, updated=changed, unchanged=matched - changed)
