"""The list-page kit: every list page is one class in the style of NetBox's generic views.

A page declares its queryset (a selector), a django-filter ``FilterSet`` for the query string, a
django-tables2 ``Table`` for the columns, the roles that may see it and its template. The view
filters, sorts and paginates (the table's pager, ``core/table.html``), and answers an htmx request
aimed at the results (``hx-target="#results"``) with the results alone (``core/_list_results.html``
unless the page names its own ``results_template_name``)::

    class CustomerListView(ObjectListView):
        filterset_class = CustomerFilterSet
        table_class = CustomerTable
        template_name = "ledger/customer_list.html"

        def get_queryset(self):
            return customer_list()

A page template extends ``core/list.html`` and fills its blocks (heading, filters)."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View
from django_tables2 import RequestConfig

from openar.core.roles import RoleRequiredMixin


class ObjectListView(RoleRequiredMixin, View):
    """Filter (``filterset_class``), table (``table_class``), pages of ``per_page`` rows, htmx
    partial and role check (``roles``; empty: anyone signed in)."""

    filterset_class: ClassVar[type[django_filters.FilterSet] | None] = None
    table_class: ClassVar[type[tables.Table]]
    template_name: ClassVar[str] = "core/list.html"
    results_template_name: ClassVar[str] = "core/_list_results.html"
    results_id: ClassVar[str] = "results"
    per_page: ClassVar[int] = 50
    # Filter values used while the query string does not name the field (a list that opens on
    # what is waiting: ``{"status": "pending"}``).
    filter_defaults: ClassVar[dict[str, str]] = {}

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_extra_context(self) -> dict[str, Any]:
        """Anything else the page shows around the table (figures, headings)."""
        return {}

    def get_filterset_kwargs(self) -> dict[str, Any]:
        """More keyword arguments for the FilterSet (the date its selector reads)."""
        return {}

    def count_text(self, count: int) -> str | None:
        """The heading over the table ("12 actions"); none by default."""
        return None

    def get_filterset(self, queryset: QuerySet[Any]) -> django_filters.FilterSet | None:
        if self.filterset_class is None:
            return None
        # Unbound when the query string is empty, so the form shows no errors; an invalid field
        # is ignored while the valid ones still filter.
        data = self.request.GET.copy()
        for name, value in self.filter_defaults.items():
            data.setdefault(name, value)
        return self.filterset_class(
            data or None, queryset=queryset, request=self.request, **self.get_filterset_kwargs()
        )

    def is_results_request(self) -> bool:
        htmx: Any = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.boosted and htmx.target == self.results_id

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        table = self.table_class(filterset.qs if filterset is not None else queryset)
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        context = {
            "count_text": self.count_text(table.paginator.count),
            "filterset": filterset,
            "form": filterset.form if filterset is not None else None,
            "table": table,
            "results_id": self.results_id,
            "results_template_name": self.results_template_name,
            **self.get_extra_context(),
        }
        if self.is_results_request():
            return render(request, self.results_template_name, context)
        return render(request, self.template_name, context)
