"""The notes the system writes on a case (routed, escalated, a credit memo applied) are stored
as codes and values and read in the reader's language, on the case page and in the API; a
person's own note stays as written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openar.disputes.services import (
    case_assign,
    case_note_add,
    credit_memos_apply,
    dispute_open,
    dispute_resolve,
    disputes_escalate,
)
from tests.clock import ON_TODAY
from tests.disputes.conftest import AS_OF
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
D = Decimal


def test_system_notes_read_in_the_readers_language(books, people, client):
    people["research"].first_name, people["research"].last_name = "Ravi", "Shah"
    people["research"].save()
    case = dispute_open(
        customer=books["acme"], items=[(books["inv2"], D("120.00"))], reason_code="pricing",
        description="", opened_on=AS_OF, actor=people["collector"],
    )  # fmt: skip
    case_assign(case=case, owner_team="billing", owner=people["research"], actor=people["manager"])
    case_note_add(case=case, text="Called the buyer: price list v3.", actor=people["research"])
    disputes_escalate(as_of=case.due_on + dt.timedelta(days=3), actor="daily")
    dispute_resolve(case=case, outcome="valid", note="price list v3 applies", on=AS_OF,
                    actor=people["research"])  # fmt: skip
    DocumentFactory(
        customer=books["acme"], entity=books["us"], document_ref="CM-77",
        document_type="credit_memo", amount=D("-120.00"), reference="INV-2",
        document_date=AS_OF, due_date=AS_OF,
    )  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="import") == 1

    notes = list(case.notes.order_by("created_at", "id"))
    stored = [n.text for n in notes]
    assert stored[0] == "Research"
    assert stored[1] == "Billing: Ravi Shah"
    assert stored[2] == "Called the buyer: price list v3."
    assert stored[3].startswith("3 days past the SLA date: escalated to marta")
    assert stored[5] == "CM-77: 120.00 USD applied to INV-2"
    assert notes[1].text_parts == [
        {"code": "case_routed", "params": {"team": "billing", "owner": "Ravi Shah"}}
    ]
    assert notes[2].text_parts == []  # a person's note is kept as written
    with translation.override("es"):
        shown = [n.display_text for n in notes]
    assert shown[0] == "Investigación"
    assert shown[1] == "Facturación: Ravi Shah"
    assert shown[2] == "Called the buyer: price list v3."
    assert shown[3] == "3 días después de la fecha del SLA: escalado a marta"
    assert shown[5] == "CM-77: 120,00 USD aplicado a INV-2"

    # The case page and the API show them in the reader's language.
    client.force_login(people["research"])
    page = client.get(f"/disputes/{case.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Facturación: Ravi Shah" in page and "escalado a marta" in page
    api = client.get(f"/api/disputes/{case.pk}/notes", HTTP_ACCEPT_LANGUAGE="es").json()
    assert [n["text"] for n in api["items"]][:2] == ["Investigación", "Facturación: Ravi Shah"]
