"""Import pages: recent batches, upload with a dry-run preview, then confirm to load for real."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, check_role, has_role, role_required
from openar.ingest.choices import ImportFormat, ImportKind, ImportStatus
from openar.ingest.filters import ImportBatchFilterSet
from openar.ingest.forms import ImportUploadForm
from openar.ingest.models import ImportBatch
from openar.ingest.tables import ImportBatchTable

IMPORT_ROLES = (Role.MANAGER, Role.ADMIN, Role.CASHAPP, Role.CREDIT)
IMPORT_DENIED = gettext_lazy("Importing needs the manager, credit, cash application or admin role.")
SESSION_KEY = "openar_pending_imports"
MAX_ERRORS_SHOWN = 200


def can_import(user: Any) -> bool:
    return has_role(user, *IMPORT_ROLES)


def _safe_name(name: str) -> str:
    base = Path(name).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or "upload"


def _run(pending: dict[str, Any], *, dry_run: bool, actor: Any) -> dict[str, Any]:
    """Run the import service and return its summary; file-level problems become one error."""
    from openar.ingest.services import import_file, refresh_after_import

    folder = Path(pending["path"]).parent
    try:
        result = import_file(
            kind=pending["kind"],
            path=pending["path"],
            fmt=pending["fmt"] or None,
            partial=pending["partial"],
            rejects_path=(folder / "rejects.csv") if pending["partial"] and not dry_run else None,
            create_entities=pending["create_entities"],
            dry_run=dry_run,
            actor=actor,
            original_name=pending["name"],
        )
    except OpenARError as exc:
        return {
            "file": pending["name"],
            "rows": 0,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
            "errors": [{"line": "", "field": exc.field or "", "message": exc.message}],
            "loaded": False,
            "status": ImportStatus.REJECTED,
        }
    refresh_after_import(result, actor=actor)
    summary = dict(result.as_dict())
    summary["loaded"] = result.loaded
    return summary


def _context(summary: dict[str, Any], pending: dict[str, Any]) -> dict[str, Any]:
    errors = list(summary.get("errors") or [])
    return {
        "summary": summary,
        "pending": pending,
        "kind_label": ImportKind(pending["kind"]).label,
        "format_label": ImportFormat(summary["format"]).label
        if summary.get("format") in ImportFormat.values
        else "",
        "errors": errors[:MAX_ERRORS_SHOWN],
        "errors_total": len(errors),
        "errors_truncated": len(errors) > MAX_ERRORS_SHOWN,
    }


class ImportListView(ObjectListView):
    """Recent import batches (anyone signed in), with the upload form above for the roles that
    may import; a valid upload answers with its dry-run preview."""

    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    template_name = "ingest/import_list.html"
    per_page = 30

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(n)s import", "%(n)s imports", count) % {"n": count}

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "upload_form": getattr(self, "upload_form", None) or ImportUploadForm(),
            "can_import": can_import(self.request.user),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        check_role(request.user, *IMPORT_ROLES, message=IMPORT_DENIED)
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            return _preview(request, form)
        self.upload_form = form  # shown again with its errors
        return self.get(request, *args, **kwargs)


import_list = ImportListView.as_view()


def _preview(request: HttpRequest, form: ImportUploadForm) -> HttpResponse:
    upload = form.cleaned_data["file"]
    token = uuid.uuid4().hex
    folder = Path(settings.OPENAR_UPLOAD_DIR) / token
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _safe_name(upload.name)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    pending = {
        "path": str(path),
        "name": upload.name,
        "kind": form.cleaned_data["kind"],
        "fmt": form.cleaned_data["fmt"] or "",
        "partial": bool(form.cleaned_data["partial"]),
        "create_entities": bool(form.cleaned_data["create_entities"]),
    }
    # The server keeps the path; the browser only ever sees the token.
    store = request.session.get(SESSION_KEY, {})
    store[token] = pending
    request.session[SESSION_KEY] = store
    summary = _run(pending, dry_run=True, actor=request.user)
    # The service says whether the dry run would load (a partial load may have rejects).
    confirmable = summary.get("status") == ImportStatus.PREVIEWED
    return render(
        request,
        "ingest/import_preview.html",
        {**_context(summary, pending), "token": token, "confirmable": confirmable},
    )


@role_required(*IMPORT_ROLES, message=IMPORT_DENIED)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    store = request.session.get(SESSION_KEY, {})
    pending = store.pop(token, None)
    if pending is None or not Path(pending["path"]).is_file():
        return redirect("ingest:import_list")
    request.session[SESSION_KEY] = store
    summary = _run(pending, dry_run=False, actor=request.user)
    return render(request, "ingest/import_result.html", _context(summary, pending))
