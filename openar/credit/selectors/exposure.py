"""Credit limits and exposure: what an account (and the group it shares a limit with) owes and
has on order, against the limit in force on a date.

Exposure = open AR (open items on ``as_of``, later cash rolled back as in the aging) + open
orders + uninvoiced shipments (imported from the ERP), in the account's currency. The account
page, the customer API and reviews read :func:`customer_exposure`; lists read
:func:`customer_exposures` (a fixed number of queries for any number of accounts)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from openar.core.money import ZERO
from openar.credit.choices import LimitKind, LimitScope, OrderKind
from openar.credit.domain import LimitRow, available_credit, convert, limit_in_force
from openar.credit.domain import permanent_in_force as _permanent
from openar.credit.models import CreditLimit, OpenOrder
from openar.ledger.hierarchy import customer_subtrees
from openar.ledger.models import Customer
from openar.ledger.selectors import latest_rates, open_balances


@dataclass(frozen=True)
class Exposure:
    """What counts against a limit, in ``currency``; ``unconverted``: amounts in currencies with
    no stored rate to it (left out of the figures, shown beside them)."""

    currency: str
    open_ar: Decimal
    open_orders: Decimal
    shipments: Decimal
    unconverted: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.open_ar + self.open_orders + self.shipments


@dataclass(frozen=True)
class LimitInForce:
    """The limit in force on a date, and where it comes from."""

    amount: Decimal
    currency: str
    kind: str  # permanent, temporary, or erp (the customer master's, until credit sets one)
    scope: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None  # a temporary limit's last day
    returns_to: Decimal | None = None  # the permanent limit once a temporary one ends
    set_by: str = ""
    set_at: dt.datetime | None = None
    reason: str = ""
    limit_id: int | None = None


@dataclass(frozen=True)
class GroupExposure:
    """A group limit the account shares: the head account it is set on and every account below."""

    head_id: int
    head_ref: str
    head_name: str
    members: int
    exposure: Exposure
    limit: LimitInForce
    available: Decimal


@dataclass(frozen=True)
class CustomerExposure:
    customer_id: int
    customer_ref: str
    as_of: dt.date
    currency: str
    exposure: Exposure
    limit: LimitInForce | None
    available: Decimal | None  # against the account's own limit
    groups: list[GroupExposure]
    # The least left under the account's own limit and every group limit it shares, in its
    # currency (None: no limit applies).
    available_credit: Decimal | None

    @property
    def credit_limit(self) -> Decimal | None:
        return self.limit.amount if self.limit is not None else None

    @property
    def over_limit(self) -> bool:
        return self.available_credit is not None and self.available_credit < 0


_Sums = dict[str, Decimal]

# Above this many accounts a read takes every row and keeps those wanted, instead of naming them
# in an IN list (PostgreSQL binds at most 65,535 parameters; a long list also plans slowly).
MANY = 2000


def _only(qs: Any, field: str, ids: list[int] | set[int]) -> Any:
    return qs if len(ids) > MANY else qs.filter(**{f"{field}__in": list(ids)})


def _limit_rows(customer_ids: Iterable[int], scope: str, as_of: dt.date) -> dict[int, list[Any]]:
    rows: dict[int, list[Any]] = defaultdict(list)
    wanted = set(customer_ids)
    for row in _only(
        CreditLimit.objects.filter(scope=scope, starts_on__lte=as_of), "customer_id", wanted
    ).order_by("set_at", "id"):
        if row.customer_id in wanted:
            rows[row.customer_id].append(row)
    return rows


def _in_force(rows: list[CreditLimit], as_of: dt.date) -> LimitInForce | None:
    pure = [
        LimitRow(
            seq=i,
            amount=r.amount,
            currency=r.currency,
            kind=r.kind,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
        )
        for i, r in enumerate(rows)
    ]
    found = limit_in_force(pure, as_of)
    if found is None:
        return None
    row = rows[found.seq]
    returns_to = None
    if row.kind == LimitKind.TEMPORARY:
        permanent = _permanent(pure, as_of)
        returns_to = permanent.amount if permanent is not None else None
    return LimitInForce(
        amount=row.amount,
        currency=row.currency,
        kind=row.kind,
        scope=row.scope,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        returns_to=returns_to,
        set_by=row.set_by_label,
        set_at=row.set_at,
        reason=row.reason,
        limit_id=row.pk,
    )


def _order_sums(customer_ids: list[int]) -> dict[tuple[int, str], _Sums]:
    out: dict[tuple[int, str], _Sums] = defaultdict(dict)
    for cid, kind, currency, total in (
        _only(OpenOrder.objects.all(), "customer_id", customer_ids)
        .values_list("customer_id", "kind", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        out[(cid, kind)][currency] = Decimal(total or 0)
    return out


def _add(target: _Sums, sums: _Sums) -> None:
    for cur, amount in sums.items():
        target[cur] = target.get(cur, ZERO) + amount


def _exposure(
    currency: str, ar: _Sums, orders: _Sums, shipments: _Sums, rates: dict[Any, Any]
) -> Exposure:
    unconverted: _Sums = {}
    figures = []
    for sums in (ar, orders, shipments):
        total, missing = convert(sums, currency, rates)
        figures.append(total)
        _add(unconverted, missing)
    return Exposure(
        currency=currency,
        open_ar=figures[0],
        open_orders=figures[1],
        shipments=figures[2],
        unconverted=unconverted,
    )


def customer_exposures(
    customers: Iterable[Customer | int], *, as_of: dt.date
) -> dict[int, CustomerExposure]:
    """Exposure, limit in force and available credit of each account on ``as_of`` (by id),
    with the group limits each shares."""
    ids = sorted({c if isinstance(c, int) else c.pk for c in customers})
    if not ids:
        return {}
    # Group limits: the accounts they are set on, and which of ours fall under each.
    group_rows = _limit_rows(
        CreditLimit.objects.filter(scope=LimitScope.GROUP, starts_on__lte=as_of)
        .values_list("customer_id", flat=True)
        .distinct(),
        LimitScope.GROUP,
        as_of,
    )
    group_limits = {
        head: found
        for head, rows in group_rows.items()
        if (found := _in_force(rows, as_of)) is not None
    }
    subtrees = customer_subtrees(group_limits) if group_limits else {}
    wanted = set(ids)
    heads_of: dict[int, list[int]] = defaultdict(list)
    for head, members in subtrees.items():
        hits = wanted.intersection(members)
        for cid in hits:
            heads_of[cid].append(head)
        if hits:
            wanted.update(members)
    needed = sorted(wanted | {h for heads in heads_of.values() for h in heads})
    keep = set(needed)
    accounts = {
        c.pk: c
        for c in _only(Customer.objects.all(), "id", keep).only(
            "id", "customer_ref", "name", "currency", "credit_limit"
        )
        if c.pk in keep
    }
    balances = open_balances(as_of=as_of, customer_ids=needed)
    orders = _order_sums(needed)
    rates = latest_rates(as_of)

    def raw(cid: int) -> tuple[_Sums, _Sums, _Sums]:
        return (
            balances.get(cid, {}),
            orders.get((cid, OrderKind.ORDER), {}),
            orders.get((cid, OrderKind.SHIPMENT), {}),
        )

    groups: dict[int, GroupExposure] = {}
    for head in {h for heads in heads_of.values() for h in heads}:
        head_account = accounts[head]
        limit = group_limits[head]
        ar: _Sums = {}
        on_order: _Sums = {}
        shipped: _Sums = {}
        for member in subtrees[head]:
            parts = raw(member)
            _add(ar, parts[0])
            _add(on_order, parts[1])
            _add(shipped, parts[2])
        exposure = _exposure(limit.currency, ar, on_order, shipped, rates)
        groups[head] = GroupExposure(
            head_id=head,
            head_ref=head_account.customer_ref,
            head_name=head_account.name,
            members=len(subtrees[head]),
            exposure=exposure,
            limit=limit,
            available=limit.amount - exposure.total,
        )

    own_rows = _limit_rows(ids, LimitScope.CUSTOMER, as_of)
    out: dict[int, CustomerExposure] = {}
    for cid in ids:
        account = accounts[cid]
        exposure = _exposure(account.currency, *raw(cid), rates)
        own: LimitInForce | None = _in_force(own_rows.get(cid, []), as_of)
        if own is None and account.credit_limit is not None:
            own = LimitInForce(
                amount=account.credit_limit,
                currency=account.currency,
                kind=LimitKind.ERP,
                scope=LimitScope.CUSTOMER,
            )
        available = available_credit(own.amount if own else None, exposure.total)
        shared = [groups[h] for h in sorted(heads_of.get(cid, []))]
        candidates = [available] if available is not None else []
        for group in shared:
            left, missing = convert(
                {group.limit.currency: group.available}, account.currency, rates
            )
            if not missing:
                candidates.append(left)
        out[cid] = CustomerExposure(
            customer_id=cid,
            customer_ref=account.customer_ref,
            as_of=as_of,
            currency=account.currency,
            exposure=exposure,
            limit=own,
            available=available,
            groups=shared,
            available_credit=min(candidates) if candidates else None,
        )
    return out


def customer_exposure(customer: Customer | int, *, as_of: dt.date) -> CustomerExposure:
    """One account's exposure, limit in force and available credit on ``as_of``."""
    cid = customer if isinstance(customer, int) else customer.pk
    return customer_exposures([cid], as_of=as_of)[cid]


def limit_history(*, customer: Customer) -> QuerySet[CreditLimit]:
    """Every limit decision on the account (its own and the group limits set on it), newest
    first, with who set it and why."""
    return CreditLimit.objects.filter(customer=customer).select_related("set_by")


def open_orders(*, customer: Customer) -> QuerySet[OpenOrder]:
    """The account's open orders and uninvoiced shipments as last imported."""
    return OpenOrder.objects.filter(customer=customer).order_by("kind", "order_date", "order_ref")
