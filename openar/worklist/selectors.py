"""Reads for queues, portfolios and productivity. Everything that depends on 'today' takes
``as_of``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from openar.activity.choices import ContactChannel, EventKind, PlanStatus, PromiseStatus
from openar.activity.models import AccountEvent, ContactLog, PaymentPlan, PromiseToPay
from openar.core.errors import NotFound
from openar.core.money import ZERO, cross_rate, quantize
from openar.core.roles import Role
from openar.disputes.selectors import disputed_past_due_by_customer
from openar.ledger.hierarchy import customer_roots
from openar.ledger.models import Application, Customer, CustomerAging
from openar.ledger.selectors import latest_rates
from openar.risk.models import CustomerScore
from openar.risk.selectors import latest_scores
from openar.strategy.models import Action
from openar.worklist.choices import Slot
from openar.worklist.domain import (
    DEFAULT_WEIGHTS,
    FACTORS,
    PROMISE_BROKEN_WINDOW,
    PROMISE_DUE_WINDOW,
    AbsenceSpan,
    BalancePlan,
    ItemFacts,
    Unit,
    balance_portfolios,
    cover_map,
)
from openar.worklist.models import (
    DEFAULT_DAILY_TARGET,
    Absence,
    CollectorProfile,
    RankingWeights,
    WorkItem,
)

# Open actions of these kinds are work for a person; emails and letters go to the outbox and
# hold / agency actions to recommendations.
QUEUE_KINDS = ("call", "escalation", "custom")


def ranking_weights() -> dict[str, int]:
    row = RankingWeights.objects.filter(key="default").first()
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    return {name: getattr(row, name) for name in FACTORS}


def daily_targets(user_ids: Iterable[int] | None = None) -> dict[int, int]:
    qs = CollectorProfile.objects.all()
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return dict(qs.values_list("user_id", "daily_target"))


def daily_target(user_id: int) -> int:
    return daily_targets([user_id]).get(user_id, DEFAULT_DAILY_TARGET)


def active_cover(as_of: dt.date) -> dict[int, int]:
    """Absent collector id -> id of whoever works their queue on ``as_of``."""
    spans = [
        AbsenceSpan(a, c, s, e)
        for a, c, s, e in Absence.objects.filter(
            start_date__lte=as_of, end_date__gte=as_of
        ).values_list("collector_id", "cover_id", "start_date", "end_date")
    ]
    return cover_map(spans, as_of)


def collector_users(queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Users who hold the collector role, have a profile or hold a portfolio; ``queryset``
    narrows the start (default: every user)."""
    User = get_user_model()
    qs = User.objects.all() if queryset is None else queryset
    return qs.filter(
        Exists(
            User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=Role.COLLECTOR)
        )
        | Q(collector_profile__isnull=False)
        | Exists(Customer.objects.filter(collector=OuterRef("pk")))
    ).order_by("username")


def user_by_username(username: str, *, field: str = "collector") -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise NotFound(f"no user {username!r}", field=field) from None


# --- queue facts ---------------------------------------------------------------------------


@dataclass
class ActionRow:
    action_id: int
    customer_id: int
    kind: str
    due_date: dt.date
    days_past_due: int | None
    owner_id: int | None  # see ``action_owner``
    # What a task made outside the strategy engine is about (an email to answer, a bounced
    # address): its own words, shown first among the reasons.
    task: str = ""
    task_parts: list[dict[str, Any]] = field(default_factory=list)  # the same, as reason codes


@dataclass(frozen=True)
class RoleOwners:
    """Who owns work routed to a role when the action names nobody: a collector's manager
    (their profile's ``manager``), else the one active user holding the role, if only one does."""

    managers: dict[int, int] = field(default_factory=dict)  # collector id -> manager id
    sole: dict[str, int] = field(default_factory=dict)  # role -> its only holder

    def owner(self, role: str, collector_id: int | None) -> int | None:
        if role == Role.MANAGER and collector_id in self.managers:
            return self.managers[collector_id]
        return self.sole.get(role)


def role_owners() -> RoleOwners:
    """``RoleOwners`` from the profiles and the role groups, in two queries."""
    managers = dict(
        CollectorProfile.objects.filter(manager__isnull=False).values_list("user_id", "manager_id")
    )
    holders: dict[str, set[int]] = defaultdict(set)
    through = get_user_model().groups.through
    for role, uid in (
        through.objects.filter(user__is_active=True)
        .exclude(group__name=Role.COLLECTOR)
        .values_list("group__name", "user_id")
    ):
        holders[role].add(uid)
    sole = {role: next(iter(ids)) for role, ids in holders.items() if len(ids) == 1}
    return RoleOwners(managers=managers, sole=sole)


def queue_actions(*, owners: Iterable[int] | None = None) -> QuerySet[Action]:
    """Open call/escalation/custom actions; with ``owners``, those that may belong to these
    users (on their accounts, assigned to them, or routed to a role and nobody in particular:
    ``action_owner`` decides)."""
    qs = Action.objects.filter(status="open", kind__in=QUEUE_KINDS)
    if owners is not None:
        ids = list(owners)
        # Indexed lookups OR-ed: the accounts' ids first (a join with OR-ed conditions makes
        # PostgreSQL scan every action).
        accounts = list(Customer.objects.filter(collector_id__in=ids).values_list("id", flat=True))
        qs = qs.filter(
            Q(customer_id__in=accounts)
            | Q(assigned_to_id__in=ids)
            | (Q(assigned_to__isnull=True) & ~Q(owner_role=Role.COLLECTOR))
        )
    return qs


def action_owner(
    owner_role: str,
    assigned_to_id: int | None,
    collector_id: int | None,
    owners: RoleOwners | None = None,
) -> int | None:
    """Who owns an action: for a collector's step the account's current collector (so a
    reassigned portfolio takes its open work along); for another role's step (an escalation
    to the manager, research) the person it was assigned to, else whoever ``owners`` routes
    the role to; nobody otherwise (it waits, unassigned, for a manager to hand it on), never
    the collector."""
    if owner_role == Role.COLLECTOR:
        return collector_id or assigned_to_id
    if assigned_to_id is not None:
        return assigned_to_id
    return owners.owner(owner_role, collector_id) if owners is not None else None


def open_queue_actions(qs: QuerySet[Action], *, stream: bool = False) -> list[ActionRow]:
    """The rows of ``queue_actions`` with the person who owns each (``stream``: in chunks, for
    the whole portfolio; a few hundred rows come in one round trip)."""
    owners = role_owners()
    rows = qs.values_list(
        "id", "customer_id", "kind", "due_date", "days_past_due", "owner_role", "assigned_to_id",
        "customer__collector_id", "step_id", "reason", "reason_parts",
    ).order_by()  # fmt: skip
    return [
        ActionRow(
            aid, cid, kind, due, dpd, action_owner(role, assigned, collector, owners),
            reason if step is None else "", list(parts or ()) if step is None else [],
        )
        for aid, cid, kind, due, dpd, role, assigned, collector, step, reason, parts in (
            rows.iterator(chunk_size=10000) if stream else rows
        )
    ]  # fmt: skip


@dataclass
class CustomerFacts:
    """Per customer: aging snapshot (as_of, past_due, days_past_due, currency), risk (score,
    class), last broken promise, first open promise falling due (date, amount, currency), last
    contact day."""

    aging: dict[int, tuple[dt.date, Decimal, int, str]] = field(default_factory=dict)
    risk: dict[int, tuple[int, str]] = field(default_factory=dict)
    broken: dict[int, dt.date] = field(default_factory=dict)
    due: dict[int, tuple[dt.date, Decimal, str]] = field(default_factory=dict)
    last_contact: dict[int, dt.date] = field(default_factory=dict)
    # The last date an open promise (or a current payment plan's next instalment) covers.
    promised_until: dict[int, dt.date] = field(default_factory=dict)
    currency: dict[int, str] = field(default_factory=dict)  # the customer's own currency
    on_plan: set[int] = field(default_factory=set)  # a current payment plan: calls wait


def _facts_all(as_of: dt.date) -> CustomerFacts:
    """Whole-table grouped reads (the full rebuild): one scan each beats 100k lookups."""
    facts = CustomerFacts()
    facts.aging = {
        cid: (snap_as_of, past_due, dpd, cur)
        for cid, snap_as_of, past_due, dpd, cur in CustomerAging.objects.values_list(
            "customer_id", "as_of", "past_due", "days_past_due", "currency"
        ).iterator(chunk_size=10000)
    }
    facts.risk = {
        cid: (snap.score, snap.risk_class) for cid, snap in latest_scores(as_of=as_of).items()
    }
    window_start = as_of - dt.timedelta(days=PROMISE_BROKEN_WINDOW)
    facts.broken = dict(
        AccountEvent.objects.filter(
            kind=EventKind.PROMISE_BROKEN, occurred_on__gte=window_start, occurred_on__lte=as_of
        )
        .values("customer_id")
        .annotate(d=Max("occurred_on"))
        .values_list("customer_id", "d")
    )
    promises = PromiseToPay.objects.filter(
        status=PromiseStatus.OPEN,
        taken_on__lte=as_of,
        promised_date__lte=as_of + dt.timedelta(days=PROMISE_DUE_WINDOW),
    )
    for cid, day, amount, cur in promises.order_by(
        "customer_id", "promised_date", "id"
    ).values_list("customer_id", "promised_date", "amount", "currency"):
        facts.due.setdefault(cid, (day, amount, cur))
    facts.last_contact = {
        cid: timezone.localtime(at).date()
        for cid, at in ContactLog.objects.filter(contacted_at__lt=_day_end(as_of))
        .values("customer_id")
        .annotate(last=Max("contacted_at"))
        .values_list("customer_id", "last")
    }
    facts.promised_until = dict(
        PromiseToPay.objects.filter(
            status=PromiseStatus.OPEN, taken_on__lte=as_of, promised_date__gte=as_of
        )
        .values("customer_id")
        .annotate(d=Max("promised_date"))
        .order_by()
        .values_list("customer_id", "d")
    )
    facts.on_plan = set(
        PaymentPlan.objects.filter(status=PlanStatus.CURRENT, taken_on__lte=as_of)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    facts.currency = dict(
        Customer.objects.filter(aging__isnull=False)
        .values_list("id", "currency")
        .iterator(chunk_size=10000)
    )
    return facts


def _facts_some(as_of: dt.date, customer_ids: list[int]) -> CustomerFacts:
    """The same facts for a few hundred accounts in one query (indexed lookups per account):
    one collector's rebuild runs after every logged call, so round trips count."""
    facts = CustomerFacts()
    if not customer_ids:
        return facts
    window_start = as_of - dt.timedelta(days=PROMISE_BROKEN_WINDOW)
    broken = AccountEvent.objects.filter(
        customer_id=OuterRef("pk"),
        kind=EventKind.PROMISE_BROKEN,
        occurred_on__gte=window_start,
        occurred_on__lte=as_of,
    ).order_by("-occurred_on")
    promise = PromiseToPay.objects.filter(
        customer_id=OuterRef("pk"),
        status=PromiseStatus.OPEN,
        taken_on__lte=as_of,
        promised_date__lte=as_of + dt.timedelta(days=PROMISE_DUE_WINDOW),
    ).order_by("promised_date", "id")
    contact = ContactLog.objects.filter(
        customer_id=OuterRef("pk"), contacted_at__lt=_day_end(as_of)
    ).order_by("-contacted_at")
    score = CustomerScore.objects.filter(customer_id=OuterRef("pk"), as_of__lte=as_of).order_by(
        "-as_of"
    )
    covered = PromiseToPay.objects.filter(
        customer_id=OuterRef("pk"),
        status=PromiseStatus.OPEN,
        taken_on__lte=as_of,
        promised_date__gte=as_of,
    ).order_by("-promised_date")
    columns = (
        "id", "aging__as_of", "aging__past_due", "aging__days_past_due", "aging__currency",
        "score", "risk_class", "broken_on", "promise_on", "promise_amount", "promise_currency",
        "contact_at", "promised_until", "currency", "on_plan",
    )  # fmt: skip
    rows = (
        Customer.objects.filter(id__in=customer_ids)
        .annotate(
            broken_on=Subquery(broken.values("occurred_on")[:1]),
            promise_on=Subquery(promise.values("promised_date")[:1]),
            promise_amount=Subquery(promise.values("amount")[:1]),
            promise_currency=Subquery(promise.values("currency")[:1]),
            contact_at=Subquery(contact.values("contacted_at")[:1]),
            score=Subquery(score.values("score")[:1]),
            risk_class=Subquery(score.values("risk_class")[:1]),
            promised_until=Subquery(covered.values("promised_date")[:1]),
            on_plan=Exists(
                PaymentPlan.objects.filter(
                    customer_id=OuterRef("pk"), status=PlanStatus.CURRENT, taken_on__lte=as_of
                )
            ),
        )
        .values_list(*columns)
    )
    for (
        cid,
        snap_on,
        past_due,
        dpd,
        cur,
        sc,
        rc,
        brk,
        p_on,
        p_amt,
        p_cur,
        seen,
        until,
        own,
        plan,
    ) in rows:
        facts.currency[cid] = own
        if plan:
            facts.on_plan.add(cid)
        if until is not None:
            facts.promised_until[cid] = until
        if snap_on is not None:
            facts.aging[cid] = (snap_on, past_due, dpd, cur)
        if sc is not None:
            facts.risk[cid] = (sc, rc)
        if brk is not None:
            facts.broken[cid] = brk
        if p_on is not None:
            facts.due[cid] = (p_on, p_amt, p_cur)
        if seen is not None:
            facts.last_contact[cid] = timezone.localtime(seen).date()
    return facts


def item_facts(
    *, as_of: dt.date, actions: list[ActionRow], customers: list[int] | None = None
) -> list[ItemFacts]:
    """Everything the ranking needs about each action, in a fixed number of queries.

    ``customers``: the ids concerned (one collector's rebuild, one query); None reads whole
    tables (the full rebuild)."""
    if not actions:
        return []
    reporting = settings.OPENAR_REPORTING_CURRENCY
    known = _facts_all(as_of) if customers is None else _facts_some(as_of, customers)
    # Disputed past-due amounts are not the collector's to chase (unless configured otherwise).
    disputed = disputed_past_due_by_customer(
        as_of=as_of, currency=reporting, customer_ids=customers
    )
    limits = SmallBalance(as_of)
    # Without any aging snapshot nothing is known about balances: nothing is called small.
    aging_known = bool(known.aging) or CustomerAging.objects.exists()
    facts = []
    for a in actions:
        cid = a.customer_id
        until = known.promised_until.get(cid)
        if a.kind == "call" and ((until is not None and until >= as_of) or cid in known.on_plan):
            continue  # an open promise or a current plan covers the account: no call for now
        snap = known.aging.get(cid)
        if snap is not None:
            snap_as_of, past_due, dpd, cur = snap
            if dpd > 0:
                dpd += (as_of - snap_as_of).days
        else:
            # No snapshot: the account has nothing open (or aging never ran: the action's
            # own figure is all there is).
            past_due, cur = ZERO, reporting
            dpd = 0 if aging_known else a.days_past_due or 0
        past_due = Decimal(past_due)
        if cid in disputed and cur == reporting:
            past_due = max(past_due - disputed[cid], ZERO)
        small = aging_known and past_due <= limits.limit(known.currency.get(cid, cur), cur)
        risk = known.risk.get(cid)
        promise = known.due.get(cid)
        facts.append(
            ItemFacts(
                action_id=a.action_id,
                customer_id=cid,
                kind=a.kind,
                due_date=a.due_date,
                past_due_amount=past_due,
                currency=cur,
                small_balance=small,
                days_past_due=dpd,
                risk_score=risk[0] if risk else None,
                risk_class=risk[1] if risk else "",
                promise_broken_on=known.broken.get(cid),
                promise_due_on=promise[0] if promise else None,
                promise_amount=Decimal(promise[1]) if promise else None,
                promise_currency=promise[2] if promise else "",
                last_contact_on=known.last_contact.get(cid),
                task=a.task,
                task_parts=a.task_parts,
            )
        )
    return facts


DEFAULT_SMALL_BALANCE = Decimal("25")


class SmallBalance:
    """The small-balance thresholds (``settings.OPENAR_SMALL_BALANCE``: currency -> amount,
    in that currency; the reporting currency's, or 25, for a currency without one) converted
    to the currency the queue's amounts are in, at the rates of ``as_of``."""

    def __init__(self, as_of: dt.date) -> None:
        raw = getattr(settings, "OPENAR_SMALL_BALANCE", None) or {}
        self.thresholds = {str(k).upper(): Decimal(str(v)) for k, v in raw.items()}
        self.reporting = settings.OPENAR_REPORTING_CURRENCY
        self.default = self.thresholds.get(self.reporting, DEFAULT_SMALL_BALANCE)
        self.as_of = as_of
        self._rates: Any = None
        self._cache: dict[tuple[str, str], Decimal] = {}

    def limit(self, own: str, target: str) -> Decimal:
        """The threshold of an account kept in ``own`` currency, expressed in ``target``."""
        key = (own, target)
        if key not in self._cache:
            if own == target or own not in self.thresholds:
                value = self.thresholds.get(target, self.default)
            else:
                if self._rates is None:
                    self._rates = latest_rates(self.as_of)
                rate = cross_rate(own, target, self._rates)
                value = (
                    self.thresholds[own] * rate.rate
                    if rate is not None
                    else self.thresholds.get(target, self.default)
                )
            self._cache[key] = value
        return self._cache[key]


def _day_end(day: dt.date) -> dt.datetime:
    nxt = day + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime(nxt.year, nxt.month, nxt.day))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


# --- queues --------------------------------------------------------------------------------


@dataclass
class Queue:
    collector: Any
    as_of: dt.date | None
    daily_target: int
    today: list[WorkItem]
    waiting: list[WorkItem]
    covering_for: list[Any] = field(default_factory=list)
    away_until: dt.date | None = None  # set when the collector is absent: their cover works it
    cover: Any = None

    calls_made: int = 0  # calls the collector logged on ``as_of``

    @property
    def calls_today(self) -> int:
        """Items in Today with a call to make (the plan, not the calls made)."""
        return sum(1 for item in self.today if "call" in (item.kinds or [item.kind]))


def calls_made(*, user: Any, day: dt.date) -> int:
    """Calls ``user`` logged on ``day`` (the contact log: what productivity counts too)."""
    return ContactLog.objects.filter(
        user=user,
        channel=ContactChannel.CALL,
        contacted_at__gte=_day_start(day),
        contacted_at__lt=_day_end(day),
    ).count()


def queue_for_collector(*, collector: Any, as_of: dt.date) -> Queue:
    """The collector's current queue: today's items in priority order, then the waiting ones."""
    items = list(
        WorkItem.objects.filter(collector=collector)
        .select_related("customer", "covering_for")
        .order_by("rank")
    )
    absence = (
        Absence.objects.filter(collector=collector, start_date__lte=as_of, end_date__gte=as_of)
        .select_related("cover")
        .first()
    )
    covering = list(
        get_user_model().objects.filter(
            absences__cover=collector,
            absences__start_date__lte=as_of,
            absences__end_date__gte=as_of,
        )
    )
    return Queue(
        collector=collector,
        as_of=items[0].as_of if items else None,
        daily_target=daily_target(collector.pk),
        today=[i for i in items if i.slot == Slot.TODAY],
        waiting=[i for i in items if i.slot == Slot.WAITING],
        covering_for=covering,
        away_until=absence.end_date if absence else None,
        cover=absence.cover if absence else None,
        calls_made=calls_made(user=collector, day=as_of),
    )


def _items_count(items: QuerySet[WorkItem, Any]) -> Coalesce:
    return Coalesce(Subquery(items.annotate(n=Count("id")).values("n")), 0)


def collector_queue_list(
    *,
    as_of: dt.date,
    queryset: QuerySet[Any] | None = None,
    q: str = "",
    presence: str = "",
) -> QuerySet[Any]:
    """Every collector (``collector_users``) with their queue's figures, in one query: items
    for today (``today``) and waiting (``waiting``), calls among today's (``calls_today``), the
    highest priority (``top_priority``), the portfolio's past due from the aging snapshot
    (``past_due``), the daily target and, when away on ``as_of``, the absence's last day
    (``away_until``). ``presence`` is "away" or "working" on ``as_of``."""
    items = WorkItem.objects.filter(collector=OuterRef("pk")).order_by().values("collector")
    portfolio = (
        CustomerAging.objects.filter(customer__collector=OuterRef("pk"))
        .order_by()
        .values("customer__collector")
    )
    away = Absence.objects.filter(
        collector=OuterRef("pk"), start_date__lte=as_of, end_date__gte=as_of
    ).order_by("-end_date")
    amount = CustomerAging._meta.get_field("past_due")
    qs = collector_users(queryset).annotate(
        today=_items_count(items.filter(slot=Slot.TODAY)),
        waiting=_items_count(items.filter(slot=Slot.WAITING)),
        calls_today=_items_count(items.filter(slot=Slot.TODAY, kind="call")),
        top_priority=Subquery(items.annotate(top=Max("priority")).values("top")),
        past_due=Coalesce(
            Subquery(portfolio.annotate(total=Sum("past_due")).values("total")),
            Value(ZERO),
            output_field=amount,
        ),
        daily_target=Coalesce("collector_profile__daily_target", DEFAULT_DAILY_TARGET),
        away_until=Subquery(away.values("end_date")[:1]),
    )
    if term := q.strip():
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
        )
    if presence == "away":
        qs = qs.filter(away_until__isnull=False)
    elif presence == "working":
        qs = qs.filter(away_until__isnull=True)
    return qs


def customer_work_items(*, customer: Any) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(customer=customer)
        .select_related("collector", "covering_for")
        .order_by("-priority")
    )


# --- portfolios ----------------------------------------------------------------------------


def portfolio_units(*, as_of: dt.date, entity: str | None = None) -> list[Unit]:
    """Every group of accounts (a top account and everything below it) with its size: accounts,
    past-due amount (aging snapshot, reporting currency) and expected calls (open call actions;
    past-due accounts when no strategy has run)."""
    roots = customer_roots()
    qs = Customer.objects.all()
    if entity:
        qs = qs.filter(entity__code=entity)
    rows = list(qs.values_list("id", "collector_id").order_by().iterator(chunk_size=10000))
    past_due = dict(
        CustomerAging.objects.filter(past_due__gt=0).values_list("customer_id", "past_due")
    )
    calls: dict[int, int] = dict(
        Action.objects.filter(status="open", kind="call")
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("customer_id", "n")
    )
    use_actions = bool(calls)
    groups: dict[int, dict[str, Any]] = {}
    for cid, collector_id in rows:
        root = roots.get(cid, cid)
        g = groups.setdefault(
            root, {"accounts": 0, "past_due": ZERO, "calls": 0, "owners": defaultdict(int)}
        )
        g["accounts"] += 1
        amount = past_due.get(cid, ZERO)
        g["past_due"] += amount
        g["calls"] += calls.get(cid, 0) if use_actions else (1 if amount > 0 else 0)
        g["owners"][collector_id] += 1
    units = []
    for root, g in groups.items():
        owners: dict[int | None, int] = g["owners"]
        # A group split over several collectors is owned by whoever holds most of it.
        owner = max(owners, key=lambda o: (owners[o], o is not None, o or 0))
        units.append(
            Unit(
                key=root,
                accounts=g["accounts"],
                past_due=Decimal(g["past_due"]),
                calls=g["calls"],
                owner_id=owner,
            )
        )
    return units


def balance_preview(
    *,
    as_of: dt.date,
    collectors: list[Any],
    entity: str | None = None,
    weights: dict[str, float] | None = None,
) -> BalancePlan:
    """What balancing these collectors' portfolios (and the unassigned accounts) would do.

    Accounts held by collectors outside the list stay where they are."""
    ids = [c.pk for c in collectors]
    units = [u for u in portfolio_units(as_of=as_of, entity=entity) if u.owner_id in (None, *ids)]
    return balance_portfolios(units, ids, weights=weights)


def group_members(unit_keys: Iterable[int]) -> dict[int, list[int]]:
    """Top customer id -> every account in its group."""
    wanted = set(unit_keys)
    members: dict[int, list[int]] = defaultdict(list)
    for cid, root in customer_roots().items():
        if root in wanted:
            members[root].append(cid)
    return members


# --- productivity --------------------------------------------------------------------------


@dataclass
class ProductivityRow:
    collector: Any
    day: dt.date
    daily_target: int
    calls: int
    accounts_touched: int
    promises: int
    promised_amount: Decimal
    collected_amount: Decimal
    currency: str

    @property
    def calls_vs_target(self) -> float:
        return self.calls / self.daily_target if self.daily_target else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "collector": self.collector.username,
            "date": self.day.isoformat(),
            "daily_target": self.daily_target,
            "calls": self.calls,
            "calls_vs_target": round(self.calls_vs_target, 3),
            "accounts_touched": self.accounts_touched,
            "promises": self.promises,
            "promised_amount": str(quantize(self.promised_amount, self.currency)),
            "collected_amount": str(quantize(self.collected_amount, self.currency)),
            "currency": self.currency,
        }


def _to_reporting(
    amounts: dict[tuple[int, str], Decimal], currency: str, as_of: dt.date
) -> dict[int, Decimal]:
    rates = latest_rates(as_of)
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (key, cur), amount in amounts.items():
        rate = cross_rate(cur, currency, rates)
        if rate is not None:
            result[key] += quantize(Decimal(amount) * rate.rate, currency)
    return result


def productivity(*, day: dt.date, collectors: list[Any] | None = None) -> list[ProductivityRow]:
    """Per collector for ``day``: calls made vs target, accounts touched (any contact logged),
    promises taken and their amount, and cash applied that day to their portfolio's documents
    (amounts in the reporting currency)."""
    users = list(collectors) if collectors is not None else list(collector_users())
    ids = [u.pk for u in users]
    currency = settings.OPENAR_REPORTING_CURRENCY
    start, end = _day_start(day), _day_end(day)
    contacts: dict[int, dict[str, Any]] = {
        row["user_id"]: dict(row)
        for row in ContactLog.objects.filter(
            user_id__in=ids, contacted_at__gte=start, contacted_at__lt=end
        )
        .values("user_id")
        .annotate(
            calls=Count("id", filter=Q(channel=ContactChannel.CALL)),
            touched=Count("customer_id", distinct=True),
        )
        .order_by()
    }
    promise_counts: dict[int, int] = defaultdict(int)
    promised: dict[tuple[int, str], Decimal] = {}
    for user_id, cur, n, total in (
        PromiseToPay.objects.filter(taken_by_id__in=ids, taken_on=day)
        .values("taken_by_id", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
        .values_list("taken_by_id", "currency", "n", "total")
    ):
        promise_counts[user_id] += n
        promised[(user_id, cur)] = Decimal(total)
    collected_raw: dict[tuple[int, str], Decimal] = {}
    for user_id, cur, total in (
        Application.objects.filter(applied_date=day, document__customer__collector_id__in=ids)
        .values("document__customer__collector_id", "document__currency")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("document__customer__collector_id", "document__currency", "total")
    ):
        collected_raw[(user_id, cur)] = Decimal(total)
    promised_rep = _to_reporting(promised, currency, day)
    collected = _to_reporting(collected_raw, currency, day)
    targets = daily_targets(ids)
    return [
        ProductivityRow(
            collector=u,
            day=day,
            daily_target=targets.get(u.pk, DEFAULT_DAILY_TARGET),
            calls=contacts.get(u.pk, {}).get("calls", 0),
            accounts_touched=contacts.get(u.pk, {}).get("touched", 0),
            promises=promise_counts.get(u.pk, 0),
            promised_amount=promised_rep.get(u.pk, ZERO),
            collected_amount=collected.get(u.pk, ZERO),
            currency=currency,
        )
        for u in users
    ]


def portfolio_loads(*, as_of: dt.date) -> dict[int | None, Any]:
    """Each collector's current workload (accounts, past-due amount, expected calls); the key
    None holds the unassigned accounts."""
    from openar.worklist.domain import Load

    loads: dict[int | None, Load] = {}
    for unit in portfolio_units(as_of=as_of):
        load = loads.setdefault(unit.owner_id, Load())
        load.accounts += unit.accounts
        load.past_due += unit.past_due
        load.calls += unit.calls
        load.units.append(unit.key)
    return loads


def latest_queue_date() -> dt.date | None:
    """The date the current queues were built for."""
    return WorkItem.objects.aggregate(d=Max("as_of"))["d"]
