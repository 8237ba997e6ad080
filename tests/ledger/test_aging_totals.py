"""The aging report adds up the same way whatever the grouping: on the demo portfolio the totals
by customer, collector, entity and group are one figure, the figure of the documents themselves,
and the page exports and the API show it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from openar.api_auth.services import token_create
from openar.demo.portfolio import demo_data
from openar.ledger.choices import AgingGroup
from openar.ledger.domain import converted_total
from openar.ledger.models import CustomerAging
from openar.ledger.selectors import aging_report, open_items_as_of
from openar.ledger.services import aging_refresh
from tests.clock import ON_TODAY

pytestmark = ON_TODAY

AS_OF = dt.date(2026, 6, 30)
CUSTOMERS = 40


@pytest.fixture
def demo(db, tmp_path):
    demo_data(
        customers=CUSTOMERS, collectors=3, seed=42, as_of=AS_OF, output_dir=str(tmp_path),
        load=True, reset=True,
    )  # fmt: skip


def test_demo_totals_are_the_same_by_customer_collector_entity_and_group(demo):
    reports = {by: aging_report(as_of=AS_OF, by=by) for by in AgingGroup.values}
    first = reports[AgingGroup.CUSTOMER]
    assert not first.unconverted and len(first.rates) > 1  # foreign currencies are converted
    assert first.total > 0
    for by, report in reports.items():
        assert (report.total, report.totals) == (first.total, first.totals), by

    # The figure of the documents: each open item's amount on the day, summed per currency,
    # converted and rounded once per currency.
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for item in open_items_as_of(as_of=AS_OF):
        sums[item.document.currency] += item.open_amount
    factors = {cur: rate.rate for cur, rate in first.rates.items()}
    assert first.total == converted_total(sums, factors, first.currency)

    # The customer snapshot holds the report's customer rows.
    aging_refresh(as_of=AS_OF, actor="test")
    balances = dict(CustomerAging.objects.values_list("customer__customer_ref", "balance"))
    assert {r.key: r.total for r in first.rows} == {r.key: balances[r.key] for r in first.rows}


def test_demo_exports_and_api_show_the_same_totals(demo):
    total = aging_report(as_of=AS_OF).total
    shown = f"{total:f}"
    user = get_user_model().objects.get(username="manager")
    page = Client()
    page.force_login(user)
    token = token_create(username="manager", name="t", actor="test")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    for by in AgingGroup.values:
        query = f"as_of={AS_OF.isoformat()}&by={by}"
        body = api.get(f"/api/aging?{query}").json()
        assert body["totals"]["total"] == shown, by

        text = page.get(f"/aging/export.csv?{query}").content.decode()
        total_row = next(r for r in csv.reader(io.StringIO(text)) if r and r[0] == "TOTAL")
        assert Decimal(total_row[-1].replace(",", "")) == total, by

        sheet = load_workbook(io.BytesIO(page.get(f"/aging/export.xlsx?{query}").content)).active
        total_cells = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "TOTAL")
        assert Decimal(str(total_cells[-1])).quantize(total) == total, by
