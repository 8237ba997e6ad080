"""Cancelling a credit-memo request the ERP has not answered: research or a manager, with a
reason; the request leaves the ERP export, its case goes back to research (or closes when the
rest was applied); audited; on the case page (EN/ES) and through the API."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from openar.cli import main
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.models import AuditEvent
from openar.disputes.models import CreditMemoRequest
from openar.disputes.services import (
    credit_memos_apply,
    credit_request_cancel,
    dispute_open,
    dispute_resolve,
)
from openar.ledger.models import Document
from tests.clock import ON_TODAY
from tests.disputes.conftest import AS_OF
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
D = Decimal


def _resolved(books, people):
    case = dispute_open(
        customer=books["acme"],
        items=[(books["inv2"], D("120.00")), (books["inv1"], D("30.50"))],
        reason_code="damaged", description="", opened_on=AS_OF, actor=people["collector"],
    )  # fmt: skip
    dispute_resolve(case=case, outcome="valid", note="photos show damage", on=AS_OF,
                    actor=people["research"])  # fmt: skip
    case.refresh_from_db()
    return case, list(case.credit_requests.order_by("id"))


def _exported(tmp_path):
    out = tmp_path / "requests.csv"
    assert main(["export", "credit-memo-requests", str(out)]) == 0
    with out.open(newline="") as handle:
        return [(r["document_ref"], r["amount"]) for r in csv.DictReader(handle)]


def test_cancelling_every_request_sends_the_case_back_to_research(books, people, tmp_path):
    case, (first, second) = _resolved(books, people)
    assert _exported(tmp_path) == [("INV-2", "120.00"), ("INV-1", "30.50")]

    credit_request_cancel(request=first, reason="customer withdrew", actor=people["research"],
                          on=AS_OF)  # fmt: skip
    first.refresh_from_db()
    case.refresh_from_db()
    assert (first.status, first.cancel_reason, first.cancelled_by) == (
        "cancelled", "customer withdrew", people["research"],
    )  # fmt: skip
    assert (case.status, case.credit_amount) == ("credit_pending", D("30.50"))
    assert _exported(tmp_path) == [("INV-1", "30.50")]

    credit_request_cancel(request=second, reason="wrong item", actor=people["manager"], on=AS_OF)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.credit_amount, case.resolved_on) == (
        "research", "", None, None,
    )  # fmt: skip
    assert _exported(tmp_path) == []
    # Still disputed: the items stay out of collection while research decides again.
    assert Document.objects.get(pk=books["inv2"].pk).disputed
    events = AuditEvent.objects.filter(action="dispute.credit_request_cancel")
    assert events.count() == 2
    assert "customer withdrew" in events.order_by("id").first().summary
    note = case.notes.filter(text_parts__isnull=False).order_by("-id").first()
    assert "wrong item" in note.text and note.text_parts[0]["code"] == "credit_request_cancelled"
    # A credit memo the ERP sends for a cancelled request is not applied.
    DocumentFactory(
        customer=books["acme"], entity=books["us"], document_ref="CM-1",
        document_type="credit_memo", amount=D("-120.00"), reference=first.request_ref,
        document_date=AS_OF, due_date=AS_OF,
    )  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="import") == 0
    # Research resolves it again: a new request.
    dispute_resolve(case=case, outcome="partial", credit_amount=D("50.00"), note="half",
                    on=AS_OF, actor=people["research"])  # fmt: skip
    assert _exported(tmp_path) == [("INV-2", "50.00")]


def test_the_rest_applied_closes_the_case(books, people):
    case, (first, second) = _resolved(books, people)
    DocumentFactory(
        customer=books["acme"], entity=books["us"], document_ref="CM-2",
        document_type="credit_memo", amount=D("-30.50"), reference=second.request_ref,
        document_date=AS_OF, due_date=AS_OF,
    )  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="import") == 1
    credit_request_cancel(request=first, reason="sales gave a discount instead",
                          actor=people["research"], on=AS_OF)  # fmt: skip
    case.refresh_from_db()
    assert (case.status, case.credit_amount, case.closed_on) == ("closed", D("30.50"), AS_OF)
    assert not Document.objects.get(pk=books["inv2"].pk).disputed


def test_refused_without_role_reason_or_once_applied(books, people):
    _case, (first, _second) = _resolved(books, people)
    with pytest.raises(PermissionDenied):
        credit_request_cancel(request=first, reason="x", actor=people["collector"], on=AS_OF)
    with pytest.raises(ValidationError) as exc:
        credit_request_cancel(request=first, reason="  ", actor=people["research"], on=AS_OF)
    assert exc.value.field == "reason"
    credit_request_cancel(request=first, reason="dup", actor=people["research"], on=AS_OF)
    with pytest.raises(Conflict):
        credit_request_cancel(request=first, reason="again", actor=people["research"], on=AS_OF)
    assert CreditMemoRequest.objects.get(pk=first.pk).cancel_reason == "dup"
    assert AuditEvent.objects.filter(action="dispute.credit_request_cancel").count() == 1


def test_cancel_through_the_api(client, books, people):
    _case, (first, _second) = _resolved(books, people)
    client.force_login(people["collector"])
    url = f"/api/credit-memo-requests/{first.pk}/cancel"
    refused = client.post(url, {"reason": "x"}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(people["research"])
    empty = client.post(url, {"reason": ""}, content_type="application/json")
    assert (empty.status_code, empty.json()["field"]) == (400, "reason")
    done = client.post(url, {"reason": "duplicate of CM-9"}, content_type="application/json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", "duplicate of CM-9")
    again = client.post(url, {"reason": "again"}, content_type="application/json")
    assert again.status_code == 409
    missing = client.post(
        "/api/credit-memo-requests/999999/cancel", {"reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404
    listed = client.get("/api/credit-memo-requests?status=cancelled").json()
    assert [r["request_ref"] for r in listed["items"]] == [first.request_ref]


def test_cancel_from_the_case_page_in_spanish(client, books, people):
    case, (first, _second) = _resolved(books, people)
    client.force_login(people["research"])
    page = client.get(f"/disputes/{case.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cancelar la solicitud" in page and 'id="cancel-request-form"' in page
    response = client.post(
        f"/disputes/{case.pk}/cancel_request/",
        {"request": first.pk, "reason": "el cliente retiró la reclamación"},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    html = response.content.decode()
    assert f"{first.request_ref} cancelada" in html
    assert "el cliente retiró la reclamación" in html
    first.refresh_from_db()
    assert first.status == "cancelled"
    # A collector sees the case but not the form.
    client.force_login(people["collector"])
    page = client.get(f"/disputes/{case.pk}/").content.decode()
    assert 'id="cancel-request-form"' not in page
