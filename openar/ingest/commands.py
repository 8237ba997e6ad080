"""`openar import KIND FILE`: exit 0 when the file loaded, 1 when it was rejected (nothing
written), 2 for a usage error."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.cli_extensions import import_kinds
from openar.core.errors import UsageError
from openar.ingest.choices import ImportFormat, ImportKind


def register(sub: Any) -> None:
    # Other apps add kinds with their own formats and options (cash application: "statement",
    # bank files); they register in AppConfig.ready(), which runs before the parser is built.
    extensions = import_kinds()
    p = sub.add_parser(
        "import",
        help="load customers, items, receipts, applications or fx-rates from CSV/XLSX",
        description="Load a file. Exit status: 0 loaded, 1 rejected (nothing written), 2 usage.",
    )
    p.add_argument("kind", choices=[*ImportKind.values, *(e.kind for e in extensions)])
    p.add_argument("file")
    p.add_argument(
        "--format",
        choices=[*ImportFormat.values, *(f for e in extensions for f in e.formats)],
        help="default: detect by header"
        + "".join(f" ({e.label}: {', '.join(e.formats)})" for e in extensions),
    )
    for extension in extensions:
        extension.add_arguments(p)
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

    for extension in import_kinds():
        if args.kind == extension.kind:
            return extension.handler(args)
        if args.format in extension.formats or any(
            getattr(args, flag.lstrip("-").replace("-", "_")) for flag in extension.flags
        ):
            raise UsageError(
                f"--format {args.format} / {' / '.join(extension.flags)} apply to "
                f"{extension.label} only"
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
