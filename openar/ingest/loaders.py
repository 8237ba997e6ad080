"""One loader per kind of file. A loader checks each canonical row, stages the good ones, and
merges the stage into the ledger with set-based SQL (counting created / updated / unchanged)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openar.core.money import MINOR_UNITS, ZERO, decimals_of, quantize
from openar.core.roles import Role
from openar.ingest import domain
from openar.ingest.bulk import (
    Stage,
    analyze_if_big,
    distinct,
    duplicate_lines,
    execute,
    fetch,
    foreign_keys_checked_once,
    json_cast,
    now_param,
    scalar,
)
from openar.ledger.models import Customer, Entity, FxRate

Errors = domain.Errors
_DOC_TYPES = frozenset(domain.DOCUMENT_TYPES)
# Digits, an optional sign and decimals: the only amount text the fast path accepts.
_PLAIN_AMOUNT = re.compile(r"^-?(\d{1,15})\.?(\d*)$")
_ONE = Decimal(1)
_date = dt.date.fromisoformat


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadContext:
    source: str  # "openar" | "sap" | "oracle"
    create_entities: bool
    batch_id: int
    entities: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (id, currency)
    entities_created: list[str] = field(default_factory=list)
    collectors_created: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for eid, code, currency in Entity.objects.values_list("id", "code", "currency"):
            self.entities[code] = (eid, currency)
        for eid, name in Entity.objects.values_list("id", "name"):
            # ERP exports sometimes carry the entity's name (an Oracle operating unit).
            code = next(c for c, (i, _) in self.entities.items() if i == eid)
            self.entities.setdefault(name, self.entities[code])

    def entity(
        self, row: dict[str, Any], errors: Errors, currency: str | None
    ) -> tuple[int, str] | None:
        code = domain.text(row, "entity", errors, required=True, max_len=20)
        if not code:
            return None
        found = self.entities.get(code)
        if found is not None:
            return found
        if not self.create_entities:
            errors.append(
                (
                    "entity",
                    f"unknown entity {code!r}: add it with `openar entity add {code} "
                    "--name ... --currency ...` or import with --create-entities",
                )
            )
            return None
        if currency is None:
            errors.append(("entity", f"cannot create entity {code!r} without a valid currency"))
            return None
        entity = Entity.objects.create(code=code, name=code, currency=currency)
        self.entities[code] = (entity.id, currency)
        self.entities_created.append(code)
        return self.entities[code]


def attributes_json(row: dict[str, Any], extra_columns: Sequence[str]) -> str:
    if not extra_columns and not row.get("__attributes__"):
        return "{}"
    attrs: dict[str, Any] = dict(row.get("__attributes__") or {})
    for name in extra_columns:
        value = row.get(name)
        if value not in (None, ""):
            attrs[name] = value
    return json.dumps(attrs, sort_keys=True, ensure_ascii=False)


class RateBook:
    """Historical rates to convert documents into their entity's functional currency."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str], tuple[list[dt.date], list[Decimal]]] = {}
        grouped: dict[tuple[str, str], list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for d, f, t, r in (
            FxRate.objects.order_by("date")
            .values_list("date", "from_currency", "to_currency", "rate")
            .iterator(chunk_size=10000)
        ):
            grouped[(f, t)].append((d, r))
        for pair, points in grouped.items():
            self.series[pair] = ([p[0] for p in points], [p[1] for p in points])

    def _leg(self, a: str, b: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        for pair, invert in (((a, b), False), ((b, a), True)):
            series = self.series.get(pair)
            if series is None:
                continue
            i = bisect.bisect_right(series[0], on) - 1
            if i >= 0:
                rate = series[1][i]
                return (Decimal(1) / rate if invert else rate), series[0][i]
        return None

    def rate(self, a: str, b: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        if a == b:
            return Decimal(1), on
        direct = self._leg(a, b, on)
        if direct is not None:
            return direct
        for pivot in ("USD", "EUR"):
            if pivot in (a, b):
                continue
            one, two = self._leg(a, pivot, on), self._leg(pivot, b, on)
            if one and two:
                return one[0] * two[0], min(one[1], two[1])
        return None


class Loader:
    kind = ""
    stage_columns: list[tuple[str, str]] = []

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        self.ctx = ctx
        self.extra_columns = list(extra_columns)
        self.stage = Stage(f"openar_stage_{self.kind.replace('-', '_')}", self.stage_columns)
        self.late_errors: list[tuple[int, str, str]] = []  # found after staging (line, field, msg)

    def start(self) -> None:
        self.stage.create()

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        raise NotImplementedError

    def after_staging(self) -> None:
        """Checks that need the whole file (references resolved in SQL); fills late_errors."""

    def drop_lines(self, lines: set[int]) -> None:
        if lines:
            ordered = sorted(lines)
            for i in range(0, len(ordered), 500):
                chunk = ordered[i : i + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                execute(f"DELETE FROM {self.stage.name} WHERE line IN ({placeholders})", chunk)
            self.stage.count = scalar(f"SELECT COUNT(*) FROM {self.stage.name}")

    def merge(self) -> Counts:
        raise NotImplementedError


# --------------------------------------------------------------------------- customers
class CustomerLoader(Loader):
    kind = "customers"
    fields = [
        "name", "entity_id", "currency", "credit_limit", "payment_terms_days", "language",
        "country", "collector_id", "segment", "email", "phone", "attributes",
    ]  # fmt: skip

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.records: dict[str, dict[str, Any]] = {}
        self.parents: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.users = {u: i for u, i in get_user_model().objects.values_list("username", "id")}
        self.known_refs = set(Customer.objects.values_list("customer_ref", flat=True))

    def start(self) -> None:  # customers merge through the ORM: at most a few 100k rows
        pass

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        ref = domain.text(row, "customer_ref", errors, required=True, max_len=40)
        name = domain.text(row, "name", errors, required=True, max_len=200)
        currency = domain.currency_value(row, "currency", errors)
        entity = self.ctx.entity(row, errors, currency)
        credit_limit = domain.amount_value(row, "credit_limit", currency, errors, required=False)
        if credit_limit is not None and credit_limit < 0:
            errors.append(("credit_limit", "must not be negative"))
        terms = domain.int_value(row, "payment_terms_days", errors, low=0, high=3650, default=30)
        language = domain.text(row, "language", errors, max_len=10).lower()
        country = domain.text(row, "country", errors, max_len=2).upper()
        if country and not (len(country) == 2 and country.isalpha()):
            errors.append(("country", f"{country!r} is not an ISO 3166 two-letter code"))
        collector = domain.text(row, "collector", errors, max_len=150)
        segment = domain.text(row, "segment", errors, max_len=40)
        email = domain.text(row, "email", errors, max_len=254)
        if not domain.email_ok(email):
            errors.append(("email", f"{email!r} is not an e-mail address"))
        phone = domain.text(row, "phone", errors, max_len=40)
        parent = domain.text(row, "parent_ref", errors, max_len=40)
        if ref and ref in self.lines:
            errors.append(("customer_ref", f"duplicate of line {self.lines[ref]}"))
        if parent and parent == ref:
            errors.append(("parent_ref", "a customer cannot be its own parent"))
        if errors:
            return None
        self.lines[ref] = line
        if parent:
            self.parents[ref] = parent
        assert entity is not None
        self.records[ref] = {
            "line": line,
            "name": name,
            "entity_id": entity[0],
            "currency": currency,
            "credit_limit": credit_limit,
            "payment_terms_days": terms,
            "language": language,
            "country": country,
            "collector": collector,
            "segment": segment,
            "email": email,
            "phone": phone,
            "attributes": json.loads(attributes_json(row, self.extra_columns)),
            "parent_ref": parent,
        }
        return ()

    def after_staging(self) -> None:
        for ref, parent in self.parents.items():
            if parent not in self.records and parent not in self.known_refs:
                self.late_errors.append(
                    (self.lines[ref], "parent_ref", f"unknown parent customer {parent!r}")
                )
        existing_parents = {
            r: p
            for r, p in Customer.objects.filter(parent__isnull=False).values_list(
                "customer_ref", "parent__customer_ref"
            )
        }
        merged = {**existing_parents, **self.parents}
        for ref in domain.find_cycles(merged):
            if ref in self.lines:
                self.late_errors.append(
                    (self.lines[ref], "parent_ref", "the parent chain loops back to this customer")
                )

    def drop_lines(self, lines: set[int]) -> None:
        for ref in [r for r, rec in self.records.items() if rec["line"] in lines]:
            del self.records[ref]
            self.parents.pop(ref, None)

    def _collector_id(self, username: str) -> int | None:
        if not username:
            return None
        if username not in self.users:
            user = get_user_model().objects.create(username=username, is_active=False)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=Role.COLLECTOR.value)[0])
            self.users[username] = user.id
            self.ctx.collectors_created.append(username)
        return self.users[username]

    def merge(self) -> Counts:
        from openar.core.models import AuditEvent

        counts = Counts()
        now = now_param()
        existing = {
            c.customer_ref: c for c in Customer.objects.filter(customer_ref__in=list(self.records))
        }
        to_create, to_update, events = [], [], []
        for ref, rec in self.records.items():
            values = {k: rec[k] for k in self.fields if k != "collector_id"}
            values["collector_id"] = self._collector_id(rec["collector"])
            current = existing.get(ref)
            if current is None:
                to_create.append(
                    Customer(customer_ref=ref, source=self.ctx.source, external_ref=ref, **values)
                )
                continue
            before = {}
            for k, v in values.items():
                old = getattr(current, k)
                if k == "credit_limit" and old is not None and v is not None:
                    same = Decimal(old) == v
                else:
                    same = old == v
                if not same:
                    before[k] = old
                    setattr(current, k, v)
            if before:
                current.updated_at = now
                to_update.append(current)
                events.append(
                    AuditEvent(
                        at=now,
                        actor_label=f"import:{self.kind}",
                        action="customer.update",
                        object_type="customer",
                        object_id=ref,
                        before={k: str(v) for k, v in before.items()},
                        after={k: str(values[k]) for k in before},
                    )
                )
            else:
                counts.unchanged += 1
        Customer.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Customer.objects.bulk_update(to_update, [*self.fields, "updated_at"], batch_size=2000)
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        counts.created, counts.updated = len(to_create), len(to_update)
        # Parents last: a parent may appear later in the file than its children.
        ids = dict(
            Customer.objects.filter(customer_ref__in=list(self.records)).values_list(
                "customer_ref", "id"
            )
        )
        parent_ids = dict(
            Customer.objects.filter(customer_ref__in=set(self.parents.values())).values_list(
                "customer_ref", "id"
            )
        )
        changes: dict[int | None, list[int]] = defaultdict(list)
        current_parent = dict(
            Customer.objects.filter(customer_ref__in=list(self.records)).values_list(
                "id", "parent_id"
            )
        )
        for ref, rec in self.records.items():
            target = parent_ids.get(rec["parent_ref"]) if rec["parent_ref"] else None
            if current_parent.get(ids[ref]) != target:
                changes[target].append(ids[ref])
                if ref in existing and ref not in {c.customer_ref for c in to_update}:
                    counts.unchanged -= 1
                    counts.updated += 1
        for target, members in changes.items():
            Customer.objects.filter(id__in=members).update(parent_id=target, updated_at=now)
        return counts


# --------------------------------------------------------------------------- items
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

    def merge(self) -> Counts:
        s, t = self.stage.name, "ledger_document"
        join = "t.entity_id = s.entity_id AND t.document_ref = s.document_ref"
        differs = " OR ".join(
            distinct(f"t.{c}", json_cast(f"s.{c}") if c == "attributes" else f"s.{c}")
            for c in self.updated_fields
        )
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
                    f"COALESCE(CAST(s.{col} AS TEXT), ''), %s FROM {s} s JOIN {t} t ON {join} "
                    f"WHERE {distinct(f't.{col}', f's.{col}')}",
                    [self.ctx.batch_id, col, now],
                )
            sets = ", ".join(
                f"{c} = {json_cast(f's.{c}') if c == 'attributes' else f's.{c}'}"
                for c in self.updated_fields
            )
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


# --------------------------------------------------------------------------- receipts
class ReceiptLoader(Loader):
    kind = "receipts"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("receipt_ref", "text"), ("customer_id", "int"),
        ("receipt_date", "date"), ("currency", "text"), ("amount", "num"), ("method", "text"),
        ("remittance", "text"), ("attributes", "text"),
    ]  # fmt: skip
    updated_fields = [
        "customer_id",
        "receipt_date",
        "currency",
        "amount",
        "method",
        "remittance",
        "attributes",
    ]

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.customers = dict(Customer.objects.values_list("customer_ref", "id"))

    def after_staging(self) -> None:
        for line, first in duplicate_lines(self.stage, ("entity_id", "receipt_ref")):
            self.late_errors.append(
                (line, "receipt_ref", f"duplicate of line {first} (same entity)")
            )

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        currency = domain.currency_value(row, "currency", errors)
        entity = self.ctx.entity(row, errors, currency)
        ref = domain.text(row, "receipt_ref", errors, required=True, max_len=60)
        customer_ref = domain.text(row, "customer_ref", errors, max_len=40)
        customer_id = None
        if customer_ref:
            customer_id = self.customers.get(customer_ref)
            if customer_id is None:
                errors.append(
                    (
                        "customer_ref",
                        f"unknown customer {customer_ref!r} (leave it empty for unidentified cash)",
                    )
                )
        receipt_date = domain.date_value(row, "receipt_date", errors)
        amount = domain.amount_value(row, "amount", currency, errors)
        if amount is not None and amount <= 0:
            errors.append(("amount", "a receipt amount must be positive"))
        method = domain.text(row, "method", errors, max_len=30)
        remittance = domain.text(row, "remittance", errors, max_len=100000)
        if errors:
            return None
        assert entity is not None
        return (
            line, entity[0], ref, customer_id, receipt_date, currency, amount, method, remittance,
            attributes_json(row, self.extra_columns),
        )  # fmt: skip

    def merge(self) -> Counts:
        return _generic_merge(
            self, "ledger_receipt", ("entity_id", "receipt_ref"), self.updated_fields,
            "CAST(s.entity_id AS TEXT) || ':' || s.receipt_ref", with_updated_at=True,
        )  # fmt: skip


# --------------------------------------------------------------------------- applications
class ApplicationLoader(Loader):
    kind = "applications"
    stage_columns = [
        ("line", "int"), ("entity_id", "int"), ("receipt_ref", "text"), ("document_ref", "text"),
        ("amount", "num"), ("applied_date", "date"), ("receipt_id", "int"), ("document_id", "int"),
        ("places", "int"), ("raw_amount", "text"),
    ]  # fmt: skip

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        entity = self.ctx.entity(row, errors, None)
        receipt_ref = domain.text(row, "receipt_ref", errors, required=True, max_len=60)
        document_ref = domain.text(row, "document_ref", errors, required=True, max_len=40)
        raw_amount = domain.text(row, "amount", errors)
        # The document's currency sets the allowed decimals; it is checked once resolved.
        amount = domain.amount_value(row, "amount", None, errors) if raw_amount else None
        if not raw_amount:
            errors.append(("amount", "is required"))
        elif amount is not None and amount == 0:
            errors.append(("amount", "an application amount must not be zero"))
        applied = domain.date_value(row, "applied_date", errors)
        if errors:
            return None
        assert entity is not None
        assert amount is not None
        places = len(raw_amount.partition(".")[2].rstrip("0"))
        return (
            line, entity[0], receipt_ref, document_ref, amount, applied, None, None, places,
            raw_amount,
        )  # fmt: skip

    def after_staging(self) -> None:
        s = self.stage.name
        for line, first in duplicate_lines(
            self.stage, ("entity_id", "receipt_ref", "document_ref")
        ):
            self.late_errors.append(
                (line, "document_ref", f"duplicate of line {first} (same receipt)")
            )
        self.stage.index("entity_id", "receipt_ref")
        execute(
            f"UPDATE {s} SET receipt_id = (SELECT r.id FROM ledger_receipt r WHERE "
            f"r.entity_id = {s}.entity_id AND r.receipt_ref = {s}.receipt_ref), "
            f"document_id = (SELECT d.id FROM ledger_document d WHERE "
            f"d.entity_id = {s}.entity_id AND d.document_ref = {s}.document_ref)"
        )
        for line, ref in fetch(f"SELECT line, receipt_ref FROM {s} WHERE receipt_id IS NULL"):
            self.late_errors.append(
                (line, "receipt_ref", f"unknown receipt {ref!r}: import receipts first")
            )
        for line, ref in fetch(f"SELECT line, document_ref FROM {s} WHERE document_id IS NULL"):
            self.late_errors.append(
                (line, "document_ref", f"unknown document {ref!r}: import items first")
            )
        # Decimals allowed by the document's currency, sign by the document's sign: in SQL, so
        # millions of applications never come back into Python.
        from openar.core.money import MINOR_UNITS

        odd = " ".join(
            f"WHEN '{code}' THEN {places}" for code, places in MINOR_UNITS.items() if places != 2
        )
        for line, raw, currency, places in fetch(
            f"SELECT s.line, s.raw_amount, d.currency, CASE d.currency {odd} ELSE 2 END "
            f"FROM {s} s JOIN ledger_document d ON d.id = s.document_id "
            f"WHERE s.places > CASE d.currency {odd} ELSE 2 END"
        ):
            self.late_errors.append(
                (line, "amount", f"{raw} has more decimals than {currency} allows ({places})")
            )
        for (line,) in fetch(
            f"SELECT s.line FROM {s} s JOIN ledger_document d ON d.id = s.document_id "
            f"WHERE (d.amount < 0 AND s.amount > 0) OR (d.amount > 0 AND s.amount < 0)"
        ):
            self.late_errors.append(
                (line, "amount", "must have the same sign as the document amount")
            )
        # Totals are compared rounded to the stored scale: SQLite sums REALs, and 72.78 + 118.14
        # must equal 190.92 there as it does in PostgreSQL's numeric.
        self.stage.index("receipt_id", "document_id")
        self.stage.index("document_id")
        # Total applied to a document (kept applications plus this file) cannot exceed it.
        for line, ref in fetch(
            f"WITH staged AS (SELECT document_id, SUM(amount) AS amt FROM {s} "
            f"WHERE document_id IS NOT NULL GROUP BY document_id), "
            f"kept AS (SELECT a.document_id, SUM(a.amount) AS amt FROM ledger_application a "
            f"JOIN staged st ON st.document_id = a.document_id WHERE NOT EXISTS (SELECT 1 FROM "
            f"{s} s3 WHERE s3.receipt_id = a.receipt_id AND s3.document_id = a.document_id) "
            f"GROUP BY a.document_id) "
            f"SELECT s.line, s.document_ref FROM {s} s "
            f"JOIN ledger_document d ON d.id = s.document_id "
            f"JOIN staged st ON st.document_id = s.document_id "
            f"LEFT JOIN kept k ON k.document_id = s.document_id "
            f"WHERE ROUND(ABS(st.amt) + ABS(COALESCE(k.amt, 0)), 4) > ROUND(ABS(d.amount), 4)"
        ):
            self.late_errors.append((line, "amount", f"more is applied to {ref!r} than its amount"))
        # A receipt cannot be applied beyond its amount when both are in the same currency.
        for line, ref in fetch(
            f"WITH staged AS (SELECT s2.receipt_id, SUM(s2.amount) AS amt FROM {s} s2 "
            f"JOIN ledger_document d2 ON d2.id = s2.document_id "
            f"JOIN ledger_receipt r2 ON r2.id = s2.receipt_id "
            f"WHERE d2.currency = r2.currency GROUP BY s2.receipt_id), "
            f"kept AS (SELECT a.receipt_id, SUM(a.amount) AS amt FROM ledger_application a "
            f"JOIN staged st ON st.receipt_id = a.receipt_id "
            f"JOIN ledger_document d3 ON d3.id = a.document_id "
            f"JOIN ledger_receipt r3 ON r3.id = a.receipt_id "
            f"WHERE d3.currency = r3.currency AND NOT EXISTS (SELECT 1 FROM {s} s3 "
            f"WHERE s3.receipt_id = a.receipt_id AND s3.document_id = a.document_id) "
            f"GROUP BY a.receipt_id) "
            f"SELECT s.line, s.receipt_ref FROM {s} s "
            f"JOIN ledger_receipt r ON r.id = s.receipt_id "
            f"JOIN staged st ON st.receipt_id = s.receipt_id "
            f"LEFT JOIN kept k ON k.receipt_id = s.receipt_id "
            f"WHERE ROUND(st.amt + COALESCE(k.amt, 0), 4) > ROUND(r.amount, 4)"
        ):
            self.late_errors.append(
                (line, "amount", f"more is applied from receipt {ref!r} than it received")
            )

    def merge(self) -> Counts:
        return _generic_merge(
            self, "ledger_application", ("receipt_id", "document_id"), ["amount", "applied_date"],
            None, with_updated_at=True,
        )  # fmt: skip


# --------------------------------------------------------------------------- fx rates
class FxRateLoader(Loader):
    kind = "fx-rates"
    stage_columns = [
        ("line", "int"), ("date", "date"), ("from_currency", "text"), ("to_currency", "text"),
        ("rate", "num"),
    ]  # fmt: skip

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        super().__init__(ctx, extra_columns)
        self.seen: dict[str, int] = {}

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        date = domain.date_value(row, "date", errors)
        a = domain.currency_value(row, "from_currency", errors)
        b = domain.currency_value(row, "to_currency", errors)
        if a and b and a == b:
            errors.append(("to_currency", "must differ from from_currency"))
        raw = domain.text(row, "rate", errors, required=True)
        rate = None
        if raw:
            if not domain._NUMBER_RE.match(raw):
                errors.append(("rate", f"{raw!r} is not a number"))
            else:
                rate = Decimal(raw)
                if rate <= 0:
                    errors.append(("rate", "must be positive"))
                elif decimals_of(rate.normalize()) > 10:
                    errors.append(("rate", "has more than 10 decimals"))
        key = f"{date}\x1f{a}\x1f{b}"
        if date and a and b:
            if key in self.seen:
                errors.append(("date", f"duplicate of line {self.seen[key]} (same day and pair)"))
            else:
                self.seen[key] = line
        if errors:
            return None
        return (line, date, a, b, rate)

    def merge(self) -> Counts:
        return _generic_merge(
            self, "ledger_fxrate", ("date", "from_currency", "to_currency"), ["rate"], None,
            with_updated_at=False,
        )  # fmt: skip


def _generic_merge(
    loader: Loader,
    table: str,
    keys: Sequence[str],
    fields: Sequence[str],
    external_ref: str | None,
    *,
    with_updated_at: bool,
) -> Counts:
    s = loader.stage.name
    loader.stage.index(*keys)
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)

    def val(c: str) -> str:
        return json_cast(f"s.{c}") if c == "attributes" else f"s.{c}"

    differs = " OR ".join(distinct(f"t.{c}", val(c)) for c in fields)
    total = loader.stage.count
    matched = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {table} t ON {join}")
    changed = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {table} t ON {join} WHERE {differs}")
    now = now_param()
    if changed:
        sets = ", ".join(f"{c} = {val(c)}" for c in fields)
        extra, params = ("", [])
        if with_updated_at:
            extra, params = (", updated_at = %s", [now])
        execute(
            f"UPDATE {table} AS t SET {sets}{extra} FROM {s} s WHERE {join} AND ({differs})", params
        )
    cols = [*keys, *fields]
    insert_cols = [*cols, "source", "created_at"]
    select = [*(val(c) for c in cols), "%s", "%s"]
    params2: list[Any] = [loader.ctx.source, now]
    if external_ref:
        insert_cols.append("external_ref")
        select.append(external_ref)
    if with_updated_at:
        insert_cols.append("updated_at")
        select.append("%s")
        params2.append(now)
    execute(
        f"INSERT INTO {table} ({', '.join(insert_cols)}) SELECT {', '.join(select)} FROM {s} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {join})",
        params2,
    )
    analyze_if_big(table, total - matched + changed)
    return Counts(created=total - matched, updated=changed, unchanged=matched - changed)


LOADERS: dict[str, Callable[[LoadContext, Sequence[str]], Loader]] = {
    "customers": CustomerLoader,
    "items": ItemLoader,
    "receipts": ReceiptLoader,
    "applications": ApplicationLoader,
    "fx-rates": FxRateLoader,
}
