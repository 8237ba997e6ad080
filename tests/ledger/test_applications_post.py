"""ledger.services.applications_post: the one service that posts cash to documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.core.models import AuditEvent
from openar.ledger.choices import PostingEffect
from openar.ledger.models import Application, Document
from openar.ledger.services import (
    Posting,
    PostingRefused,
    applications_check,
    applications_post,
    postings_stage,
    receipts_identify,
)
from tests.factories import (
    ApplicationFactory,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    ReceiptFactory,
)

D = Decimal
DAY = dt.date(2026, 6, 20)


def post(postings, effect=PostingEffect.CASH, source="test"):
    stage = postings_stage(postings)
    try:
        return applications_post(stage=stage, effect=effect, source=source, actor="tester")
    finally:
        stage.drop()


@pytest.fixture
def books(db):
    customer = CustomerFactory()
    inv1 = DocumentFactory(customer=customer, amount=D("500.00"), document_ref="INV1")
    inv2 = DocumentFactory(customer=customer, amount=D("300.00"), document_ref="INV2")
    eur = DocumentFactory(
        customer=customer, amount=D("200.00"), currency="EUR", document_ref="INVEUR",
        functional_amount=D("220.00"), fx_rate=D("1.1"),
    )  # fmt: skip
    receipt = ReceiptFactory(amount=D("1000.00"), receipt_ref="R1")
    return {"customer": customer, "inv1": inv1, "inv2": inv2, "eur": eur, "receipt": receipt}


def snapshot():
    return (
        list(Document.objects.order_by("id").values_list("id", "open_amount", "cleared_date")),
        list(Application.objects.order_by("id").values_list("id", "amount")),
    )


def test_cash_posting_reduces_open_amounts_and_clears(books):
    r, inv1, inv2 = books["receipt"], books["inv1"], books["inv2"]
    result = post([Posting(r.pk, inv1.pk, D("500.00"), DAY), Posting(r.pk, inv2.pk, D("100"), DAY)])
    assert (result.created, result.documents) == (2, 2)
    assert set(result.applications) == {(r.pk, inv1.pk), (r.pk, inv2.pk)}
    inv1.refresh_from_db()
    inv2.refresh_from_db()
    assert (inv1.open_amount, inv1.functional_open_amount, inv1.cleared_date) == (0, 0, DAY)
    assert (inv2.open_amount, inv2.functional_open_amount, inv2.cleared_date) == (
        D("200.00"), D("200.00"), None,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="applications.post")
    assert event.actor_label == "tester"
    assert event.after == {
        "effect": "cash", "source": "test", "created": 2, "updated": 0, "unchanged": 0,
        "documents": 2,
    }  # fmt: skip


def test_functional_open_follows_the_documents_rate(books):
    r = ReceiptFactory(amount=D("50.00"), currency="EUR", receipt_ref="REUR")
    post([Posting(r.pk, books["eur"].pk, D("50.00"), DAY)])
    books["eur"].refresh_from_db()
    assert books["eur"].open_amount == D("150.00")
    assert books["eur"].functional_open_amount == D("165.00")


def test_over_application_is_refused_and_changes_nothing(books):
    r, inv1, inv2 = books["receipt"], books["inv1"], books["inv2"]
    before = snapshot()
    audits = AuditEvent.objects.count()
    with pytest.raises(PostingRefused) as refused:
        post(
            [
                Posting(r.pk, inv2.pk, D("100.00"), DAY),  # fits
                Posting(r.pk, inv1.pk, D("400.00"), DAY),
                Posting(ReceiptFactory(amount=D("200")).pk, inv1.pk, D("200.00"), DAY),
            ]
        )
    assert refused.value.code == "over_application"
    assert refused.value.message.startswith("INV1: only 500.00 USD is open, cannot apply 600.00")
    assert [(e.line, e.field, e.code) for e in refused.value.errors] == [
        (2, "amount", "over_application"),
        (3, "amount", "over_application"),
    ]
    assert snapshot() == before
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda b: Posting(b["receipt"].pk, b["eur"].pk, D("10.00"), DAY), "currency_mismatch"),
        (lambda b: Posting(b["receipt"].pk, b["inv1"].pk, D("-10.00"), DAY), "wrong_sign"),
        (
            lambda b: Posting(
                ReceiptFactory(entity=EntityFactory(code="MX01", currency="MXN")).pk,
                b["inv1"].pk, D("10.00"), DAY,
            ),
            "foreign_entity",
        ),
        (lambda b: Posting(b["receipt"].pk, 999_999, D("10.00"), DAY), "not_found"),
    ],
)  # fmt: skip
def test_postings_that_do_not_fit_are_refused(books, make, code):
    before = snapshot()
    with pytest.raises(PostingRefused) as refused:
        post([make(books)])
    assert code in {e.code for e in refused.value.errors}
    assert snapshot() == before


def test_a_receipt_is_not_applied_twice_nor_beyond_its_amount(books):
    r, inv1, inv2 = books["receipt"], books["inv1"], books["inv2"]
    post([Posting(r.pk, inv1.pk, D("100.00"), DAY)])
    with pytest.raises(PostingRefused) as refused:
        post([Posting(r.pk, inv1.pk, D("100.00"), DAY)])
    assert refused.value.code == "already_applied"
    small = ReceiptFactory(amount=D("50.00"))
    with pytest.raises(PostingRefused, match="more is applied from receipt"):
        post([Posting(small.pk, inv2.pk, D("60.00"), DAY)])


def test_history_posting_upserts_and_keeps_open_amounts(books):
    r, inv1 = books["receipt"], books["inv1"]
    first = post([Posting(r.pk, inv1.pk, D("200.00"), DAY)], effect=PostingEffect.HISTORY)
    assert (first.created, first.updated, first.documents) == (1, 0, 0)
    again = post([Posting(r.pk, inv1.pk, D("250.00"), DAY)], effect=PostingEffect.HISTORY)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert Application.objects.get().amount == D("250.00")
    inv1.refresh_from_db()
    assert inv1.open_amount == D("500.00")  # the ERP's items file says what is open
    with pytest.raises(PostingRefused, match="more is applied to 'INV1' than its amount"):
        ApplicationFactory(document=inv1, amount=D("300.00"))
        post([Posting(r.pk, inv1.pk, D("250.00"), DAY)], effect=PostingEffect.HISTORY)


def test_check_reports_every_line_without_writing(books):
    r, inv1 = books["receipt"], books["inv1"]
    stage = postings_stage(
        [Posting(r.pk, inv1.pk, D("100.00"), DAY), Posting(r.pk, inv1.pk, D("100.00"), DAY)]
    )
    errors = applications_check(stage=stage, effect=PostingEffect.CASH)
    stage.drop()
    assert [(e.line, e.code) for e in errors] == [(2, "duplicate")]
    assert not Application.objects.exists()


def test_receipts_identify_sets_the_payer_once(books):
    r, customer = books["receipt"], books["customer"]
    assert receipts_identify(customers={r.pk: customer.pk}, actor="tester") == 1
    assert receipts_identify(customers={r.pk: customer.pk}, actor="tester") == 0
    r.refresh_from_db()
    assert r.customer_id == customer.pk
    assert AuditEvent.objects.filter(action="receipts.identify").count() == 1


def test_receipts_add_bulk_refuses_a_bad_amount_and_writes_nothing(db):
    from openar.core.errors import ValidationError
    from openar.ledger.models import Receipt
    from openar.ledger.services import receipts_add_bulk

    entity = EntityFactory()
    good = Receipt(entity=entity, receipt_ref="B1", receipt_date=DAY, currency="USD", amount=D("5"))
    bad = Receipt(entity=entity, receipt_ref="B2", receipt_date=DAY, currency="USD", amount=D("0"))
    with pytest.raises(ValidationError, match="receipt 2: the amount must be positive"):
        receipts_add_bulk(receipts=[good, bad], actor="bank")
    assert not Receipt.objects.exists()
    created = receipts_add_bulk(receipts=[good], actor="bank")
    assert [r.pk for r in created] == list(Receipt.objects.values_list("pk", flat=True))
    added = AuditEvent.objects.get(action="receipts.add")
    assert added.after == {"receipts": 1, "sources": ["manual"]}
