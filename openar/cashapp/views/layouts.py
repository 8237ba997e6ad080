"""The CSV/XLSX bank layout list and editor, with a preview of a sample file."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from openar.cashapp.filters import LayoutFilterSet
from openar.cashapp.forms import LayoutForm
from openar.cashapp.models import BankLayout
from openar.cashapp.tables import LayoutTable
from openar.cashapp.views.common import CASH_ROLE_MESSAGE, CASH_ROLES, cash_role_required
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView

# -- layouts -------------------------------------------------------------------------------------


class LayoutListView(ObjectListView):
    """The CSV/XLSX bank layouts, by code, with a link to each one's editor."""

    roles = CASH_ROLES
    role_message = CASH_ROLE_MESSAGE
    filterset_class = LayoutFilterSet
    table_class = LayoutTable
    template_name = "cashapp/layouts.html"

    def get_queryset(self) -> QuerySet[BankLayout]:
        return BankLayout.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {"tab": "layouts"}


layout_list = LayoutListView.as_view()


def _sample_folder() -> Path:
    return Path(settings.OPENAR_UPLOAD_DIR) / "layout-samples"


def _stash_sample(upload: Any) -> str:
    """Keep an uploaded sample for the next previews of the form (samples older than a day are
    removed on the way)."""
    import shutil
    import time

    root = _sample_folder()
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and time.time() - old.stat().st_mtime > 86400:
                shutil.rmtree(old, ignore_errors=True)
    token = uuid.uuid4().hex
    folder = root / token
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.name).name)[:120] or "sample"
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _sample(token: str) -> tuple[str, bytes] | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    folder = _sample_folder() / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if not files:
        return None
    return files[0].name, files[0].read_bytes()[: 20 * 1024 * 1024]


@cash_role_required
def layout_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    from openar.cashapp.layouts import layout_save
    from openar.cashapp.parsers.csvbank import preview

    layout = get_object_or_404(BankLayout, code=code) if code else None
    preview_result = None
    sample_name = ""
    if request.method == "POST":
        form = LayoutForm(request.POST, request.FILES)
        valid = form.is_valid()
        token = request.POST.get("sample_token", "")
        if request.FILES.get("sample"):
            token = _stash_sample(request.FILES["sample"])
        sample = _sample(token)
        if sample is not None:
            sample_name = sample[0]
            preview_result = preview(sample[1], name=sample[0], layout=form.layout_json(), rows=10)
        data = request.POST.copy()
        data["sample_token"] = token if sample is not None else ""
        form.data = data
        if valid and "save" in request.POST:
            payload = form.layout_json()
            try:
                saved = layout_save(
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    columns=payload["columns"],
                    options=payload["options"],
                    bank_account=form.cleaned_data.get("bank_account"),
                    actor=request.user,
                )
            except OpenARError as exc:
                target = (exc.field or "").replace("columns.", "col_").replace("options.", "")
                form.add_error(target if target in form.fields else None, exc.message)
            else:
                messages.success(request, _("Layout %(code)s saved.") % {"code": saved.code})
                return redirect("cashapp:layout_edit", code=saved.code)
    else:
        form = LayoutForm(initial=LayoutForm.initial_for(layout) if layout else None)
    return render(
        request,
        "cashapp/layout_form.html",
        {
            "form": form,
            "layout": layout,
            "preview": preview_result,
            "sample_name": sample_name,
            "tab": "layouts",
        },
    )
