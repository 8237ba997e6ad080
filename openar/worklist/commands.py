"""Queue and portfolio subcommands: queue show|rebuild, portfolio assign|balance, report
productivity."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
    queue = sub.add_parser("queue", help="collectors' prioritized work queues")
    queue_sub = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    p = queue_sub.add_parser("show", help="a collector's queue: today's items, then waiting")
    p.add_argument("--collector", required=True, help="username")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today): for absence cover")
    p.add_argument("--limit", type=int, default=None, help="show at most this many items")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_queue_show)
    p = queue_sub.add_parser("rebuild", help="rebuild queues from the open actions")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--collector", help="only this collector's queue (username)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_queue_rebuild)

    portfolio = sub.add_parser("portfolio", help="assign accounts to collectors")
    portfolio_sub = portfolio.add_subparsers(
        dest="portfolio_command", metavar="ACTION", required=True
    )
    p = portfolio_sub.add_parser(
        "assign",
        help="assign one account (--customer and --collector) or every account by the rules",
    )
    p.add_argument("--customer", help="customer_ref: assign this account and its group")
    p.add_argument("--collector", help="username (with --customer; 'none' unassigns)")
    p.add_argument("--apply", action="store_true", help="write the rule assignment (else preview)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_portfolio_assign)
    p = portfolio_sub.add_parser("balance", help="even out workload between collectors")
    p.add_argument(
        "--collectors", help="comma-separated usernames (default: every active collector)"
    )
    p.add_argument("--entity", help="only this entity's accounts")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--apply", action="store_true", help="write the new assignment (else preview)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_portfolio_balance)

    # `report` belongs to the ledger's commands; productivity joins its subcommands.
    report = sub.choices.get("report")
    if report is not None:
        report_sub = next(a for a in report._actions if isinstance(a, argparse._SubParsersAction))
        p = report_sub.add_parser("productivity", help="calls, promises and cash per collector")
        p.add_argument("--date", help="YYYY-MM-DD (default: today)")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=_report_productivity)


def _date(text: str | None, field: str) -> Any:
    return parse_iso_date(text, field=field) if text else today()


def _queue_show(args: argparse.Namespace) -> int:
    from openar.worklist.reasons import reasons_text
    from openar.worklist.selectors import queue_for_collector, user_by_username

    user = user_by_username(args.collector)
    queue = queue_for_collector(collector=user, as_of=_date(args.as_of, "as_of"))
    items = [*queue.today, *queue.waiting]
    if args.limit is not None:
        items = items[: args.limit]
    if args.json:
        out = {
            "collector": user.username,
            "as_of": queue.as_of.isoformat() if queue.as_of else None,
            "daily_target": queue.daily_target,
            "today": len(queue.today),
            "waiting": len(queue.waiting),
            "items": [
                {
                    "rank": i.rank,
                    "slot": i.slot,
                    "priority": i.priority,
                    "customer_ref": i.customer.customer_ref,
                    "customer": i.customer.name,
                    "kind": i.kind,
                    "kinds": i.kinds or [i.kind],
                    "due_date": i.due_date.isoformat(),
                    "past_due": str(i.past_due_amount),
                    "currency": i.currency,
                    "days_past_due": i.days_past_due,
                    "risk_class": i.risk_class,
                    "covering_for": i.covering_for.username if i.covering_for else None,
                    "reasons": i.reasons,
                    "reason_text": reasons_text(i.reasons),
                }
                for i in items
            ],
        }
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"{user.username}: {len(queue.today)} today, {len(queue.waiting)} waiting "
        f"(target {queue.daily_target} calls)"
    )
    if queue.away_until and queue.cover:
        print(f"away until {queue.away_until}: {queue.cover.username} works this queue")
    for i in items:
        print(
            f"{i.rank:>4} {i.slot:<7} {i.priority:>4} {i.customer.customer_ref:<12} "
            f"{i.kind:<10} {reasons_text(i.reasons)}"
        )
    return 0


def _queue_rebuild(args: argparse.Namespace) -> int:
    from openar.worklist.selectors import user_by_username
    from openar.worklist.services import queues_rebuild

    collector = user_by_username(args.collector) if args.collector else None
    started = time.perf_counter()
    n = queues_rebuild(as_of=_date(args.as_of, "as_of"), actor="cli", collector=collector)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"queue_items": n, "seconds": round(seconds, 3)}))
    else:
        print(f"{n} work items ({seconds:.2f} s)")
    return 0


def _usernames(ids: set[int | None]) -> dict[int | None, str | None]:
    from django.contrib.auth import get_user_model

    names: dict[int | None, str | None] = {None: None}
    wanted = [i for i in ids if i is not None]
    names.update(get_user_model().objects.filter(id__in=wanted).values_list("id", "username"))
    return names


def _portfolio_assign(args: argparse.Namespace) -> int:
    from openar.ledger.models import Customer
    from openar.worklist.selectors import user_by_username
    from openar.worklist.services import portfolio_assign, portfolio_rules_apply

    if bool(args.customer) != bool(args.collector):
        raise UsageError("--customer and --collector go together")
    if args.customer:
        try:
            customer = Customer.objects.get(customer_ref=args.customer)
        except Customer.DoesNotExist:
            from openar.core.errors import NotFound

            raise NotFound(f"no customer {args.customer!r}", field="customer") from None
        collector = None if args.collector == "none" else user_by_username(args.collector)
        result = portfolio_assign(customer=customer, collector=collector, actor="cli")
    else:
        result = portfolio_rules_apply(actor="cli", apply=args.apply)
    names = _usernames({c[1] for c in result.changes} | {c[2] for c in result.changes})
    moves: dict[tuple[str | None, str | None], int] = {}
    for _, before, after in result.changes:
        key = (names[before], names[after])
        moves[key] = moves.get(key, 0) + 1
    if args.json:
        print(
            json.dumps(
                {
                    "applied": result.applied,
                    "changed": result.changed,
                    "moves": [
                        {"from": a, "to": b, "accounts": n}
                        for (a, b), n in sorted(
                            moves.items(), key=lambda m: (str(m[0][0]), str(m[0][1]))
                        )
                    ],
                },
                indent=2,
            )
        )
    else:
        verb = "reassigned" if result.applied else "would be reassigned (preview; --apply)"
        print(f"{result.changed} accounts {verb}")
        for (a, b), n in sorted(moves.items(), key=lambda m: (str(m[0][0]), str(m[0][1]))):
            print(f"  {a or '(unassigned)'} -> {b or '(unassigned)'}: {n}")
    return 0


def _portfolio_balance(args: argparse.Namespace) -> int:
    from openar.worklist.selectors import collector_users, user_by_username
    from openar.worklist.services import portfolio_balance

    if args.collectors:
        collectors = [user_by_username(n.strip()) for n in args.collectors.split(",") if n.strip()]
    else:
        collectors = [
            u
            for u in collector_users().select_related("collector_profile")
            if getattr(getattr(u, "collector_profile", None), "active", True)
        ]
    if not collectors:
        raise UsageError("no collectors to balance (give --collectors)")
    result = portfolio_balance(
        as_of=_date(args.as_of, "as_of"),
        collectors=collectors,
        actor="cli",
        entity=args.entity,
        apply=args.apply,
    )
    plan = result.plan
    names = {c.pk: c.username for c in collectors}
    rows = [
        {
            "collector": names[cid],
            "before": plan.before[cid].as_dict(),
            "after": plan.after[cid].as_dict(),
        }
        for cid in names
    ]
    spread = {
        m: {"before": round(plan.spread(m, after=False), 3), "after": round(plan.spread(m), 3)}
        for m in ("accounts", "past_due", "calls")
    }
    if args.json:
        print(
            json.dumps(
                {
                    "applied": result.applied,
                    "accounts_moved": len(result.changes),
                    "groups_moved": plan.moved_units,
                    "spread": spread,
                    "collectors": rows,
                },
                indent=2,
            )
        )
        return 0
    verb = "moved" if result.applied else "would move (preview; --apply)"
    print(f"{len(result.changes)} accounts {verb}, {plan.moved_units} groups")
    print(f"{'collector':<16}{'accounts':>18}{'past due':>30}{'calls':>14}")
    for row in rows:
        b, a = row["before"], row["after"]
        print(
            f"{row['collector']:<16}{b['accounts']:>8} -> {a['accounts']:<7}"
            f"{b['past_due']:>14} -> {a['past_due']:<12}{b['calls']:>6} -> {a['calls']:<5}"
        )
    for m, s in spread.items():
        print(f"max/mean {m}: {s['before']} -> {s['after']}")
    return 0


def _report_productivity(args: argparse.Namespace) -> int:
    from openar.worklist.selectors import productivity

    day = _date(args.date, "date")
    rows = productivity(day=day)
    if args.json:
        print(json.dumps({"date": day.isoformat(), "rows": [r.as_dict() for r in rows]}, indent=2))
        return 0
    print(
        f"{'collector':<16}{'calls':>7}{'target':>8}{'touched':>9}{'promises':>10}"
        f"{'promised':>16}{'collected':>16}"
    )
    for r in rows:
        d = r.as_dict()
        print(
            f"{d['collector']:<16}{d['calls']:>7}{d['daily_target']:>8}"
            f"{d['accounts_touched']:>9}{d['promises']:>10}{d['promised_amount']:>16}"
            f"{d['collected_amount']:>16}"
        )
    return 0
