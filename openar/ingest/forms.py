"""Upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openar.ingest.choices import ImportFormat, ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"), choices=ImportKind.choices)
    fmt = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the header row")), *ImportFormat.choices],
    )
    partial = forms.BooleanField(
        label=_("Load the good rows and reject the bad ones"),
        required=False,
        help_text=_("Without this, one bad row means nothing is loaded."),
    )
    create_entities = forms.BooleanField(
        label=_("Create entities (company codes) that do not exist yet"), required=False
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
