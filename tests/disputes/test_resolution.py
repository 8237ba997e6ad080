"""Resolving cases: each outcome's effect on the items, the credit-memo request and its credit
memo applied when the ERP sends it, write-off limits, the customer's letter, escalation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent
from openar.comms.models import OutboxMessage
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.disputes.models import CreditMemoRequest, DisputeCase, Team
from openar.disputes.selectors import customer_disputed
from openar.disputes.services import (
    credit_memos_apply,
    dispute_open,
    dispute_resolve,
    disputes_escalate,
    team_save,
)
from openar.ledger.models import Document
from tests.disputes.conftest import AS_OF
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db
D = Decimal


def open_case(books, people, amount="120.00", doc="inv2", reason="pricing"):
    return dispute_open(
        customer=books["acme"], items=[(books[doc], D(amount))], reason_code=reason,
        description="price", opened_on=AS_OF, actor=people["collector"],
    )  # fmt: skip


def resolve(case, people, outcome, amount=None, who="research", note="checked the price list"):
    return dispute_resolve(case=case, outcome=outcome, credit_amount=amount, note=note,
                           on=AS_OF, actor=people[who])  # fmt: skip


def test_valid_requests_a_credit_memo_applied_when_the_erp_sends_it(books, people):
    case = open_case(books, people)
    resolve(case, people, "valid")
    request = CreditMemoRequest.objects.get()
    assert (case.status, case.outcome, request.amount, request.document) == (
        "credit_pending", "valid", D("120.00"), books["inv2"],
    )  # fmt: skip
    # Still apart from collectible until the credit arrives.
    figures = customer_disputed(customer=books["acme"], as_of=AS_OF, past_due=D("300.00"))
    assert (figures.disputed, figures.collectible_past_due) == (D("120.00"), D("180.00"))
    # The customer is told, in their language.
    letter = OutboxMessage.objects.get(template_code="dispute_resolution")
    assert (letter.channel, letter.language, letter.to_address) == (
        "email",
        "es",
        "ap@acme.example",
    )
    assert "nota de crédito por 120,00 USD" in letter.body
    assert credit_memos_apply(as_of=AS_OF, actor="daily") == 0  # nothing from the ERP yet
    DocumentFactory(
        customer=books["acme"], document_ref="CM-77", document_type="credit_memo",
        amount=D("-120.00"), reference=request.request_ref, document_date=AS_OF, due_date=AS_OF,
    )  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="daily") == 1
    inv2, memo = (
        Document.objects.get(document_ref="INV-2"),
        Document.objects.get(document_ref="CM-77"),
    )
    assert (inv2.open_amount, inv2.disputed, memo.open_amount, memo.cleared_date) == (
        D("180.00"), False, D("0.00"), AS_OF,
    )  # fmt: skip
    case.refresh_from_db()
    request.refresh_from_db()
    assert (case.status, case.closed_on, request.status, request.credit_memo) == (
        "closed", AS_OF, "applied", memo,
    )  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="daily") == 0


def test_invalid_resumes_collection_and_records_the_event(books, people):
    case = open_case(books, people)
    resolve(case, people, "invalid")
    case.refresh_from_db()
    assert (case.status, case.credit_amount) == ("closed", D("0"))
    assert not Document.objects.get(document_ref="INV-2").disputed
    figures = customer_disputed(customer=books["acme"], as_of=AS_OF, past_due=D("300.00"))
    assert (figures.disputed, figures.collectible_past_due) == (D("0.00"), D("300.00"))
    assert AccountEvent.objects.get(kind="dispute_lost").ref == f"dispute:{case.pk}"
    assert "se mantiene tal como se emitió" in OutboxMessage.objects.get().body


def test_partial_returns_the_rest_to_collection(books, people):
    case = open_case(books, people)
    resolve(case, people, "partial", D("50.00"))
    assert CreditMemoRequest.objects.get().amount == D("50.00")
    figures = customer_disputed(customer=books["acme"], as_of=AS_OF, past_due=D("300.00"))
    assert (figures.disputed, figures.collectible_past_due) == (D("50.00"), D("250.00"))


def test_write_off_within_the_approval_limit(books, people, settings):
    settings.OPENAR_DISPUTE_WRITE_OFF_LIMITS = {"research": "100", "manager": "5000"}
    case = open_case(books, people)
    with pytest.raises(PermissionDenied) as exc:
        resolve(case, people, "write_off", D("120.00"))
    assert exc.value.field == "credit_amount"
    assert Document.objects.get(document_ref="INV-2").open_amount == D("300.00")
    resolve(case, people, "write_off", D("120.00"), who="manager")
    inv2 = Document.objects.get(document_ref="INV-2")
    assert (inv2.open_amount, inv2.disputed) == (D("180.00"), False)
    assert DisputeCase.objects.get().status == "closed"


@pytest.mark.parametrize(
    ("outcome", "amount", "note", "field"),
    [
        ("", None, "x", "outcome"),
        ("maybe", None, "x", "outcome"),
        ("valid", D("120.01"), "x", "credit_amount"),
        ("partial", None, "x", "credit_amount"),
        ("valid", None, "  ", "note"),
    ],
)
def test_bad_resolutions_write_nothing(books, people, outcome, amount, note, field):
    case = open_case(books, people)
    with pytest.raises(ValidationError) as exc:
        resolve(case, people, outcome, amount, note=note)
    assert exc.value.field == field
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("open", "")
    assert not CreditMemoRequest.objects.exists() and not OutboxMessage.objects.exists()


def test_only_research_or_a_manager_resolves_and_only_once(books, people):
    case = open_case(books, people)
    with pytest.raises(PermissionDenied):
        resolve(case, people, "valid", who="collector")
    resolve(case, people, "valid")
    with pytest.raises(Conflict):
        resolve(case, people, "invalid")


def test_overdue_cases_escalate_once_to_the_owners_manager(books, people):
    team_save(code="research", manager=people["manager"], members=[people["research"]], actor="t")
    case = open_case(books, people, reason="duplicate")  # 10-day SLA
    late = AS_OF + dt.timedelta(days=11)
    assert disputes_escalate(as_of=AS_OF + dt.timedelta(days=10), actor="daily") == 0
    assert disputes_escalate(as_of=late, actor="daily") == 1
    case.refresh_from_db()
    assert (case.escalated_on, case.escalated_to) == (late, people["manager"])
    assert case.notes.filter(kind="escalated").count() == 1
    assert disputes_escalate(as_of=late + dt.timedelta(days=1), actor="daily") == 0
    assert Team.objects.get(code="research").members.get() == people["research"]
