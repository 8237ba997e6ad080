"""`openar import KIND FILE`: exit 0 when the file loaded, 1 when it was rejected (nothing
written), 2 for a usage error."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.errors import UsageError
from openar.ingest.choices import ImportFormat, ImportKind

STATEMENT_FORMATS = ("auto", "bai2", "camt", "mt940", "ofx", "csv")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="load customers, items, receipts, applications or fx-rates from CSV/XLSX",
        description="Load a file. Exit status: 0 loaded, 1 rejected (nothing written), 2 usage.",
    )
    # "statement" (bank files) is handled by cash application: openar/cashapp/commands.py.
    p.add_argument("kind", choices=[*ImportKind.values, "statement"])
    p.add_argument("file")
    p.add_argument(
        "--format",
        choices=[*ImportFormat.values, *STATEMENT_FORMATS],
        help="default: detect by header (statements: auto, bai2, camt, mt940, ofx, csv)",
    )
    p.add_argument("--layout", help="statement: saved CSV/XLSX bank layout code")
    p.add_argument(
        "--accept-unbalanced",
        action="store_true",
        help="statement: import statements whose balances do not add up (stored with a warning)",
    )
    p.add_argument(
        "--partial", action="store_true", help="load the good rows; write rejected rows to a file"
    )
    p.add_argument("--rejects", help="rejects file (default: FILE.rejects.csv)")
    p.add_argument("--create-entities", action="store_true")
    p.add_argument("--entity", help="entity code for files without an entity column")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument(
        "--decimal-comma", action="store_true", help="amounts use ',' as the decimal mark"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--no-refresh", action="store_true", help="skip refreshing the aging snapshot afterwards"
    )
    p.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from openar.ingest.services import import_file, refresh_after_import

    if args.kind == "statement":
        from openar.cashapp.commands import import_statement

        return import_statement(args)
    if args.format in STATEMENT_FORMATS or args.layout or args.accept_unbalanced:
        raise UsageError(
            f"--format {args.format} / --layout / --accept-unbalanced apply to statements only"
        )
    if args.rejects and not args.partial:
        raise UsageError("--rejects only makes sense with --partial")
    if not Path(args.file).is_file():
        raise UsageError(f"no such file: {args.file}")
    result = import_file(
        kind=args.kind,
        path=args.file,
        fmt=args.format,
        partial=args.partial,
        rejects_path=args.rejects,
        create_entities=args.create_entities,
        entity=args.entity,
        dry_run=args.dry_run,
        actor="cli",
        decimal_comma=True if args.decimal_comma else None,
    )
    if not args.no_refresh:
        refresh_after_import(result, actor="cli")
    summary = result.as_dict()
    summary["file"] = args.file
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        verdict = {
            "loaded": "loaded",
            "partial": "loaded with rejected rows",
            "previewed": "checked (dry run, nothing written)",
            "rejected": "REJECTED: nothing written",
        }[result.status]
        print(
            f"{args.file}: {verdict}. rows {result.rows}, created {result.created}, "
            f"updated {result.updated}, unchanged {result.unchanged}, rejected {result.rejected}"
        )
        for name in result.collectors_created:
            print(f"  new inactive collector account: {name}")
        for code in result.entities_created:
            print(f"  new entity: {code}")
        if result.documents_converted:
            print(
                f"  {result.documents_converted} documents converted into their functional "
                "currency with the new rates"
            )
        for err in result.errors[:200]:
            print(f"  line {err.line}, {err.field}: {err.message}", file=sys.stderr)
        if len(result.errors) > 200:
            print(f"  ... and {len(result.errors) - 200} more errors", file=sys.stderr)
        if result.rejects_path:
            print(f"  rejected rows written to {result.rejects_path}")
    if result.status == "rejected":
        return 1
    if args.dry_run and result.errors and not args.partial:
        return 1
    return 0
