"""What credit adds to ingest's commands: ``openar import open-orders FILE`` and ``openar import
shipments FILE`` (exposure beyond open AR), ``openar export holds FILE`` and ``openar export
write-offs FILE``. Registered from
``CreditConfig.ready()``; the work is imported only when a command runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from openar.core.cli_extensions import (
    FileExportExtension,
    ImportKindExtension,
    register_file_export,
    register_import_kind,
)
from openar.core.errors import UsageError


def _no_arguments(p: argparse.ArgumentParser) -> None:
    return None


def _import_orders(args: argparse.Namespace) -> int:
    from openar.credit.services.orders import orders_import

    if not Path(args.file).is_file():
        raise UsageError(f"no such file: {args.file}")
    result = orders_import(
        path=args.file,
        kind=args.kind,
        actor="cli",
        partial=args.partial,
        dry_run=args.dry_run,
        entity=args.entity,
    )
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        verdict = {
            "loaded": "loaded",
            "partial": "loaded with rejected rows",
            "previewed": "checked (dry run, nothing written)",
            "rejected": "REJECTED: nothing written",
        }[result.status]
        print(
            f"{args.file}: {verdict}. rows {result.rows}, created {result.created}, "
            f"updated {result.updated}, unchanged {result.unchanged}, "
            f"no longer listed {result.closed}, rejected {result.rejected}"
        )
        for err in result.errors[:200]:
            print(f"  line {err.line}, {err.field}: {err.message}", file=sys.stderr)
        if len(result.errors) > 200:
            print(f"  ... and {len(result.errors) - 200} more errors", file=sys.stderr)
    if result.status == "rejected" or (args.dry_run and result.errors and not args.partial):
        return 1
    return 0


def _export_holds(path: str) -> int:
    from openar.credit.exports import export_holds

    return export_holds(path)


def _export_write_offs(path: str) -> int:
    from openar.credit.exports import export_write_offs

    return export_write_offs(path)


def register() -> None:
    for kind, label in (("open-orders", "open orders"), ("shipments", "uninvoiced shipments")):
        register_import_kind(
            ImportKindExtension(
                kind=kind,
                label=label,
                formats=(),
                flags=(),
                add_arguments=_no_arguments,
                handler=_import_orders,
            )
        )
    register_file_export(
        FileExportExtension(
            kind="holds",
            help="holds: write the credit holds and releases "
            "(entity,customer_ref,action,reason,decided_by,decided_at) to FILE",
            layout="credit-hold layout",
            write=_export_holds,
        )
    )
    register_file_export(
        FileExportExtension(
            kind="write-offs",
            help="write-offs: write the journal lines of approved write-offs (entity,"
            "posting_date,write_off_id,customer_ref,document_ref,account,debit,credit,currency,"
            "reason) to FILE",
            layout="write-off posting layout",
            write=_export_write_offs,
        )
    )
