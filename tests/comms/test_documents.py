"""Letters and statements as PDF (WeasyPrint), read back with pypdfium2, in English and Spanish;
the statement also as XLSX. Set OPENAR_TEST_ARTIFACTS=dir to keep PNGs of the pages to look at."""

from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdfium2
import pytest

from openar.cashapp.models import BankAccount
from openar.cli import main
from openar.comms.models import Letterhead
from tests.factories import (
    BASE_DATE,
    CustomerFactory,
    DocumentFactory,
    EntityFactory,
    ReceiptFactory,
)

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> str:
    doc = pypdfium2.PdfDocument(pdf_bytes)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.split())  # lines wrap where the page is narrow


def _keep_png(pdf_bytes: bytes, name: str) -> None:
    folder = os.environ.get("OPENAR_TEST_ARTIFACTS")
    doc = pypdfium2.PdfDocument(pdf_bytes)
    image = doc[0].render(scale=1.3).to_pil()
    assert image.size[0] > 500  # rendered, not blank-sized
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(Path(folder) / f"{name}.png")


def _account(language: str, country: str):
    entity = EntityFactory(code="ES01", name="OpenAR Iberia S.L.", currency="EUR")
    Letterhead.objects.create(
        entity=entity,
        address="Calle Mayor 1\n28013 Madrid",
        phone="+34 910 000 000",
        email="cobros@openar.example",
        tax_id="CIF B12345678",
        logo_svg='<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect width="40" height="40" fill="#1f4e79"/></svg>',
    )
    BankAccount.objects.create(
        entity=entity,
        name="Operating",
        bank_name="Banco Ejemplo",
        account_number="ES9121000418450200051332",
        bic="CAIXESBBXXX",
        currency="EUR",
        currencies=["USD"],
    )
    customer = CustomerFactory(
        entity=entity,
        name="Ferretería Sol S.A.",
        currency="EUR",
        language=language,
        country=country,
        attributes={"address": "Avenida del Sol 5\n41001 Sevilla"},
    )
    DocumentFactory(
        customer=customer,
        entity=entity,
        document_ref="F-100",
        currency="EUR",
        amount=Decimal("2500.00"),
        due_date=BASE_DATE - dt.timedelta(days=75),
    )
    DocumentFactory(
        customer=customer,
        entity=entity,
        document_ref="F-101",
        currency="EUR",
        amount=Decimal("800.00"),
        due_date=BASE_DATE - dt.timedelta(days=12),
        disputed=True,
    )
    DocumentFactory(
        customer=customer,
        entity=entity,
        document_ref="F-102",
        currency="USD",
        amount=Decimal("1000.00"),
        due_date=BASE_DATE + dt.timedelta(days=10),
    )
    ReceiptFactory(customer=customer, entity=entity, currency="EUR", amount=Decimal("150.00"))
    return customer


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Statement of account", "Aging", "Balance", "How to pay", "2,500.00"]),
        ("es", ["Estado de cuenta", "Antigüedad", "Saldo", "Cómo pagar", "2.500,00"]),
    ],
)
def test_statement_pdf_in_both_languages(language, expected, tmp_path, capsys):
    customer = _account(language, "ES")
    out = tmp_path / "statement.pdf"
    code = main(
        [
            "comms", "statement", customer.customer_ref, "--as-of", BASE_DATE.isoformat(),
            "--format", "pdf", "--output", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    content = out.read_bytes()
    text = _text(content)
    for needle in expected:
        assert needle in text
    for needle in ("OpenAR Iberia S.L.", "Calle Mayor 1", "Avenida del Sol 5", "41001 Sevilla"):
        assert needle in text
    for needle in ("F-100", "F-101", "F-102", "ES9121000418450200051332", "CAIXESBBXXX"):
        assert needle in text
    _keep_png(content, f"statement-{language}")


def test_statement_xlsx(tmp_path, capsys):
    customer = _account("en", "ES")
    out = tmp_path / "statement.xlsx"
    assert main(["comms", "statement", customer.customer_ref, "--as-of", BASE_DATE.isoformat(),
                 "--format", "xlsx", "--output", str(out)]) == 0  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    refs = [r[0] for r in rows]
    assert {"F-100", "F-101", "F-102"} <= set(refs)
    f100 = rows[refs.index("F-100")]
    assert f100[7] == 2500 and f100[5] == "EUR"
    assert rows[refs.index("F-101")][8:10] == [800, 0]  # in dispute, to pay


def test_statement_of_unknown_customer(tmp_path, capsys):
    assert main(["comms", "statement", "NOPE", "--format", "pdf", "--output",
                 str(tmp_path / "x.pdf")]) == 1  # fmt: skip
    assert "no customer 'NOPE'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Second notice", "in dispute: not requested", "Amount to pay", "Aging"]),
        ("es", ["Segundo aviso", "en disputa: no se reclama", "Importe a pagar", "Antigüedad"]),
    ],
)
def test_letter_pdf_carries_letterhead_address_items_aging_and_bank(
    language, expected, settings, tmp_path
):
    from openar.comms.models import OutboxMessage
    from openar.comms.services import outbox_queue, outbox_send
    from tests.comms.test_outbox import _action

    settings.OPENAR_LETTER_DIR = tmp_path / "letters"
    customer = _account(language, "ES")
    _action(customer, "letter", dpd=75)
    outbox_queue(as_of=BASE_DATE, actor="test")
    result = outbox_send(as_of=BASE_DATE, actor="test")
    assert result.letters == 1
    letter = OutboxMessage.objects.get()
    path = tmp_path / "letters" / BASE_DATE.isoformat() / f"{customer.customer_ref}-{letter.pk}.pdf"
    content = path.read_bytes()
    text = _text(content)
    for needle in expected:
        assert needle in text
    for needle in ("OpenAR Iberia S.L.", "Calle Mayor 1", "CIF B12345678", "Ferretería Sol S.A.",
                   "Avenida del Sol 5", "F-100", "F-101", "ES9121000418450200051332"):  # fmt: skip
        assert needle in text
    _keep_png(content, f"letter-{language}")
