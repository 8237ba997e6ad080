"""Factories with fixed seeds and fixed dates (no random dates in test data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import factory.random
from django.contrib.auth import get_user_model

from openar.ledger.models import Application, Customer, Document, Entity, FxRate, Receipt

factory.random.reseed_random(20260630)

BASE_DATE = dt.date(2026, 6, 30)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role)[0])


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("code",)

    code = "US01"
    name = "OpenAR Demo Inc."
    currency = "USD"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_ref = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    entity = factory.SubFactory(EntityFactory)
    currency = "USD"
    credit_limit = Decimal("10000.00")
    payment_terms_days = 30


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    customer = factory.SubFactory(CustomerFactory)
    entity = factory.LazyAttribute(lambda o: o.customer.entity)
    document_ref = factory.Sequence(lambda n: f"INV{n:06d}")
    document_type = "invoice"
    document_date = BASE_DATE - dt.timedelta(days=30)
    due_date = BASE_DATE
    currency = "USD"
    amount = Decimal("100.00")
    open_amount = factory.LazyAttribute(lambda o: o.amount)
    functional_currency = factory.LazyAttribute(lambda o: o.entity.currency)


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    entity = factory.SubFactory(EntityFactory)
    receipt_ref = factory.Sequence(lambda n: f"R{n:06d}")
    receipt_date = BASE_DATE
    currency = "USD"
    amount = Decimal("100.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    receipt = factory.SubFactory(ReceiptFactory)
    document = factory.SubFactory(DocumentFactory)
    amount = Decimal("100.00")
    applied_date = BASE_DATE


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FxRate

    date = BASE_DATE
    from_currency = "MXN"
    to_currency = "USD"
    rate = Decimal("0.0500000000")
