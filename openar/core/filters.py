"""What the list pages' FilterSets share: the form (no label colon), integer and date inputs,
a FilterSet whose selector does the filtering, and one with a date range.

A FilterSet only parses the query string; ``filter_queryset`` hands the fields that parsed to
the page's selector, so the page filters exactly like the API (an invalid field is ignored and
the others still filter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class FilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class DateInputFilter(django_filters.DateFilter):
    """An ISO date from the browser's date picker."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)


def search_input(placeholder: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


class SelectorFilterSet(django_filters.FilterSet):
    """Subclasses implement ``select(queryset, data)``: ``data`` holds the fields that parsed,
    blank ones left out. The selector runs on every request, an empty query string too, so the
    page's ``get_queryset`` returns the model's plain queryset and the selector adds its joins,
    figures and order once."""

    class Meta:
        form = FilterForm
        fields: list[str] = []

    def select(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cleaned = self.form.cleaned_data if self.is_bound else {}
        data = {k: v for k, v in cleaned.items() if v not in (None, "", [], False)}
        return self.select(queryset, data)

    @property
    def qs(self) -> QuerySet[Any]:
        if not hasattr(self, "_qs"):
            if self.is_bound:
                self.errors  # noqa: B018 - validates the form: cleaned_data holds what parsed
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs


class DateRangeFilterSet(SelectorFilterSet):
    """A list narrowed to a date range: ``date_from`` and ``date_to``, either may be blank. A
    subclass relabels them by declaring them again (the applied cash list: "Booked from")."""

    date_from = DateInputFilter(label=_("From"))
    date_to = DateInputFilter(label=_("To"))

    @staticmethod
    def date_range(data: dict[str, Any]) -> dict[str, dt.date | None]:
        """The range as the selectors take it: ``date_from=`` and ``date_to=``."""
        return {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
