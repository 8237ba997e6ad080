"""The disputes pages: a collector opens a dispute from the customer page, research works and
resolves it; the list, queue, credit requests, analytics and settings render in EN and ES."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openar.disputes.models import CreditMemoRequest, DisputeCase, ReasonCode
from openar.disputes.services import rule_save
from tests.clock import ON_TODAY

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_open_from_the_customer_page_then_resolve(client, books, people):
    rule_save(name="pricing to Ravi", reason=ReasonCode.objects.get(code="pricing"),
              owner_team="research", owner=people["research"], actor="t")  # fmt: skip
    client.force_login(people["collector"])
    page = client.get("/customers/ACME/").content.decode()
    assert 'id="open-dispute"' in page and 'id="fig-disputed">0.00 USD' in page
    form = client.get("/disputes/new/ACME/")
    assert form.status_code == 200 and "INV-2" in form.content.decode()
    inv2 = books["inv2"].pk
    refused = client.post("/disputes/new/ACME/", {
        f"pick_{inv2}": "1", f"amount_{inv2}": "300.01", "reason_code": "pricing"})  # fmt: skip
    assert refused.status_code == 400 and "300.01" in refused.content.decode()
    assert not DisputeCase.objects.exists()
    done = client.post("/disputes/new/ACME/", {
        f"pick_{inv2}": "1", f"amount_{inv2}": "120.00", "reason_code": "pricing",
        "description": "Discount not applied", "contact_name": "Ana AP",
        "file": SimpleUploadedFile("pod.pdf", b"%PDF-1.4 x"),
    })  # fmt: skip
    case = DisputeCase.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/disputes/{case.pk}/"
    assert (case.owner, case.attachments.count(), case.contact_name) == (
        people["research"], 1, "Ana AP",
    )  # fmt: skip
    page = client.get("/customers/ACME/").content.decode()
    assert 'id="fig-disputed">120.00 USD' in page and 'id="fig-collectible">180.00 USD' in page
    # A collector reads the case but does not resolve it.
    assert 'id="resolve-form"' not in client.get(f"/disputes/{case.pk}/").content.decode()
    assert client.post(f"/disputes/{case.pk}/resolve/", {"outcome": "valid"}).status_code == 403
    client.force_login(people["research"])
    body = client.get(f"/disputes/{case.pk}/").content.decode()
    assert 'id="resolve-form"' in body and "rest short: damaged" in body  # the remittance
    bad = client.post(f"/disputes/{case.pk}/resolve/", {"outcome": "", "note": "x"})
    assert bad.status_code == 400 and 'id="resolve-error"' in bad.content.decode()
    ok = client.post(f"/disputes/{case.pk}/resolve/",
                     {"outcome": "valid", "note": "Price list confirms it"})  # fmt: skip
    assert ok.status_code == 302
    assert CreditMemoRequest.objects.get().amount == Decimal("120.00")
    listing = client.get("/disputes/credit-requests/").content.decode()
    assert "INV-2" in listing and "CMR-" in listing


@pytest.mark.parametrize(
    ("url", "english", "spanish"),
    [
        ("/disputes/", "Disputes and deductions", "Disputas y deducciones"),
        ("/disputes/queue/", "My dispute queue", "Mi cola de disputas"),
        ("/disputes/credit-requests/", "Credit-memo requests", "Solicitudes de nota de crédito"),
        ("/disputes/analytics/", "Dispute analytics", "Análisis de disputas"),
        ("/disputes/settings/", "Reasons and routing", "Motivos y asignación"),
    ],
)
def test_pages_render_in_english_and_spanish(client, books, people, url, english, spanish):
    client.force_login(people["manager"])
    assert english in client.get(url).content.decode()
    assert spanish in client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_the_case_page_works_the_case(client, books, people):
    client.force_login(people["collector"])
    inv1 = books["inv1"].pk
    client.post("/disputes/new/ACME/", {f"pick_{inv1}": "1", f"amount_{inv1}": "40.00",
                                        "reason_code": "damaged"})  # fmt: skip
    case = DisputeCase.objects.get()
    client.force_login(people["research"])
    client.post(f"/disputes/{case.pk}/start/")
    client.post(f"/disputes/{case.pk}/ask/", {"party": "customer", "text": "Photos please"})
    case.refresh_from_db()
    assert (case.status, case.owner) == ("waiting", people["research"])
    client.post(f"/disputes/{case.pk}/answer/", {"text": "Photos received"})
    client.post(f"/disputes/{case.pk}/note/", {"text": "Damage confirmed"})
    case.refresh_from_db()
    assert case.status == "research" and case.notes.count() == 4


def test_a_manager_adds_a_rule_and_a_reason(client, books, people):
    client.force_login(people["collector"])
    assert client.post("/disputes/settings/", {"form": "reason"}).status_code == 403
    client.force_login(people["manager"])
    bad = client.post("/disputes/settings/", {"form": "reason", "code": "Bad Code",
                                              "label": "x", "sla_days": "5"})  # fmt: skip
    assert bad.status_code == 400
    reason = {"form": "reason", "code": "freight", "label": "Freight", "sla_days": "12"}
    client.post("/disputes/settings/", {**reason, "active": "1"})
    client.post("/disputes/settings/", {"form": "rule", "name": "Freight to logistics",
                                        "reason": "freight", "owner_team": "logistics",
                                        "priority": "5"})  # fmt: skip
    assert ReasonCode.objects.get(code="freight").sla_days == 12
    assert "Freight to logistics" in client.get("/disputes/settings/").content.decode()
