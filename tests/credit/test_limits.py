"""Credit limits and exposure: open AR + open orders + uninvoiced shipments against the limit in
force (the ERP's, a permanent or a temporary one, a group's shared by its children); setting a
limit by role, with who and why in the history and on the timeline; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from openar.activity.models import ContactLog
from openar.core.errors import PermissionDenied, ValidationError
from openar.credit.models import CreditLimit, OpenOrder
from openar.credit.selectors import customer_exposure, customer_exposures, limit_history
from openar.credit.services import credit_limit_set
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    FxRateFactory,
    ReceiptFactory,
    UserFactory,
)
from tests.strategy.helpers import AS_OF, account

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "credit": UserFactory(username="cred", roles=["credit"]),
        "manager": UserFactory(username="mgr", roles=["manager"]),
        "collector": UserFactory(username="col", roles=["collector"]),
    }


def order(customer, ref, amount, kind="order", currency="USD"):
    return OpenOrder.objects.create(
        entity=customer.entity, customer=customer, kind=kind, order_ref=ref,
        currency=currency, amount=D(amount), loaded_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
    )  # fmt: skip


def test_exposure_adds_open_ar_open_orders_and_uninvoiced_shipments():
    cust = account(days_past_due=10, amount="3000.00", credit_limit=D("10000.00"))
    order(cust, "SO1", "1500.00")
    order(cust, "SO2", "500.00")
    order(cust, "DN1", "700.00", kind="shipment")
    x = customer_exposure(cust, as_of=AS_OF)
    assert (x.exposure.open_ar, x.exposure.open_orders, x.exposure.shipments) == (
        D("3000.00"), D("2000.00"), D("700.00"),
    )  # fmt: skip
    assert x.exposure.total == D("5700.00")
    assert (x.limit.kind, x.credit_limit, x.available_credit) == (
        "erp",
        D("10000.00"),
        D("4300.00"),
    )
    assert not x.over_limit


def test_open_ar_rolls_later_cash_back_and_converts_other_currencies():
    cust = CustomerFactory(credit_limit=None)
    doc = DocumentFactory(customer=cust, amount=D("1000.00"))
    receipt = ReceiptFactory(
        customer=cust, amount=D("400.00"), receipt_date=AS_OF + dt.timedelta(1)
    )
    ApplicationFactory(
        receipt=receipt, document=doc, amount=D("400.00"), applied_date=receipt.receipt_date
    )
    doc.open_amount = D("600.00")
    doc.save()
    DocumentFactory(customer=cust, amount=D("100.00"), currency="EUR")
    DocumentFactory(customer=cust, amount=D("50.00"), currency="GBP")
    FxRateFactory(date=AS_OF, from_currency="EUR", to_currency="USD", rate=D("1.1"))
    x = customer_exposure(cust, as_of=AS_OF)
    assert x.exposure.open_ar == D("1110.00")  # 1000 open that day + 110 from EUR
    assert x.exposure.unconverted == {"GBP": D("50.00")}
    assert x.limit is None and x.available_credit is None
    assert customer_exposure(cust, as_of=AS_OF + dt.timedelta(1)).exposure.open_ar == D("710.00")


def test_limits_set_by_credit_keep_their_history_with_who_and_why(people):
    cust = account(days_past_due=5, amount="2000.00", credit_limit=D("10000.00"))
    first = credit_limit_set(
        customer=cust, amount="5000", currency="USD", reason="Annual review",
        actor=people["credit"], as_of=AS_OF,
    )  # fmt: skip
    assert first.previous_amount == D("10000.00") and first.set_by_label == "cred"
    credit_limit_set(
        customer=cust, amount=D("8000.00"), currency="usd", reason="Peak season",
        actor=people["manager"], as_of=AS_OF, ends_on=AS_OF + dt.timedelta(days=30),
    )  # fmt: skip
    x = customer_exposure(cust, as_of=AS_OF)
    assert (x.limit.kind, x.credit_limit, x.limit.returns_to) == (
        "temporary",
        D("8000.00"),
        D("5000.00"),
    )
    assert x.available_credit == D("6000.00")
    after = customer_exposure(cust, as_of=AS_OF + dt.timedelta(days=31))
    assert (after.limit.kind, after.credit_limit) == ("permanent", D("5000.00"))
    history = list(limit_history(customer=cust))
    assert [(h.amount, h.kind, h.set_by_label, h.reason) for h in history] == [
        (D("8000.00"), "temporary", "mgr", "Peak season"),
        (D("5000.00"), "permanent", "cred", "Annual review"),
    ]
    notes = list(ContactLog.objects.filter(customer=cust).values_list("note", flat=True))
    assert any("Credit limit set to 5000.00 USD (was 10000.00 USD) by cred" in n for n in notes)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"reason": " "}, "reason"),
        ({"ends_on": AS_OF - dt.timedelta(days=1)}, "ends_on"),
        ({"scope": "group"}, "scope"),
    ],
)
def test_bad_limits_name_the_field_and_change_nothing(people, values, field):
    cust = account(days_past_due=5)
    args = {"amount": "100", "currency": "USD", "reason": "why", **values}
    with pytest.raises(ValidationError) as caught:
        credit_limit_set(customer=cust, actor=people["credit"], as_of=AS_OF, **args)
    assert caught.value.field == field
    assert not CreditLimit.objects.exists()


def test_a_collector_cannot_set_a_limit(people):
    cust = account(days_past_due=5)
    with pytest.raises(PermissionDenied):
        credit_limit_set(
            customer=cust, amount="1", currency="USD", reason="x", actor=people["collector"],
            as_of=AS_OF,
        )  # fmt: skip
    assert not CreditLimit.objects.exists()


def test_a_group_limit_is_shared_by_the_children(people):
    parent = account(days_past_due=5, amount="1000.00", customer_ref="P", credit_limit=None)
    child = account(days_past_due=5, amount="4000.00", customer_ref="K1", parent=parent,
                    credit_limit=D("10000.00"))  # fmt: skip
    other = account(days_past_due=5, amount="2000.00", customer_ref="K2", parent=child,
                    credit_limit=None)  # fmt: skip
    order(other, "SO9", "500.00")
    credit_limit_set(
        customer=parent, amount="6000", currency="USD", reason="Group cap", scope="group",
        actor=people["credit"], as_of=AS_OF,
    )  # fmt: skip
    found = customer_exposures([parent, child, other], as_of=AS_OF)
    group = found[child.pk].groups[0]
    assert (group.head_ref, group.members, group.exposure.total) == ("P", 3, D("7500.00"))
    assert group.available == D("-1500.00")
    # The child's own limit leaves 6000, the group's -1500: the least is what it has.
    assert found[child.pk].available == D("6000.00")
    assert found[child.pk].available_credit == D("-1500.00") and found[child.pk].over_limit
    assert found[other.pk].limit is None and found[other.pk].available_credit == D("-1500.00")
    assert found[parent.pk].groups[0].head_ref == "P"


def test_many_accounts_cost_the_queries_of_one(django_assert_num_queries, people):
    parent = account(days_past_due=5, customer_ref="P", credit_limit=None)
    credit_limit_set(
        customer=account(days_past_due=5, customer_ref="Q", parent=parent), amount="10",
        currency="USD", reason="x", actor=people["credit"], as_of=AS_OF,
    )  # fmt: skip
    credit_limit_set(
        customer=parent, amount="100", currency="USD", reason="x", scope="group",
        actor=people["credit"], as_of=AS_OF,
    )  # fmt: skip
    few = [account(days_past_due=5, parent=parent) for _ in range(2)]
    many = few + [account(days_past_due=9, parent=parent) for _ in range(10)]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        customer_exposures(few, as_of=AS_OF)
    with CaptureQueriesContext(connection) as other:
        found = customer_exposures(many, as_of=AS_OF)
    assert len(one) == len(other) <= 14
    assert len(found) == 12 and all(x.groups for x in found.values())


def test_a_large_set_of_accounts_reads_the_same_without_naming_them(monkeypatch, people):
    from openar.credit.selectors import exposure as module
    from openar.ledger.selectors import aging

    parent = account(days_past_due=5, amount="700.00", customer_ref="BIG", credit_limit=None)
    kids = [account(days_past_due=9, amount="100.00", parent=parent) for _ in range(3)]
    order(kids[0], "SO-L", "50.00")
    credit_limit_set(
        customer=parent, amount="900", currency="USD", reason="x", scope="group",
        actor=people["credit"], as_of=AS_OF,
    )  # fmt: skip
    named = customer_exposures([parent, *kids], as_of=AS_OF)
    monkeypatch.setattr(module, "MANY", 1)
    monkeypatch.setattr(aging, "OPEN_BALANCES_BY_ID", 1)
    assert customer_exposures([parent, *kids], as_of=AS_OF) == named
    assert named[kids[0].pk].groups[0].exposure.total == D("1050.00")
