"""Opening, routing and working cases: rules from the database, the state changes, and the
bad input refused with the field named and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.core.errors import Conflict, ValidationError
from openar.core.models import AuditEvent
from openar.disputes.models import CaseAttachment, DisputeCase, ReasonCode
from openar.disputes.selectors import customer_disputed, disputed_by_document, owner_queue
from openar.disputes.services import (
    case_assign,
    case_attachment_add,
    case_info_receive,
    case_info_request,
    case_note_add,
    case_start,
    deductions_open_bulk,
    dispute_open,
    reason_save,
    rule_save,
)
from openar.ledger.models import Document
from tests.disputes.conftest import AS_OF

pytestmark = pytest.mark.django_db
D = Decimal


def open_case(books, people, items=None, reason="pricing", **kw):
    return dispute_open(
        customer=books["acme"],
        items=items or [(books["inv2"], D("120.00"))],
        reason_code=reason,
        description="price list says 10% less",
        opened_on=AS_OF,
        actor=people["collector"],
        **kw,
    )


def test_a_case_routes_by_reason_amount_and_customer(books, people):
    pricing = ReasonCode.objects.get(code="pricing")
    rule_save(name="big pricing to billing", priority=10, reason=pricing, min_amount=D("500"),
              owner_team="billing", owner=people["billing"], actor="t")  # fmt: skip
    rule_save(name="pricing to Ravi", priority=20, reason=pricing, owner_team="research",
              owner=people["research"], actor="t")  # fmt: skip
    damaged = ReasonCode.objects.get(code="damaged")
    rule_save(name="acme damaged to logistics", priority=5, customer=books["acme"],
              reason=damaged, owner_team="logistics", actor="t")  # fmt: skip
    small = open_case(books, people)
    assert (small.owner_team, small.owner, small.status) == ("research", people["research"], "open")
    big = open_case(books, people, items=[(books["inv1"], D("600.00"))])
    assert (big.owner_team, big.owner) == ("billing", people["billing"])
    damaged = open_case(books, people, items=[(books["inv1"], D("10.00"))], reason="damaged")
    assert (damaged.owner_team, damaged.owner) == ("logistics", None)
    tax = open_case(books, people, items=[(books["inv1"], D("5.00"))], reason="tax")
    assert (tax.owner_team, tax.owner, tax.rule) == ("research", None, None)
    assert small.due_on == AS_OF + __import__("datetime").timedelta(days=pricing.sla_days)
    assert [n.kind for n in small.notes.all()] == ["routed"]
    assert AuditEvent.objects.filter(action="dispute.open").count() == 4
    # The research specialist's queue: their own cases and research's unowned ones.
    queue = list(owner_queue(user=people["research"], teams=["research"]))
    assert small in queue and tax in queue and big not in queue


def test_open_flags_the_items_and_splits_disputed_from_collectible(books, people):
    case = open_case(
        books, people, items=[(books["inv2"], D("120.00")), (books["inv1"], D("50.00"))]
    )
    assert case.amount == D("170.00") and case.items.count() == 2
    assert Document.objects.get(document_ref="INV-2").disputed
    assert disputed_by_document(customer_ids=[books["acme"].pk]) == {
        books["inv2"].pk: D("120.00"), books["inv1"].pk: D("50.00"),
    }  # fmt: skip
    figures = customer_disputed(customer=books["acme"], as_of=AS_OF, past_due=D("300.00"))
    # INV-1 is due today (current): only INV-2's part is past due.
    assert (figures.disputed, figures.disputed_past_due, figures.collectible_past_due) == (
        D("170.00"), D("120.00"), D("180.00"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("items", "reason", "field", "error"),
    [
        (lambda b: [(b["inv2"], D("300.01"))], "pricing", "items[0].amount", ValidationError),
        (lambda b: [(b["inv0"], D("10.00"))], "pricing", "items[0].document_ref", Conflict),
        (lambda b: [(b["inv9"], D("10.00"))], "pricing", "items[0].document_ref", ValidationError),
        (lambda b: [(b["inv1"], D("-1"))], "pricing", "items[0].amount", ValidationError),
        (lambda b: [(b["inv1"], D("1.001"))], "pricing", "items[0].amount", ValidationError),
        (lambda b: [(b["inv1"], D("1"))], "nonsense", "reason_code", ValidationError),
        (lambda b: [], "pricing", "items", ValidationError),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(books, people, items, reason, field, error):
    with pytest.raises(error) as exc:
        dispute_open(customer=books["acme"], items=items(books), reason_code=reason,
                     description="", opened_on=AS_OF, actor=people["collector"])  # fmt: skip
    assert exc.value.field == field
    assert not DisputeCase.objects.exists()
    assert not Document.objects.filter(disputed=True).exists()
    assert not AuditEvent.objects.filter(action__startswith="dispute").exists()


def test_an_amount_already_disputed_cannot_be_disputed_twice(books, people):
    open_case(books, people, items=[(books["inv2"], D("200.00"))])
    with pytest.raises(ValidationError, match=r"100\.00 USD open and not already disputed") as exc:
        open_case(books, people, items=[(books["inv2"], D("100.01"))])
    assert exc.value.field == "items[0].amount"
    assert open_case(books, people, items=[(books["inv2"], D("100.00"))]).amount == D("100.00")


def test_working_a_case_research_waits_and_resumes(books, people):
    case = open_case(books, people)
    case_start(case=case, actor=people["research"])
    assert (case.status, case.owner) == ("research", people["research"])
    case_info_request(case=case, party="sales", text="Was a 10% discount agreed?", on=AS_OF,
                      actor=people["research"])  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.waiting_on, case.waiting_since) == ("waiting", "sales", AS_OF)
    with pytest.raises(ValidationError) as exc:
        case_info_request(case=case, party="legal", text="?", on=AS_OF, actor="t")
    assert exc.value.field == "party"
    case_info_receive(case=case, text="Yes, agreed in March.", actor=people["research"])
    case_note_add(case=case, text="Checking the price list.", actor=people["research"])
    case.refresh_from_db()
    assert (case.status, case.waiting_on) == ("research", "")
    assert [n.kind for n in case.notes.all()] == ["routed", "request", "answer", "note"]
    with pytest.raises(ValidationError) as exc:
        case_note_add(case=case, text="  ", actor="t")
    assert exc.value.field == "text"
    case_assign(case=case, owner_team="sales", owner=None, actor=people["manager"])
    case.refresh_from_db()
    assert (case.owner_team, case.owner) == ("sales", None)


def test_attachments_have_a_size_limit_and_allowed_types(books, people, settings):
    settings.OPENAR_DISPUTE_ATTACHMENT_MAX_BYTES = 1000
    case = open_case(books, people)
    pdf = b"%PDF-1.4 proof of delivery"
    a = case_attachment_add(case=case, filename="pod.pdf", content=pdf, actor=people["collector"])
    assert (a.content_type, a.size, bytes(a.content)) == ("application/pdf", len(pdf), pdf)
    case_attachment_add(case=case, filename="mail.eml", content=b"From: ap@acme", actor="t")
    for name, content, code in [
        ("big.pdf", b"%PDF" + b"x" * 1000, "too_large"),
        ("run.exe", b"MZ", "forbidden_type"),
        ("fake.pdf", b"MZ not a pdf", "forbidden_type"),
    ]:
        with pytest.raises(ValidationError) as exc:
            case_attachment_add(case=case, filename=name, content=content, actor="t")
        assert (exc.value.field, exc.value.code) == ("file", code)
    assert CaseAttachment.objects.count() == 2


def test_deductions_become_routed_cases(books, people):
    rule_save(name="short payments to Ravi", reason=ReasonCode.objects.get(code="other"),
              owner_team="research", owner=people["research"], actor="t")  # fmt: skip
    deductions_open_bulk(
        deductions=[{
            "customer_id": books["acme"].pk, "document_id": books["inv2"].pk,
            "receipt_id": books["receipt"].pk, "amount": D("25.00"), "currency": "USD",
            "opened_on": AS_OF, "reason": "short payment",
        }],
        actor="matcher",
    )  # fmt: skip
    case = DisputeCase.objects.get()
    assert (case.kind, case.owner, case.amount, case.receipt, case.reason.code) == (
        "deduction", people["research"], D("25.00"), books["receipt"], "other",
    )  # fmt: skip
    assert case.deduction.amount == D("25.00")
    assert disputed_by_document(document_ids=[books["inv2"].pk]) == {books["inv2"].pk: D("25.00")}


def test_reason_codes_are_configurable(books, people):
    reason_save(code="freight", label="Freight charged", sla_days=15, actor="t")
    case = open_case(books, people, reason="freight")
    assert case.due_on.toordinal() - AS_OF.toordinal() == 15
    with pytest.raises(ValidationError) as exc:
        reason_save(code="Bad Code", label="x", sla_days=5, actor="t")
    assert exc.value.field == "code"
    reason_save(code="freight", label="Freight charged", sla_days=15, active=False, actor="t")
    with pytest.raises(ValidationError):
        open_case(books, people, reason="freight")
