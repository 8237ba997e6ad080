"""Bank statement parsers. Each format module exposes

    FORMAT: str                                   # the --format name: camt, bai2, mt940, ofx
    sniff(head: bytes) -> bool                    # does this file look like mine?
    parse(data: bytes, *, name: str) -> list[Statement]   # raise StatementError on bad input

and ``parse_file`` / ``parse_data`` pick one by ``--format`` or by sniffing (a zip is read member
by member, within the ``OPENAR_STATEMENT_ZIP_*`` limits). The ``csv`` format (CSV and XLSX
bank exports, ``csvbank``) has no signature: it is read when ``fmt="csv"`` or a ``layout`` is
given (a BankLayout row, a ``csvbank.LayoutSpec`` or a ``{"columns", "options"}`` dict)."""

from __future__ import annotations

import io
import zipfile
import zlib
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from openar.cashapp.domain import Statement, StatementError

FORMAT_MODULES = ("camt", "bai2", "mt940", "ofx", "csvbank")
# Text formats in which a NUL byte is never legitimate (CSV may be UTF-16, XML parsers refuse
# NUL themselves).
_NO_NUL = {"bai2", "mt940", "ofx"}
_READ_CHUNK = 64 * 1024
_RATIO_FROM = 1024 * 1024  # small members compress well legitimately: the ratio counts above this


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
    max_bytes = _setting("OPENAR_STATEMENT_MAX_BYTES", 200 * 1024 * 1024)
    if len(data) > max_bytes:
        raise StatementError(
            f"{name}: the file is {len(data)} bytes; at most {max_bytes} are read "
            "(setting OPENAR_STATEMENT_MAX_BYTES)",
            field="file",
        )
    if fmt == "csv" or (fmt == "auto" and layout is not None):
        from openar.cashapp.parsers import csvbank

        return csvbank.parse(data, name=name, layout=layout)
    if fmt != "auto":
        if fmt not in modules:
            raise StatementError(
                f"unknown statement format {fmt!r}; use one of auto, {', '.join(sorted(modules))}",
                field="format",
            )
        _refuse_nul(data, name=name, fmt=fmt)
        return modules[fmt].parse(data, name=name)
    head = data[:4096]
    for module in modules.values():
        if module.sniff(head):
            _refuse_nul(data, name=name, fmt=module.FORMAT)
            return module.parse(data, name=name)
    raise StatementError(
        f"{name}: not a statement format OpenAR reads ({', '.join(sorted(modules))})"
    )


def _refuse_nul(data: bytes, *, name: str, fmt: str) -> None:
    if fmt not in _NO_NUL:
        return
    at = data.find(b"\x00")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
        raise StatementError(
            f"{name}: NUL byte in a {fmt} file (a binary or damaged file)",
            position=f"line {line}, column {column}",
        )


def parse_file(path: str | Path, *, fmt: str = "auto", layout: Any = None) -> list[Statement]:
    """Parse a statement file (a .zip of statements is read member by member; an XLSX workbook,
    also a zip, is one file read with the layout)."""
    path = Path(path)
    return parse_data(path.read_bytes(), name=path.name, fmt=fmt, layout=layout)


def parse_data(data: bytes, *, name: str, fmt: str = "auto", layout: Any = None) -> list[Statement]:
    """``parse_bytes``, reading a zip of statements member by member (``name:member``)."""
    if data[:4] == b"PK\x03\x04" and not (fmt in {"auto", "csv"} and _is_xlsx(data)):
        statements: list[Statement] = []
        for member, blob in zip_members(data, name=name):
            statements.extend(parse_bytes(blob, name=f"{name}:{member}", fmt=fmt, layout=layout))
        return statements
    return parse_bytes(data, name=name, fmt=fmt, layout=layout)


def _setting(key: str, default: int) -> int:
    from django.conf import settings

    return int(getattr(settings, key, default))


def zip_members(data: bytes, *, name: str) -> list[tuple[str, bytes]]:
    """Every file in a zip, in name order, unzipped within the limits set by
    ``OPENAR_STATEMENT_ZIP_MAX_BYTES`` (all members together), ``_MAX_RATIO`` (unzipped size
    over compressed size, for members above 1 MiB) and ``_MAX_MEMBERS``. Sizes are counted
    while reading, never taken from the archive's own (forgeable) headers."""
    max_bytes = _setting("OPENAR_STATEMENT_ZIP_MAX_BYTES", 200 * 1024 * 1024)
    max_ratio = _setting("OPENAR_STATEMENT_ZIP_MAX_RATIO", 100)
    max_members = _setting("OPENAR_STATEMENT_ZIP_MAX_MEMBERS", 1000)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise StatementError(f"{name}: damaged zip archive: {exc}") from None
    members: list[tuple[str, bytes]] = []
    total = 0
    with archive:
        infos = sorted((i for i in archive.infolist() if not i.is_dir()), key=lambda i: i.filename)
        if len(infos) > max_members:
            raise StatementError(
                f"{name}: the zip holds {len(infos)} files; at most {max_members} are read "
                "(setting OPENAR_STATEMENT_ZIP_MAX_MEMBERS)",
                field="file",
            )
        for info in infos:
            chunks: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_READ_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if total > max_bytes:
                            raise StatementError(
                                f"{name}: unzipped, the archive is larger than {max_bytes} bytes "
                                "(setting OPENAR_STATEMENT_ZIP_MAX_BYTES); nothing is read",
                                position=f"member {info.filename}",
                                field="file",
                            )
                        if size > _RATIO_FROM and size > max_ratio * max(info.compress_size, 1):
                            raise StatementError(
                                f"{name}: member {info.filename} unzips to more than {max_ratio} "
                                "times its compressed size (a zip bomb?; setting "
                                "OPENAR_STATEMENT_ZIP_MAX_RATIO); nothing is read",
                                position=f"member {info.filename}",
                                field="file",
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                raise StatementError(
                    f"{name}: damaged zip archive: {exc}", position=f"member {info.filename}"
                ) from None
            members.append((info.filename, b"".join(chunks)))
    return members


def _is_xlsx(data: bytes) -> bool:
    from openar.cashapp.parsers.csvbank import is_xlsx

    return is_xlsx(data)
