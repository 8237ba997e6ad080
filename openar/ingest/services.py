"""Importing files into the ledger.

``import_file`` reads a file once, checks every row, stages the good ones and merges them in one
transaction. Without ``partial`` any bad row means nothing is written and every error is listed;
with ``partial`` the good rows load and every rejected row goes to a rejects file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from openar.core.audit import actor_label, audit_record
from openar.core.errors import ValidationError
from openar.core.spreadsheets import csv_writer
from openar.ingest.choices import ImportFormat, ImportKind, ImportStatus
from openar.ingest.formats import detect_format, make_adapter
from openar.ingest.loaders import LOADERS
from openar.ingest.loaders.base import LoadContext
from openar.ingest.models import ImportBatch
from openar.ingest.readers import FileProblem, open_rows

STORED_ERRORS = 1000


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    file: str
    kind: str
    format: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    status: str = ImportStatus.REJECTED
    dry_run: bool = False
    batch_id: int | None = None
    rejects_path: str | None = None
    entities_created: list[str] = field(default_factory=list)
    collectors_created: list[str] = field(default_factory=list)
    documents_converted: int = 0

    @property
    def loaded(self) -> bool:
        return self.status in (ImportStatus.LOADED, ImportStatus.PARTIAL, ImportStatus.PREVIEWED)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON summary printed by ``openar import --json`` (extra keys after the
        contract keys: status, format, batch_id, rejects_file, created entities/collectors,
        documents converted by new FX rates)."""
        return {
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
            "kind": self.kind,
            "format": self.format,
            "status": self.status,
            "dry_run": self.dry_run,
            "batch_id": self.batch_id,
            "rejects_file": self.rejects_path,
            "entities_created": self.entities_created,
            "collectors_created": self.collectors_created,
            "documents_converted": self.documents_converted,
        }


class _Rollback(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    *,
    kind: str,
    path: str | Path,
    fmt: str | None = None,
    partial: bool = False,
    rejects_path: str | Path | None = None,
    create_entities: bool = False,
    entity: str | None = None,
    dry_run: bool = False,
    actor: Any = None,
    original_name: str | None = None,
    decimal_comma: bool | None = None,
) -> ImportResult:
    """Load one file of ``kind`` (customers, items, receipts, applications, fx-rates)."""
    if kind not in ImportKind.values:
        raise ValidationError(
            f"cannot import {kind!r}; use one of {', '.join(ImportKind.values)}", field="kind"
        )
    if fmt is not None and fmt not in ImportFormat.values:
        raise ValidationError(
            f"unknown format {fmt!r}; use one of {', '.join(ImportFormat.values)}", field="format"
        )
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"no such file: {path}", code="not_found", field="file")
    name = original_name or path.name
    result = ImportResult(file=name, kind=kind, dry_run=dry_run)
    started = timezone.now()
    label = actor_label(actor, default="import")

    def finish(status: str) -> ImportResult:
        result.status = status
        if result.batch_id is None:
            batch = ImportBatch.objects.create(
                **_batch_fields(result, path, partial, actor, label, started)
            )
            result.batch_id = batch.id
        return result

    try:
        source = open_rows(path)
    except FileProblem as exc:
        result.errors.append(RowError(exc.line, exc.field or "file", exc.message))
        return finish(ImportStatus.REJECTED)
    result.format = fmt or detect_format(source.header)
    adapter = make_adapter(
        fmt=result.format,
        kind=kind,
        header=source.header,
        entity=entity,
        decimal_comma=decimal_comma,
    )
    if adapter.missing:
        for column in adapter.missing:
            result.errors.append(RowError(1, column, "required column is missing from the header"))
        return finish(ImportStatus.REJECTED)

    rejected_lines: dict[int, list[RowError]] = {}
    file_errors: list[RowError] = []
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                **_batch_fields(result, path, partial, actor, label, started)
            )
            ctx = LoadContext(
                source=str(result.format),
                create_entities=create_entities,
                batch_id=batch.id,
                actor=actor if actor is not None else f"import:{kind}",
            )
            loader = LOADERS[kind](ctx, adapter.extra_columns)
            loader.start()
            try:
                with loader.stage.writer() as write:
                    for line, raw in source.rows:
                        result.rows += 1
                        errors: list[tuple[str, str]] = []
                        if raw.formulas:
                            for spec in raw.formulas:
                                column, _, rest = spec.partition("@")
                                cell, _, formula = rest.partition("=")
                                errors.append(
                                    (
                                        column,
                                        f"cell {cell} holds a formula ({formula}); "
                                        "paste values instead",
                                    )
                                )
                            rejected_lines[line] = [RowError(line, f, m) for f, m in errors]
                            continue
                        if raw.nul:
                            rejected_lines[line] = [
                                RowError(line, column, "holds a NUL character; remove it")
                                for column in raw.nul
                            ]
                            continue
                        if raw.extra:
                            errors.append(("row", "has more values than the header has columns"))
                        record = loader.check(line, adapter.convert(raw), errors)
                        if errors or record is None:
                            rejected_lines[line] = [RowError(line, f, m) for f, m in errors]
                            continue
                        if record:
                            write(record)
            except FileProblem as exc:
                # An unreadable stretch of file: nothing from it can be trusted, partial or not.
                file_errors.append(RowError(exc.line, exc.field or "file", exc.message))
                raise _Rollback from None
            loader.after_staging()
            for line, fld, message in loader.late_errors:
                rejected_lines.setdefault(line, []).append(RowError(line, fld, message))
            if rejected_lines and not partial:
                raise _Rollback
            loader.drop_lines({line for line, _, _ in loader.late_errors})
            counts = loader.merge()
            loader.after_merge(actor=actor if actor is not None else f"import:{kind}")
            loader.stage.drop()
            result.created, result.updated, result.unchanged = (
                counts.created,
                counts.updated,
                counts.unchanged,
            )
            result.entities_created = ctx.entities_created
            result.collectors_created = ctx.collectors_created
            result.documents_converted = ctx.documents_converted
            _collect(result, rejected_lines)
            if dry_run:
                result.status = ImportStatus.PREVIEWED
                raise _Rollback
            result.status = ImportStatus.PARTIAL if result.rejected else ImportStatus.LOADED
            if partial and rejected_lines:
                result.rejects_path = str(
                    _write_rejects(path, rejects_path, source.header, rejected_lines)
                )
            for key, value in _batch_fields(result, path, partial, actor, label, started).items():
                setattr(batch, key, value)
            batch.save()
            result.batch_id = batch.id
            audit_record(
                actor=actor if actor is not None else f"import:{kind}",
                action=f"import.{kind}",
                object_type="import_batch",
                object_id=batch.id,
                summary=(
                    f"{name}: {result.rows} rows, {result.created} created, {result.updated} "
                    f"updated, {result.unchanged} unchanged, {result.rejected} rejected"
                ),
                after={"format": result.format, "partial": partial},
            )
    except _Rollback:
        if result.status == ImportStatus.PREVIEWED:
            if partial and rejected_lines:
                result.rejects_path = str(
                    _write_rejects(path, rejects_path, source.header, rejected_lines)
                )
            return finish(ImportStatus.PREVIEWED)
        _collect(result, rejected_lines)
        result.errors = file_errors + result.errors
        result.created = result.updated = result.unchanged = 0
        result.entities_created, result.collectors_created = [], []
        result.documents_converted = 0
        if partial and rejected_lines and not file_errors:
            result.rejects_path = str(
                _write_rejects(path, rejects_path, source.header, rejected_lines)
            )
        return finish(ImportStatus.REJECTED)
    return result


def _collect(result: ImportResult, rejected_lines: dict[int, list[RowError]]) -> None:
    result.rejected = len(rejected_lines)
    result.errors = [e for line in sorted(rejected_lines) for e in rejected_lines[line]]


def _batch_fields(
    result: ImportResult, path: Path, partial: bool, actor: Any, label: str, started: Any
) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "format": result.format or ImportFormat.OPENAR,
        "file_name": result.file[:255],
        "file_sha256": _sha256(path),
        "file_size": path.stat().st_size,
        "status": result.status,
        "partial": partial,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "errors": [e.as_dict() for e in result.errors[:STORED_ERRORS]],
        "rejects_path": result.rejects_path or "",
        "notes": {
            "dry_run": result.dry_run,
            "entities_created": result.entities_created,
            "collectors_created": result.collectors_created,
            "documents_converted": result.documents_converted,
            "errors_total": len(result.errors),
        },
        "actor": actor if hasattr(actor, "pk") else None,
        "actor_label": label,
        "started_at": started,
        "finished_at": timezone.now(),
    }


def _write_rejects(
    path: Path,
    rejects_path: str | Path | None,
    header: list[str],
    rejected: dict[int, list[RowError]],
) -> Path:
    """Write every rejected row (line, reasons, original values); the file is read again rather
    than keeping rejected rows in memory."""
    target = Path(rejects_path) if rejects_path else path.with_name(path.name + ".rejects.csv")
    raw_by_line: dict[int, dict[str, str]] = {}
    try:
        for line, raw in open_rows(path).rows:
            if line in rejected:
                raw_by_line[line] = raw
    except FileProblem:
        pass
    with open(target, "w", encoding="utf-8", newline="") as fh:
        writer = csv_writer(fh)
        writer.writerow(["line", "errors", *header])
        for line in sorted(rejected):
            reasons = "; ".join(f"{e.field}: {e.message}" for e in rejected[line])
            values = raw_by_line.get(line, {})
            writer.writerow([line, reasons, *(values.get(h, "") for h in header)])
    return target


def refresh_after_import(result: ImportResult, *, actor: Any) -> bool:
    """Refresh the aging snapshot (what the customer list reads) after a load that changed the
    ledger. Used by the CLI, the API and the UI so all three leave the same state."""
    from openar.core.dates import today
    from openar.ledger.services import aging_refresh

    if (
        result.status in (ImportStatus.LOADED, ImportStatus.PARTIAL)
        and not result.dry_run
        and (result.created or result.updated)
        and result.kind != ImportKind.FX_RATES
    ):
        aging_refresh(as_of=today(), actor=actor)
        return True
    return False
