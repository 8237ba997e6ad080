"""An item partly in dispute shows, on the statement (PDF and XLSX, EN and ES) and in the
reminder, the part in dispute (not asked for) apart from the part still to pay; the totals ask
only for the collectible part."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pypdfium2
import pytest

from openar.cli import main
from openar.comms.selectors import account_items
from openar.core.roles import Role
from openar.disputes.services import dispute_open, reasons_ensure
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, EntityFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _text(pdf_bytes: bytes) -> str:
    doc = pypdfium2.PdfDocument(pdf_bytes)
    return " ".join(
        " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).split()
    )


@pytest.fixture
def account(db):
    reasons_ensure()
    entity = EntityFactory(code="US01", name="OpenAR US", currency="USD")
    customer = CustomerFactory(entity=entity, customer_ref="C-7", currency="USD", language="en")
    docs = {
        ref: DocumentFactory(
            customer=customer,
            entity=entity,
            document_ref=ref,
            amount=D(amount),
            due_date=BASE_DATE - dt.timedelta(days=days),
        )
        for ref, amount, days in (
            ("INV-A", "400.00", 20),
            ("INV-B", "1000.00", 40),
            ("INV-C", "50.00", 5),
        )
    }
    collector = UserFactory(username="col", roles=[Role.COLLECTOR])
    dispute_open(
        customer=customer, items=[(docs["INV-A"], D("400.00")), (docs["INV-B"], D("300.00"))],
        reason_code="pricing", description="", opened_on=BASE_DATE, actor=collector,
    )  # fmt: skip
    return customer


def test_the_items_carry_the_disputed_and_collectible_parts(account):
    items = {i.document_ref: i for i in account_items([account.pk], BASE_DATE)[account.pk].items}
    assert (items["INV-A"].in_dispute, items["INV-A"].collectible) == (D("400.00"), D("0.00"))
    assert (items["INV-B"].in_dispute, items["INV-B"].collectible) == (D("300.00"), D("700.00"))
    assert items["INV-B"].partly_disputed and not items["INV-A"].partly_disputed
    assert (items["INV-C"].in_dispute, items["INV-C"].collectible) == (D("0"), D("50.00"))
    (totals,) = account_items([account.pk], BASE_DATE)[account.pk].totals()
    assert (totals.past_due, totals.disputed, totals.requested) == (
        D("750.00"), D("700.00"), D("750.00"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "300.00 in dispute, not requested; 700.00 to pay"),
        ("es", "300,00 en disputa, no se reclama; 700,00 a pagar"),
    ],
)
def test_statement_pdf_shows_both_parts(account, language, expected, tmp_path):
    account.language = language
    account.save()
    out = tmp_path / "statement.pdf"
    assert main(["comms", "statement", "C-7", "--as-of", BASE_DATE.isoformat(),
                 "--format", "pdf", "--output", str(out)]) == 0  # fmt: skip
    text = _text(out.read_bytes())
    assert expected in text
    whole = "in dispute: not requested" if language == "en" else "en disputa: no se reclama"
    assert whole in text.split("INV-A")[1][:80]


def test_statement_xlsx_has_in_dispute_and_to_pay_columns(account, tmp_path):
    out = tmp_path / "statement.xlsx"
    assert main(["comms", "statement", "C-7", "--as-of", BASE_DATE.isoformat(),
                 "--format", "xlsx", "--output", str(out)]) == 0  # fmt: skip
    rows = list(openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(
        values_only=True
    ))  # fmt: skip
    head = next(r for r in rows if r[0] == "Document")
    assert head[7:10] == ("Open amount", "In dispute", "To pay")
    by_ref = {r[0]: r for r in rows}
    assert by_ref["INV-A"][7:10] == (400, 400, 0)
    assert by_ref["INV-B"][7:10] == (1000, 300, 700)
    assert by_ref["INV-C"][7:10] == (50, None, 50)
