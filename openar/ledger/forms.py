"""Filter forms of the ledger pages; they only parse the query string, selectors do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openar.core.errors import ValidationError as OpenARValidationError
from openar.ledger.choices import AgingGroup
from openar.ledger.domain import parse_bucket_bounds
from openar.ledger.models import Customer, Entity
from openar.ledger.selectors import UNASSIGNED, AgingFilters

StrOrPromise = str | Promise


def collector_choices() -> list[tuple[str, StrOrPromise]]:
    """Users who hold a portfolio or the collector role, plus 'unassigned'."""
    users = (
        get_user_model()
        .objects.filter(
            Exists(Customer.objects.filter(collector=OuterRef("pk")))
            | Exists(
                get_user_model().groups.through.objects.filter(
                    user_id=OuterRef("pk"), group__name="collector"
                )
            )
        )
        .order_by("username")
        .values_list("username", "first_name", "last_name")
    )
    choices: list[tuple[str, StrOrPromise]] = [
        ("", _("All collectors")),
        (UNASSIGNED, _("Unassigned")),
    ]
    for username, first, last in users:
        full = f"{first} {last}".strip()
        choices.append((username, f"{full} ({username})" if full else username))
    return choices


def entity_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("All entities"))] + [
        (code, f"{code} · {name}") for code, name in Entity.objects.values_list("code", "name")
    ]


def segment_choices() -> list[tuple[str, StrOrPromise]]:
    segments = (
        Customer.objects.exclude(segment="")
        .values_list("segment", flat=True)
        .distinct()
        .order_by("segment")
    )
    return [("", _("All segments"))] + [(s, s) for s in segments]


class PortfolioFilterForm(forms.Form):
    """Entity, collector and segment: the filters shared by the customer list and the aging."""

    entity = forms.ChoiceField(label=_("Entity"), required=False)
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Choices come from the data, so they are read per request, not at import time.
        for name, choices in (
            ("entity", entity_choices()),
            ("collector", collector_choices()),
            ("segment", segment_choices()),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


def default_buckets() -> str:
    return ",".join(str(b) for b in settings.OPENAR_AGING_BUCKETS)


class AgingForm(PortfolioFilterForm):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    by = forms.ChoiceField(label=_("Group by"), choices=AgingGroup.choices, required=False)
    buckets = forms.CharField(
        label=_("Buckets (days)"),
        required=False,
        help_text=_("Upper bounds of the past-due buckets, e.g. 30,60,90,120"),
    )

    field_order = ["as_of", "by", "buckets", "entity", "collector", "segment"]

    def clean_buckets(self) -> str:
        text = (self.cleaned_data.get("buckets") or "").strip() or default_buckets()
        try:
            parse_bucket_bounds(text)
        except OpenARValidationError as exc:
            raise forms.ValidationError(exc.message) from None
        return text

    def report_args(self, today: dt.date) -> dict[str, Any]:
        """Keyword arguments for ``aging_report``; invalid fields fall back to their defaults."""
        self.is_valid()  # keeps the valid fields' values even when another field is invalid
        data = self.cleaned_data
        return {
            "as_of": data.get("as_of") or today,
            "by": data.get("by") or AgingGroup.CUSTOMER,
            "bucket_bounds": data.get("buckets") or default_buckets(),
            "filters": AgingFilters(
                entity=data.get("entity") or None,
                collector=data.get("collector") or None,
                segment=data.get("segment") or None,
            ),
        }
