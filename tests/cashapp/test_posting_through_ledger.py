"""Cash application and the ERP applications import post through one ledger service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openar.cashapp.services import line_apply
from openar.core.models import AuditEvent
from openar.ingest.services import import_file
from openar.ledger.models import Application, Document, Receipt
from openar.ledger.services import PostingRefused
from tests.cashapp.test_review_views import build_portfolio, make_line

pytestmark = pytest.mark.django_db
D = Decimal


def test_cash_and_imported_applications_post_through_the_same_service(tmp_path) -> None:
    data = build_portfolio()
    docs = data["docs"]
    line = make_line(data, amount="1500.00", name="Acme", remittance="")
    line_apply(line=line, allocations=[(docs["INV-1001"], D("1500.00"))], actor="tester")
    Receipt.objects.create(
        entity=data["entity"], receipt_ref="ERP-1", receipt_date=dt.date(2026, 6, 20),
        currency="USD", amount=D("300.00"),
    )  # fmt: skip
    path = tmp_path / "apps.csv"
    path.write_text(
        "entity,receipt_ref,document_ref,amount,applied_date\nUS01,ERP-1,INV-1002,300.00,2026-06-20\n",
        encoding="utf-8",
    )
    assert import_file(kind="applications", path=path, actor="erp").created == 1
    posts = AuditEvent.objects.filter(action="applications.post").order_by("id")
    seen = [
        (e.actor_label, e.after["effect"], e.after["source"], e.after["created"]) for e in posts
    ]
    assert seen == [("tester", "cash", "cashapp", 1), ("erp", "history", "openar", 1)]
    paid = Document.objects.get(document_ref="INV-1001")
    assert (paid.open_amount, paid.cleared_date) == (0, line.booking_date)

    # The same rules refuse both: INV-1001 has nothing open left, and is only 1500.00.
    again = make_line(data, amount="100.00", name="Acme", remittance="")
    with pytest.raises(PostingRefused, match=r"INV-1001: only 0\.00 USD is open"):
        line_apply(line=again, allocations=[(docs["INV-1001"], D("100.00"))], actor="tester")
    path.write_text(
        "entity,receipt_ref,document_ref,amount,applied_date\nUS01,ERP-1,INV-1001,100.00,2026-06-20\n",
        encoding="utf-8",
    )
    result = import_file(kind="applications", path=path, actor="erp")
    assert result.status == "rejected"
    assert [e.message for e in result.errors] == [
        "more is applied to 'INV-1001' than its amount",
        "more is applied from receipt 'ERP-1' than it received",  # 300.00 went to INV-1002
    ]
    assert Application.objects.count() == 2
