"""Import endpoints: upload a file (same loaders as `openar import`) and read a stored batch."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pydantic
from django.conf import settings
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from openar.core.errors import NotFound, OpenARError, ValidationError
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS
from openar.ingest.choices import ImportFormat, ImportKind
from openar.ingest.models import ImportBatch

router = Router(tags=["imports"])

IMPORT_ROLES = (Role.MANAGER, Role.ADMIN, Role.CASHAPP, Role.CREDIT)


class ImportParams(Schema):
    format: str | None = Field(None, description="openar, sap or oracle; omitted: detect by header")
    partial: bool = Field(False, description="load the good rows and report the rejected ones")
    dry_run: bool = Field(False, description="validate and count what would change; write nothing")
    create_entities: bool = Field(False, description="create entities named in the file")
    entity: str | None = Field(None, description="entity for files that do not name one")


class ImportErrorOut(Schema):
    line: int | None
    field: str | None
    message: str


class ImportSummaryOut(Schema):
    """``ImportResult.as_dict()`` (the same object `openar import --json` prints) plus batch_id."""

    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportErrorOut]
    kind: str
    format: str = ""
    status: str = Field(description="loaded, partial, previewed or rejected")
    dry_run: bool = False
    batch_id: int | None
    rejects_file: str | None = None
    entities_created: list[str] = []
    collectors_created: list[str] = []
    documents_converted: int = Field(
        0, description="documents given functional amounts by the imported FX rates"
    )


class BatchOut(Schema):
    id: int
    kind: str
    format: str
    file_name: str
    file_sha256: str
    file_size: int
    status: str
    partial: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[dict[str, Any]]
    notes: dict[str, Any]
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


def _params(request: HttpRequest, query: ImportParams) -> ImportParams:
    """Options may come in the query string or as multipart form fields (form wins)."""
    form = {name: request.POST[name] for name in ImportParams.model_fields if name in request.POST}
    if not form:
        return query
    try:
        return ImportParams.model_validate({**query.model_dump(exclude_unset=True), **form})
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][-1]) if first.get("loc") else None
        raise ValidationError(f"{field}: {first['msg']}", field=field) from None


@router.get(
    "/imports/{int:batch_id}", response={200: BatchOut, **ERRORS}, summary="An import batch"
)
def import_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """What one import (or preview) read and changed; the first errors are kept with it."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"no import batch {batch_id}", field="batch_id")
    return {
        **{name: getattr(batch, name) for name in BatchOut.model_fields if name != "actor"},
        "actor": batch.actor_label,
    }


@router.post(
    "/imports/{kind}",
    response={200: ImportSummaryOut, 422: ImportSummaryOut, **ERRORS},
    summary="Import a file",
)
def import_upload(
    request: HttpRequest, kind: str, file: File[UploadedFile], query: Query[ImportParams]
) -> Status[dict[str, Any]]:
    """Load customers, items, receipts, applications or fx-rates from an uploaded CSV or XLSX.

    200 with the summary when the file loaded; 422 with the same summary (and every error with
    its line and field) when it was rejected and nothing was written."""
    user = api_check_role(
        request,
        *IMPORT_ROLES,
        message="importing needs the manager, admin, cash application or credit role",
    )
    if kind not in ImportKind.values:
        raise ValidationError(
            f"cannot import {kind!r}; use one of {', '.join(ImportKind.values)}", field="kind"
        )
    params = _params(request, query)
    if params.format is not None and params.format not in ImportFormat.values:
        raise ValidationError(
            f"unknown format {params.format!r}; use one of {', '.join(ImportFormat.values)}",
            field="format",
        )
    from openar.ingest.services import import_file, refresh_after_import

    upload_dir = Path(settings.OPENAR_UPLOAD_DIR)
    upload_dir.mkdir(parents=True, exist_ok=True)
    original = Path(file.name or "upload").name
    with tempfile.NamedTemporaryFile(
        dir=upload_dir, prefix="api-", suffix=Path(original).suffix.lower(), delete=False
    ) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        path = Path(tmp.name)
    try:
        result = import_file(
            kind=kind,
            path=path,
            fmt=params.format,
            partial=params.partial,
            create_entities=params.create_entities,
            entity=params.entity,
            dry_run=params.dry_run,
            actor=user,
            original_name=original,
        )
    except OpenARError as exc:
        if exc.status != 400 or exc.field in ("kind", "format"):
            raise  # a bad parameter (e.g. the SAP layout for customers), not a bad file
        # A file-level problem (unreadable, unknown layout, missing column) rejects the file.
        return Status(422, _file_rejected(original, kind, params, exc))
    finally:
        path.unlink(missing_ok=True)
    # As `openar import` does: the customer list reads the aging snapshot.
    refresh_after_import(result, actor=user)
    summary = {**result.as_dict(), "batch_id": result.batch_id}
    return Status(200 if result.loaded else 422, summary)


def _file_rejected(
    file_name: str, kind: str, params: ImportParams, exc: OpenARError
) -> dict[str, Any]:
    return {
        "file": file_name,
        "rows": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [{"line": None, "field": exc.field, "message": exc.message}],
        "kind": kind,
        "format": params.format or "",
        "status": "rejected",
        "dry_run": params.dry_run,
        "batch_id": None,
    }
