"""``openar report kpis`` and ``openar report snapshots`` (added to ledger's ``openar report``)."""

from __future__ import annotations

import argparse
import json
import sys

from openar.core.cli_extensions import ReportExtension, register_report
from openar.core.dates import parse_iso_date, today
from openar.core.errors import ValidationError


def as_of_arg(text: str | None) -> object:
    """The as-of date of a report: today by default; a future date is refused."""
    day = parse_iso_date(text, field="as_of") if text else today()
    if day > today():
        raise ValidationError(
            f"{day} is in the future; reports take a date up to today", field="as_of"
        )
    return day


def _kpis_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today; not in the future)")
    p.add_argument(
        "--period-days",
        type=int,
        default=90,
        help="the period ending on the as-of date (default 90)",
    )
    p.add_argument("--entity", help="only this entity (code)")
    p.add_argument("--collector", help="only this collector (username, or 'unassigned')")
    p.add_argument("--segment", help="only this segment")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings)")


def _kpis(args: argparse.Namespace) -> int:
    from openar.reports.kpi_labels import kpi_table
    from openar.reports.selectors.kpis import Scope, kpis

    as_of = as_of_arg(args.as_of)
    if args.period_days < 1:
        raise ValidationError("the period must be at least one day", field="period_days")
    result = kpis(
        as_of=as_of,  # type: ignore[arg-type]
        period_days=args.period_days,
        scope=Scope(entity=args.entity, collector=args.collector, segment=args.segment),
    )
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(kpi_table(result))
    return 0


def _snapshots_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", help="take the snapshot of this day (default: today)")
    p.add_argument(
        "--backfill-from", help="first take the missing days from this date (YYYY-MM-DD)"
    )


def _snapshots(args: argparse.Namespace) -> int:
    import datetime as dt

    from openar.reports.services import snapshot_take, snapshots_backfill

    as_of = as_of_arg(args.as_of)
    assert isinstance(as_of, dt.date)
    if args.backfill_from:
        start = parse_iso_date(args.backfill_from, field="backfill_from")
        taken = snapshots_backfill(
            start=start,
            end=as_of - dt.timedelta(days=1),
            actor="cli",
            progress=lambda i, n, day: print(f"{day} ({i + 1}/{n})", file=sys.stderr),
        )
        print(f"{taken} days rebuilt from history")
    day = snapshot_take(as_of=as_of, actor="cli")
    print(f"snapshot {day.as_of}: {day.customers} accounts, balance {day.balance} {day.currency}")
    return 0


def _forecast_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today; not in the future)")
    p.add_argument("--weeks", type=int, default=13, help="weeks ahead (default 13)")
    p.add_argument("--entity", help="only this entity (code)")
    p.add_argument("--collector", help="only this collector (username, or 'unassigned')")
    p.add_argument("--segment", help="only this segment")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings)")


def _forecast(args: argparse.Namespace) -> int:
    import datetime as dt

    from openar.reports.selectors.forecast import cash_forecast
    from openar.reports.selectors.kpis import Scope

    as_of = as_of_arg(args.as_of)
    assert isinstance(as_of, dt.date)
    if not 1 <= args.weeks <= 52:
        raise ValidationError("weeks must be from 1 to 52", field="weeks")
    result = cash_forecast(
        as_of=as_of,
        weeks=args.weeks,
        scope=Scope(entity=args.entity, collector=args.collector, segment=args.segment),
    ).as_dict()
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"Cash forecast as of {result['as_of']} ({result['currency']})")
    print(f"  {'week':<24} {'promised':>14} {'predicted':>14} {'due':>14} {'total':>14}")
    for w in result["weeks"]:
        print(
            f"  {w['start'] + '..' + w['end']:<24} {w['promised']:>14} {w['predicted']:>14} "
            f"{w['due']:>14} {w['total']:>14}"
        )
    print(f"  later {result['later']}, not forecast {result['not_forecast']}")
    return 0


def register_reports() -> None:
    register_report(
        ReportExtension(
            name="kpis",
            help="collection KPIs (DSO, CEI, ADD...) as of a date",
            add_arguments=_kpis_arguments,
            handler=_kpis,
        )
    )
    register_report(
        ReportExtension(
            name="snapshots",
            help="take the daily reporting snapshot, rebuilding missing days from history",
            add_arguments=_snapshots_arguments,
            handler=_snapshots,
        )
    )
    register_report(
        ReportExtension(
            name="forecast",
            help="expected collections per week (promises, predicted payment dates, due dates)",
            add_arguments=_forecast_arguments,
            handler=_forecast,
        )
    )
