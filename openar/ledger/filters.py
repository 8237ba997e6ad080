"""FilterSets of the ledger list pages: they parse the query string; the selector filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import FilterForm, IntegerFilter
from openar.ledger.forms import collector_choices, entity_choices, segment_choices
from openar.ledger.models import Customer
from openar.ledger.selectors import customer_list


class CustomerFilterSet(django_filters.FilterSet):
    """The customer list's filters, with the API's meaning (``customer_list``)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Customer number or name")}
        ),
    )
    # Choices come from the data: callables, read per request.
    collector = django_filters.ChoiceFilter(
        label=_("Collector"), choices=collector_choices, empty_label=None
    )
    entity = django_filters.ChoiceFilter(
        label=_("Entity"), choices=entity_choices, empty_label=None
    )
    segment = django_filters.ChoiceFilter(
        label=_("Segment"), choices=segment_choices, empty_label=None
    )
    min_balance = django_filters.NumberFilter(label=_("Min. balance"))
    max_balance = django_filters.NumberFilter(label=_("Max. balance"))
    min_days_past_due = IntegerFilter(label=_("Min. days past due"))

    class Meta:
        model = Customer
        fields: list[str] = []
        form = FilterForm

    def filter_queryset(self, queryset: QuerySet[Customer]) -> QuerySet[Customer]:
        # Only the fields that parsed: an invalid one is ignored, the others still filter.
        data = self.form.cleaned_data
        return customer_list(
            queryset=queryset,
            search=(data.get("q") or "").strip() or None,
            collector=data.get("collector") or None,
            entity=data.get("entity") or None,
            segment=data.get("segment") or None,
            min_balance=data.get("min_balance"),
            max_balance=data.get("max_balance"),
            min_days_past_due=data.get("min_days_past_due"),
        )
