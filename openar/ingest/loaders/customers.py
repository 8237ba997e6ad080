"""Customers: checked row by row, merged through the ORM (at most a few 100k rows), parents last."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openar.core.roles import Role
from openar.ingest import domain
from openar.ingest.bulk import now_param
from openar.ingest.loaders.base import Counts, Errors, LoadContext, Loader, attributes_json
from openar.ledger.models import Customer


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
