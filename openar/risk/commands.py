"""``openar score``: train, evaluate, refresh, show, import-ratings."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
    score = sub.add_parser("score", help="credit risk scores and payment predictions")
    ssub = score.add_subparsers(dest="score_command", metavar="ACTION", required=True)

    p = ssub.add_parser("train", help="train the learned model on the payment history")
    p.add_argument("--as-of", help="use history up to this date (default: today)")
    p.add_argument("--entity", help="train a model for this entity only (default: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_train)

    p = ssub.add_parser("evaluate", help="backtest: train until D1, test invoices issued to D2")
    p.add_argument("--train-until", required=True, help="YYYY-MM-DD")
    p.add_argument("--test-until", required=True, help="YYYY-MM-DD")
    p.add_argument("--entity", help="only this entity")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_evaluate)

    p = ssub.add_parser("refresh", help="score every customer as of a date")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--entity", help="only this entity's customers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_refresh)

    p = ssub.add_parser("show", help="a customer's latest score and reasons")
    p.add_argument("customer_ref")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--language", default="en", help="en or es")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_show)

    p = ssub.add_parser(
        "import-ratings", help="load bureau / credit-insurer ratings (customer_ref,provider,"
        "rating,limit,date)"
    )  # fmt: skip
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_import_ratings)


def _date(text: str | None, field: str):
    return parse_iso_date(text, field=field) if text else today()


def _progress(args: argparse.Namespace):
    if args.json:
        return None
    return lambda message: print(f"  {message}", file=sys.stderr, flush=True)


def _train(args: argparse.Namespace) -> int:
    from openar.risk.services import model_train

    as_of = _date(args.as_of, "as_of")
    result = model_train(as_of=as_of, actor="cli", entity=args.entity, progress=_progress(args))
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif result.error:
        print(f"training failed: {result.error}", file=sys.stderr)
        print("the previous model (if any) stays active", file=sys.stderr)
    else:
        assert result.model is not None
        print(
            f"model {result.model.label} trained on {result.n_train} rows in "
            f"{result.seconds:.1f} s: {result.model.path} (active)"
        )
    return 1 if result.error else 0


def _evaluate(args: argparse.Namespace) -> int:
    from openar.risk.services import backtest_json, backtest_run

    d1 = parse_iso_date(args.train_until, field="train_until")
    d2 = parse_iso_date(args.test_until, field="test_until")
    if d2 <= d1:
        raise UsageError("--test-until must be after --train-until")
    row = backtest_run(
        train_until=d1, test_until=d2, actor="cli", entity=args.entity, progress=_progress(args)
    )
    data = backtest_json(row)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0

    def fmt(value: Any) -> str:
        return "n/a" if value is None else f"{value}"

    print(f"backtest #{row.pk}: train until {d1}, test invoices issued to {d2} ({row.engine})")
    print(f"  training rows      {row.n_train}")
    print(f"  test invoices      {row.n_test}")
    print(f"  MAE days late      {fmt(row.mae_days)}")
    print(f"    pays on terms    {fmt(row.baseline_terms_mae)}")
    print(f"    customer mean    {fmt(row.baseline_customer_mae)}")
    print(f"  AUC (late flag)    {fmt(row.auc)}")
    print(f"  precision / recall {fmt(row.precision)} / {fmt(row.recall)}")
    if row.details.get("fallback"):
        print(f"  note: {row.details['fallback']}")
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from openar.risk.services import scores_refresh_run

    as_of = _date(args.as_of, "as_of")
    result = scores_refresh_run(
        as_of=as_of, actor="cli", entity=args.entity, progress=_progress(args)
    )
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    classes = " ".join(f"{k}={v}" for k, v in result.by_class.items())
    engines = " ".join(f"{k}={v}" for k, v in sorted(result.by_engine.items()))
    print(
        f"scored {result.customers} customers and {result.items} open items as of {as_of} "
        f"in {result.seconds:.1f} s"
    )
    print(f"  classes: {classes}")
    print(f"  engines: {engines}")
    if result.no_history:
        print(f"  {result.no_history} customers have no payment history: scored on the scorecard")
    if result.class_dropped:
        print(f"  {result.class_dropped} customers dropped a class")
    return 0


def _show(args: argparse.Namespace) -> int:
    from openar.risk.reasons import reason_text
    from openar.risk.selectors import customer_by_ref, customer_score_history

    customer = customer_by_ref(args.customer_ref)
    history = customer_score_history(customer_id=customer.id, as_of=_date(args.as_of, "as_of"))
    if not history:
        print(f"{customer.customer_ref}: not scored yet (run 'openar score refresh')")
        return 1
    s = history[-1]
    data: dict[str, Any] = {
        "customer_ref": customer.customer_ref,
        "as_of": s.as_of.isoformat(),
        "score": s.score,
        "risk_class": s.risk_class,
        "engine": s.engine,
        "model_version": s.model_version,
        "reasons": [{**r, "text": reason_text(r, language=args.language)} for r in s.reasons],
        "currency": s.currency,
        "expected_7d_amount": str(s.expected_7d_amount),
        "expected_30d_amount": str(s.expected_30d_amount),
    }
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{customer.customer_ref} {customer.name}: score {s.score} class {s.risk_class} "
        f"({s.engine}{' ' + s.model_version if s.model_version else ''}) as of {s.as_of}"
    )
    for r in data["reasons"]:
        print(f"  - {r['text']}")
    print(
        f"  expected in 7 days {s.expected_7d_amount} {s.currency}, "
        f"in 30 days {s.expected_30d_amount} {s.currency}"
    )
    return 0


def _import_ratings(args: argparse.Namespace) -> int:
    from openar.risk.services import ratings_import

    result = ratings_import(path=args.file, actor="cli")
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif result.errors:
        for e in result.errors:
            print(f"line {e['line']}: {e['field']}: {e['message']}", file=sys.stderr)
        print(f"rejected: {len(result.errors)} bad rows; nothing was written", file=sys.stderr)
    else:
        print(f"{result.rows} ratings: {result.created} added, {result.updated} updated")
    return 1 if result.errors else 0
