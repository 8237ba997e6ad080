"""Columns the list pages share (django-tables2): amounts, customers, dates and status badges.

A page's ``Table`` lives in its app's ``tables.py``; every header is a translated
``verbose_name``, every column sorts unless it says ``orderable=False``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from openar.core.templatetags.openar_ui import money

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class MoneyColumn(tables.Column):
    """A right-aligned amount; ``currency_accessor`` names the currency of each row's amount
    (``show_currency`` prints its code after the amount)."""

    def __init__(
        self,
        *args: Any,
        currency_accessor: str | None = None,
        show_currency: bool = False,
        **kwargs: Any,
    ) -> None:
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)
        self.currency_accessor = currency_accessor
        self.show_currency = show_currency

    def render(self, value: Any, record: Any) -> str:
        currency = ""
        if self.currency_accessor:
            currency = tables.A(self.currency_accessor).resolve(record, quiet=True) or ""
        text = money(value, currency)
        if value is not None and value < 0:
            text = format_html('<span class="neg">{}</span>', text)
        if self.show_currency and currency:
            return format_html('{} <span class="cur">{}</span>', text, currency)
        return text


class CustomerColumn(tables.Column):
    """The customer's reference (a link to its page, ``anchor`` appended) and name; sorts by
    reference. ``accessor`` points at the customer."""

    def __init__(self, *args: Any, anchor: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "customer")
        kwargs.setdefault("attrs", {"td": {"class": "wrap"}})
        kwargs.setdefault("order_by", (f"{kwargs['accessor']}__customer_ref",))
        super().__init__(*args, **kwargs)
        self.anchor = anchor

    def render(self, value: Any) -> str:
        url = reverse("ledger:customer_detail", args=[value.customer_ref]) + self.anchor
        return format_html(
            '<a class="mono" href="{}">{}</a> <span class="cust-name">{}</span>',
            url,
            value.customer_ref,
            value.name,
        )


class BadgeColumn(tables.Column):
    """A status as a coloured badge: the label is the choice's display, the colour comes from
    ``classes`` (value -> CSS class)."""

    def __init__(self, *args: Any, classes: Mapping[Any, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.classes = classes or {}

    def render(self, value: Any, record: Any, bound_column: Any) -> str:
        raw = tables.A(bound_column.accessor).resolve(record, quiet=True)
        return format_html('<span class="badge {}">{}</span>', self.classes.get(raw, ""), value)


class IsoDateColumn(tables.DateColumn):
    """A business date as ``YYYY-MM-DD`` (the way the ERP files and the API write it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "Y-m-d")
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)
