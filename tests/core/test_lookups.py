"""``field__any_of``: IN for long lists (one array parameter on PostgreSQL)."""

from __future__ import annotations

import pytest

from openar.ledger.models import Customer, Document
from tests.factories import CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_any_of_keeps_the_rows_whose_value_is_listed():
    a, b, c = CustomerFactory(), CustomerFactory(), CustomerFactory()
    DocumentFactory(customer=a)
    DocumentFactory(customer=b)
    DocumentFactory(customer=c)
    assert set(Customer.objects.filter(id__any_of=[a.pk, c.pk])) == {a, c}
    assert set(Customer.objects.filter(pk__any_of=[b.pk, None])) == {b}
    # A foreign key takes ids, across a join too.
    assert {d.customer_id for d in Document.objects.filter(customer_id__any_of=[a.pk, b.pk])} == {
        a.pk,
        b.pk,
    }
    assert Document.objects.filter(customer__customer_ref__any_of=[c.customer_ref]).count() == 1
    assert not Customer.objects.filter(id__any_of=[]).exists()
    assert set(Customer.objects.filter(id__any_of=range(0))) == set()


def test_any_of_takes_a_long_list():
    customer = CustomerFactory()
    ids = [*range(customer.pk + 1, customer.pk + 5001), customer.pk]
    assert list(Customer.objects.filter(id__any_of=ids)) == [customer]
