"""What cash application adds to ingest's commands: ``openar import statement FILE`` (bank
files, with their formats and options) and ``openar export applications FILE`` (the
cash-application layout). Registered from ``CashappConfig.ready()``; the work is imported only
when a command runs, so starting the web server does not load the bank parsers."""

from __future__ import annotations

import argparse

from openar.core.cli_extensions import (
    FileExportExtension,
    ImportKindExtension,
    register_file_export,
    register_import_kind,
)

STATEMENT_FORMATS = ("auto", "bai2", "camt", "mt940", "ofx", "csv")


def _statement_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layout", help="statement: saved CSV/XLSX bank layout code")
    p.add_argument(
        "--accept-unbalanced",
        action="store_true",
        help="statement: import statements whose balances do not add up (stored with a warning)",
    )


def _import_statement(args: argparse.Namespace) -> int:
    from openar.cashapp.commands import import_statement

    return import_statement(args)


def _export_applications(path: str) -> int:
    from openar.cashapp.exports import export_cash_applications

    return export_cash_applications(path)


def register() -> None:
    register_import_kind(
        ImportKindExtension(
            kind="statement",
            label="statements",
            formats=STATEMENT_FORMATS,
            flags=("--layout", "--accept-unbalanced"),
            add_arguments=_statement_arguments,
            handler=_import_statement,
        )
    )
    register_file_export(
        FileExportExtension(
            kind="applications",
            help="applications only: write the cash-application layout "
            "(bank_reference,receipt_ref,customer_ref,document_ref,amount,mode) to FILE",
            layout="cash-application layout",
            write=_export_applications,
        )
    )
