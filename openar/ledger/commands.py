"""Ledger subcommands: entity, report aging."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
    entity = sub.add_parser("entity", help="legal entities (company codes)")
    entity_sub = entity.add_subparsers(dest="entity_command", metavar="ACTION", required=True)
    p = entity_sub.add_parser("add", help="add an entity")
    p.add_argument("code")
    p.add_argument("--name", required=True)
    p.add_argument("--currency", required=True, help="functional currency (ISO 4217)")
    p.set_defaults(handler=_entity_add)
    p = entity_sub.add_parser("list", help="list entities")
    p.set_defaults(handler=_entity_list)

    report = sub.add_parser("report", help="reports")
    report_sub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    p = report_sub.add_parser("aging", help="aging of open items as of a date")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--by", choices=["customer", "collector", "entity", "group"], default="customer")
    p.add_argument("--format", choices=["table", "csv", "xlsx", "json"], default="table")
    p.add_argument("--output", help="write to this file instead of standard output")
    p.add_argument("--buckets", help="bucket upper bounds in days, e.g. 30,60,90,120")
    p.add_argument("--currency", help="reporting currency (default: the OPENAR setting)")
    p.add_argument("--entity", help="only this entity")
    p.add_argument("--collector", help="only this collector (username)")
    p.add_argument("--segment", help="only this segment")
    p.set_defaults(handler=_report_aging)
    from openar.core.cli_extensions import reports

    for extension in reports():  # the reports other apps add (kpis...)
        p = report_sub.add_parser(extension.name, help=extension.help)
        extension.add_arguments(p)
        p.set_defaults(handler=extension.handler)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _entity_add(args: argparse.Namespace) -> int:
    from openar.ledger.services import entity_add

    entity = entity_add(code=args.code, name=args.name, currency=args.currency, actor="cli")
    print(f"entity {entity.code} added ({entity.currency})")
    return 0


def _entity_list(args: argparse.Namespace) -> int:
    from openar.ledger.models import Entity

    for entity in Entity.objects.order_by("code"):
        print(f"{entity.code}\t{entity.currency}\t{entity.name}")
    return 0


def _report_aging(args: argparse.Namespace) -> int:
    from openar.ledger.aging_export import aging_to_csv, aging_to_table, aging_to_xlsx
    from openar.ledger.selectors import AgingFilters, aging_report

    if args.format == "xlsx" and not args.output:
        raise UsageError("--format xlsx needs --output FILE")
    report = aging_report(
        as_of=_as_of(args),
        by=args.by,
        bucket_bounds=args.buckets,
        currency=args.currency,
        filters=AgingFilters(entity=args.entity, collector=args.collector, segment=args.segment),
    )
    if args.format == "xlsx":
        aging_to_xlsx(report, args.output)
        return 0
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "json":
            json.dump(report.as_dict(), out, indent=2)
            out.write("\n")
        elif args.format == "csv":
            aging_to_csv(report, out)
        else:
            out.write(aging_to_table(report))
    finally:
        if args.output:
            out.close()
    return 0
