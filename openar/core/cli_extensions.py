"""Extensions of commands that a lower app owns and a higher app completes.

``openar import KIND FILE`` and ``openar export KIND`` belong to ingest; cash application adds
``import statement`` (bank files, with its own formats and options) and ``export applications
FILE`` (its own layout). It registers them here in ``AppConfig.ready()``, which runs before the
command line is built, so ingest builds the same parser without importing cashapp."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class ImportKindExtension:
    """A kind ``openar import`` hands to another app: its formats (accepted by ``--format``),
    the options it adds (``add_arguments(parser)``, their flags in ``flags``) and its handler."""

    kind: str
    label: str  # plural, for messages: "statements"
    formats: tuple[str, ...]
    flags: tuple[str, ...]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Handler


@dataclass(frozen=True)
class FileExportExtension:
    """``openar export KIND FILE`` (a positional file) for ``kind``, written by another app."""

    kind: str
    help: str  # of the FILE argument
    layout: str  # named in messages: "cash-application layout"
    write: Callable[[str], int]  # returns the number of rows written


@dataclass(frozen=True)
class ReportExtension:
    """``openar report NAME`` written by another app than ledger (which owns ``report aging``)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Handler


_IMPORT_KINDS: dict[str, ImportKindExtension] = {}
_REPORTS: dict[str, ReportExtension] = {}
_FILE_EXPORTS: dict[str, FileExportExtension] = {}


def register_import_kind(extension: ImportKindExtension) -> None:
    _IMPORT_KINDS[extension.kind] = extension


def register_file_export(extension: FileExportExtension) -> None:
    _FILE_EXPORTS[extension.kind] = extension


def import_kinds() -> list[ImportKindExtension]:
    return list(_IMPORT_KINDS.values())


def file_exports() -> dict[str, FileExportExtension]:
    return dict(_FILE_EXPORTS)


def register_report(extension: ReportExtension) -> None:
    _REPORTS[extension.name] = extension


def reports() -> list[ReportExtension]:
    return list(_REPORTS.values())
