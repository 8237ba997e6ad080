"""Bank statement parsers. Each format module exposes

    FORMAT: str                                   # the --format name: camt, bai2, mt940, ofx
    sniff(head: bytes) -> bool                    # does this file look like mine?
    parse(data: bytes, *, name: str) -> list[Statement]   # raise StatementError on bad input

and ``parse_file`` picks one by ``--format`` or by sniffing. The ``csv`` format (CSV and XLSX
bank exports, ``csvbank``) has no signature: it is read when ``fmt="csv"`` or a ``layout`` is
given (a BankLayout row, a ``csvbank.LayoutSpec`` or a ``{"columns", "options"}`` dict)."""

from __future__ import annotations

import zipfile
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from openar.cashapp.domain import Statement, StatementError

FORMAT_MODULES = ("camt", "bai2", "mt940", "ofx", "csvbank")


def _modules() -> dict[str, ModuleType]:
    found = {}
    for name in FORMAT_MODULES:
        try:
            module = import_module(f"openar.cashapp.parsers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"openar.cashapp.parsers.{name}":
                continue  # a format not built yet
            raise
        found[module.FORMAT] = module
    return found


def formats() -> list[str]:
    return sorted(_modules())


def parse_bytes(
    data: bytes, *, name: str, fmt: str = "auto", layout: Any = None
) -> list[Statement]:
    modules = _modules()
    if fmt == "csv" or (fmt == "auto" and layout is not None):
        from openar.cashapp.parsers import csvbank

        return csvbank.parse(data, name=name, layout=layout)
    if fmt != "auto":
        if fmt not in modules:
            raise StatementError(
                f"unknown statement format {fmt!r}; use one of auto, {', '.join(sorted(modules))}",
                field="format",
            )
        return modules[fmt].parse(data, name=name)
    head = data[:4096]
    for module in modules.values():
        if module.sniff(head):
            return module.parse(data, name=name)
    raise StatementError(
        f"{name}: not a statement format OpenAR reads ({', '.join(sorted(modules))})"
    )


def parse_file(path: str | Path, *, fmt: str = "auto", layout: Any = None) -> list[Statement]:
    """Parse a statement file (a .zip of statements is read member by member; an XLSX workbook,
    also a zip, is one file read with the layout)."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" and not (fmt in {"auto", "csv"} and _is_xlsx(data)):
        statements: list[Statement] = []
        with zipfile.ZipFile(path) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith("/"):
                    continue
                statements.extend(
                    parse_bytes(
                        archive.read(member),
                        name=f"{path.name}:{member}",
                        fmt=fmt,
                        layout=layout,
                    )
                )
        return statements
    return parse_bytes(data, name=path.name, fmt=fmt, layout=layout)


def _is_xlsx(data: bytes) -> bool:
    from openar.cashapp.parsers.csvbank import is_xlsx

    return is_xlsx(data)
