"""Forms of the cash application pages: statement upload and the CSV/XLSX layout editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openar.cashapp.models import BankAccount, BankLayout
from openar.cashapp.parsers.csvbank import DEFAULT_CREDIT_VALUES, DEFAULT_DEBIT_VALUES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

FORMAT_CHOICES = [
    ("auto", _("Detect (camt, BAI2, MT940, OFX)")),
    ("camt", "ISO 20022 camt.052/053/054"),
    ("bai2", "BAI2"),
    ("mt940", "SWIFT MT940 / MT942"),
    ("ofx", "OFX"),
    ("csv", _("CSV / XLSX with a saved layout")),
]


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement file"))
    fmt = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    layout = forms.ModelChoiceField(
        label=_("Layout (CSV / XLSX)"),
        queryset=BankLayout.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
        to_field_name="code",
    )
    match_now = forms.BooleanField(
        label=_("Match the new lines right away"), required=False, initial=True
    )
    accept_unbalanced = forms.BooleanField(
        label=_("Import even if the balances do not add up"), required=False, initial=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fmt") == "csv" and not data.get("layout"):
            self.add_error("layout", _("Choose the layout that describes this CSV/XLSX file."))
        return data


# OpenAR fields a layout maps, with their labels in the editor.
COLUMN_FIELDS = [
    ("booking_date", _("Booking date")),
    ("value_date", _("Value date")),
    ("amount", _("Amount")),
    ("credit", _("Credit amount")),
    ("debit", _("Debit amount")),
    ("indicator", _("Credit/debit indicator")),
    ("currency", _("Currency")),
    ("counterparty_name", _("Payer name")),
    ("counterparty_account", _("Payer account (IBAN)")),
    ("remittance", _("Remittance text (several columns: separate with |)")),
    ("bank_reference", _("Bank reference")),
    ("end_to_end_id", _("End-to-end id")),
    ("creditor_reference", _("Structured reference (RF)")),
    ("transaction_code", _("Transaction code")),
    ("account", _("Own account number")),
]

DELIMITER_CHOICES = [
    ("", _("Detect")),
    (",", _("Comma ,")),
    (";", _("Semicolon ;")),
    ("tab", _("Tab")),
    ("|", _("Pipe |")),
]
ENCODING_CHOICES = [
    ("utf-8-sig", "UTF-8"),
    ("cp1252", "Windows-1252"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("utf-16", "UTF-16"),
]
DATE_FORMAT_CHOICES = [
    ("%Y-%m-%d", "2026-06-30"),
    ("%d/%m/%Y", "30/06/2026"),
    ("%m/%d/%Y", "06/30/2026"),
    ("%d.%m.%Y", "30.06.2026"),
    ("%d-%m-%Y", "30-06-2026"),
    ("%Y%m%d", "20260630"),
    ("%d/%m/%y", "30/06/26"),
    ("%m/%d/%y", "06/30/26"),
]
SIGN_CHOICES = [
    ("signed", _("One signed amount column (credits positive)")),
    ("columns", _("Separate credit and debit columns")),
    ("indicator", _("Amount plus a credit/debit indicator column")),
]
DECIMAL_CHOICES = [(".", _("Point 1,234.56")), (",", _("Comma 1.234,56"))]


class LayoutForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    bank_account = forms.ModelChoiceField(
        label=_("Bank account"),
        queryset=BankAccount.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label=_("Any (the file or the import says)"),
    )
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITER_CHOICES, required=False)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
    header_row = forms.IntegerField(label=_("Header row"), min_value=1, initial=1)
    date_format = forms.ChoiceField(label=_("Date format"), choices=DATE_FORMAT_CHOICES)
    decimal = forms.ChoiceField(label=_("Decimal separator"), choices=DECIMAL_CHOICES)
    sign = forms.ChoiceField(label=_("Sign convention"), choices=SIGN_CHOICES)
    negate = forms.BooleanField(
        label=_("The bank writes credits negative"), required=False, initial=False
    )
    credit_values = forms.CharField(
        label=_("Indicator values for a credit"),
        required=False,
        initial=", ".join(DEFAULT_CREDIT_VALUES),
    )
    debit_values = forms.CharField(
        label=_("Indicator values for a debit"),
        required=False,
        initial=", ".join(DEFAULT_DEBIT_VALUES),
    )
    currency = forms.CharField(
        label=_("Currency when the file has none"), max_length=3, required=False
    )
    sheet = forms.CharField(label=_("XLSX sheet"), max_length=60, required=False)
    skip_blank_amounts = forms.BooleanField(
        label=_("Skip rows without an amount (subtotals)"), required=False
    )
    sample = forms.FileField(label=_("Sample file for the preview"), required=False)
    sample_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        current = self.data.get("date_format") if self.is_bound else self.initial.get("date_format")
        date_format = self.fields["date_format"]
        if current and current not in {value for value, _label in DATE_FORMAT_CHOICES}:
            date_format.choices = [*DATE_FORMAT_CHOICES, (current, current)]  # type: ignore[attr-defined]
        for key, label in COLUMN_FIELDS:
            self.fields[f"col_{key}"] = forms.CharField(label=label, required=False, max_length=200)

    def column_fields(self) -> list[Any]:
        return [self[f"col_{key}"] for key, _label in COLUMN_FIELDS]

    def option_fields(self) -> list[Any]:
        names = (
            "delimiter", "encoding", "header_row", "date_format", "decimal", "sign",
            "currency", "sheet", "credit_values", "debit_values",
        )  # fmt: skip
        return [self[name] for name in names]

    def layout_json(self) -> dict[str, Any]:
        """The ``columns`` and ``options`` of the form's current values (valid or not)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        raw = self.data

        def value(name: str) -> Any:
            if name in data and data[name] not in (None, ""):
                return data[name]
            return raw.get(name, "") if raw else ""

        columns: dict[str, Any] = {}
        for key, _label in COLUMN_FIELDS:
            text = str(value(f"col_{key}") or "").strip()
            if not text:
                continue
            if key == "remittance" and "|" in text:
                columns[key] = [part.strip() for part in text.split("|") if part.strip()]
            else:
                columns[key] = text
        options: dict[str, Any] = {
            "delimiter": "\t" if value("delimiter") == "tab" else value("delimiter"),
            "encoding": value("encoding") or "utf-8-sig",
            "header_row": value("header_row") or 1,
            "date_format": value("date_format") or "%Y-%m-%d",
            "decimal": value("decimal") or ".",
            "sign": value("sign") or "signed",
            "negate": bool(value("negate")) and value("negate") not in ("false", "off"),
            "currency": str(value("currency") or "").upper(),
            "sheet": value("sheet"),
            "skip_blank_amounts": bool(value("skip_blank_amounts")),
        }
        for key in ("credit_values", "debit_values"):
            text = str(value(key) or "")
            options[key] = [part.strip() for part in text.split(",") if part.strip()]
        return {"columns": columns, "options": {k: v for k, v in options.items() if v != ""}}

    @classmethod
    def initial_for(cls, layout: BankLayout) -> dict[str, Any]:
        options = dict(layout.options or {})
        initial: dict[str, Any] = {
            "code": layout.code,
            "name": layout.name,
            "bank_account": layout.bank_account_id,
            "delimiter": "tab"
            if options.get("delimiter") == "\t"
            else options.get("delimiter", ""),
            "encoding": options.get("encoding", "utf-8-sig"),
            "header_row": options.get("header_row", 1),
            "date_format": options.get("date_format", "%Y-%m-%d"),
            "decimal": options.get("decimal", "."),
            "sign": options.get("sign", "signed"),
            "negate": options.get("negate", False),
            "currency": options.get("currency", ""),
            "sheet": options.get("sheet", ""),
            "skip_blank_amounts": options.get("skip_blank_amounts", False),
            "credit_values": ", ".join(options.get("credit_values", DEFAULT_CREDIT_VALUES)),
            "debit_values": ", ".join(options.get("debit_values", DEFAULT_DEBIT_VALUES)),
        }
        for key, names in (layout.columns or {}).items():
            initial[f"col_{key}"] = " | ".join(names) if isinstance(names, list) else names
        return initial
