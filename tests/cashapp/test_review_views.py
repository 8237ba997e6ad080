"""The cash review pages: upload, statements list, workbench (suggestions, split, assign, on
account, unidentified), applied lines, layouts. Real database, the engine's services behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openar.cashapp.choices import LineStatus
from openar.cashapp.models import (
    BankAccount,
    BankLayout,
    CashApplication,
    CustomerAlias,
    MatchProposal,
    PayerAccount,
    StatementFile,
    StatementLine,
)
from openar.cashapp.views import highlight
from openar.ledger.models import Document, Receipt
from tests.clock import ON_TODAY
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]
BOOKED = dt.date(2026, 6, 30)

STATEMENT_CSV = (
    "Date,Amount,Payer,Payer IBAN,Details,Reference\n"
    "2026-06-30,1500.00,Acme Industrial Supply,US12ACME0001,Payment INV-1001,B-1\n"
    "2026-06-30,1400.00,BETA LOGISTICS LLC,US34BETA0002,invoices INV-3001 INV-3002,B-2\n"
    "2026-06-30,1000.00,ACME IND SUPPLY,US12ACME0009,inv 1002 part and 1003,B-3\n"
    "2026-06-30,555.55,J SMITH HOLDINGS,GB99SMTH0003,thank you,B-4\n"
    "2026-06-30,-25.00,Bank,,fees,B-5\n"
)
LAYOUT = {
    "columns": {
        "booking_date": "Date",
        "amount": "Amount",
        "counterparty_name": "Payer",
        "counterparty_account": "Payer IBAN",
        "remittance": "Details",
        "bank_reference": "Reference",
    },
    "options": {"currency": "USD", "account": "US00BANK0001"},
}


def build_portfolio() -> dict[str, Any]:
    """Three customers with open items, our USD bank account and a CSV layout for it."""
    us = EntityFactory(code="US01", name="OpenAR Demo Inc.", currency="USD")
    acme = CustomerFactory(customer_ref="C10001", name="Acme Industrial Supply", entity=us)
    beta = CustomerFactory(customer_ref="C10003", name="Beta Logistics", entity=us)
    CustomerFactory(customer_ref="C10005", name="Gamma Foods", entity=us)
    docs = {}
    for customer, ref, amount, due in (
        (acme, "INV-1001", "1500.00", dt.date(2026, 5, 1)),
        (acme, "INV-1002", "2250.50", dt.date(2026, 6, 10)),
        (acme, "INV-1003", "800.00", dt.date(2026, 7, 10)),
        (beta, "INV-3001", "980.25", dt.date(2026, 6, 1)),
        (beta, "INV-3002", "419.75", dt.date(2026, 6, 15)),
    ):
        docs[ref] = DocumentFactory(
            customer=customer,
            document_ref=ref,
            amount=Decimal(amount),
            due_date=due,
            document_date=due - dt.timedelta(days=30),
        )
    account = BankAccount.objects.create(
        entity=us, name="Operating USD", account_number="US00BANK0001", currency="USD"
    )
    layout = BankLayout.objects.create(
        code="portal-usd", name="Portal USD", bank_account=account, **LAYOUT
    )
    return {"entity": us, "acme": acme, "beta": beta, "docs": docs, "account": account,
            "layout": layout}  # fmt: skip


def make_line(
    data: dict[str, Any],
    *,
    amount: str,
    name: str,
    remittance: str,
    account: str = "",
    status: str = LineStatus.REVIEW,
    proposals: list[dict[str, Any]] | None = None,
) -> StatementLine:
    """A statement line with its receipt and ranked proposals, as the engine leaves them."""
    sfile, _ = StatementFile.objects.get_or_create(
        sha256="f" * 64,
        defaults={
            "bank_account": data["account"],
            "filename": "june.csv",
            "file_format": "csv",
            "currency": "USD",
        },
    )
    number = sfile.lines.count() + 1
    receipt = Receipt.objects.create(
        entity=data["entity"],
        receipt_ref=f"BANK-{number}",
        receipt_date=BOOKED,
        currency="USD",
        amount=Decimal(amount),
    )
    line = StatementLine.objects.create(
        statement=sfile,
        line_no=number,
        booking_date=BOOKED,
        value_date=BOOKED,
        amount=Decimal(amount),
        currency="USD",
        bank_reference=f"B-{number}",
        counterparty_name=name,
        counterparty_account=account,
        remittance=remittance,
        receipt=receipt,
        status=status,
    )
    for rank, proposal in enumerate(proposals or [], start=1):
        MatchProposal.objects.create(line=line, rank=rank, **proposal)
    return line


def proposal(customer, docs: list[tuple[Document, str]], confidence: str, **extra) -> dict:
    return {
        "customer": customer,
        "allocations": [
            {"document_id": d.pk, "document_ref": d.document_ref, "amount": amount}
            for d, amount in docs
        ],
        "confidence": Decimal(confidence),
        "method": extra.pop("method", "invoice_ref"),
        "explanation": extra.pop("explanation", "invoice numbers in the remittance"),
        **extra,
    }


@pytest.fixture
def data() -> dict[str, Any]:
    return build_portfolio()


@pytest.fixture
def specialist(client):
    user = UserFactory(username="cash1", roles=["cashapp"])
    client.force_login(user)
    return user


def test_collector_cannot_open_the_cash_pages(client, data) -> None:
    client.force_login(UserFactory(username="col", roles=["collector"]))
    for name in ("review", "unidentified", "applied", "statements", "layouts"):
        assert client.get(reverse(f"cashapp:{name}")).status_code == 403


def test_nav_shows_cash_to_specialists_only(client, data, specialist) -> None:
    page = client.get(reverse("cashapp:statements")).content.decode()
    assert 'href="/cash/"' in page


def test_upload_imports_matches_and_lists_counts(client, data, specialist) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("june.csv", STATEMENT_CSV.encode(), content_type="text/csv")
    response = client.post(
        reverse("cashapp:statements"),
        {"file": upload, "fmt": "auto", "layout": "portal-usd", "match_now": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    statement = StatementFile.objects.get()
    assert response["Location"] == f"/cash/?statement={statement.pk}"
    lines = StatementLine.objects.filter(statement=statement)
    assert lines.count() == 5
    assert lines.get(amount=Decimal("-25.00")).status == LineStatus.DEBIT
    credits = lines.filter(amount__gt=0)
    assert not credits.filter(status=LineStatus.NEW).exists()  # every credit was matched
    page = client.get(reverse("cashapp:statements")).content.decode()
    assert "june.csv" in page
    review = credits.filter(status__in=[LineStatus.REVIEW]).count()
    assert f'?statement={statement.pk}">{review}<' in page or review == 0


def test_upload_of_the_same_file_twice_is_refused(client, data, specialist) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    for expected in (302, 200):
        upload = SimpleUploadedFile("june.csv", STATEMENT_CSV.encode())
        response = client.post(
            reverse("cashapp:statements"), {"file": upload, "fmt": "csv", "layout": "portal-usd"}
        )
        assert response.status_code == expected
    assert "already imported" in response.content.decode()
    assert StatementFile.objects.count() == 1


def test_csv_without_layout_is_refused_by_the_form(client, data, specialist) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("june.csv", STATEMENT_CSV.encode())
    response = client.post(reverse("cashapp:statements"), {"file": upload, "fmt": "csv"})
    assert response.status_code == 200
    assert "Choose the layout" in response.content.decode()
    assert not StatementFile.objects.exists()


def test_workbench_shows_line_suggestions_and_open_items(client, data, specialist) -> None:
    docs = data["docs"]
    line = make_line(
        data, amount="1400.00", name="BETA LOGISTICS LLC", account="US34BETA0002",
        remittance="invoices INV-3001 / 3002 June",
        proposals=[
            proposal(data["beta"], [(docs["INV-3001"], "980.25"), (docs["INV-3002"], "419.75")],
                     "0.8700", method="amount_subset",
                     explanation="two items add up to the payment"),
            proposal(data["acme"], [(docs["INV-1003"], "800.00")], "0.2100"),
        ],
    )  # fmt: skip
    page = client.get(reverse("cashapp:review")).content.decode()
    assert f'id="line-card" data-line="{line.pk}"' in page
    assert "1,400.00" in page and "BETA LOGISTICS LLC" in page
    assert 'id="apply-proposal-1"' in page and 'id="apply-proposal-2"' in page
    assert "87%" in page and "two items add up to the payment" in page
    # how the suggestion was found, in words rather than the engine's code
    assert "amount of several items" in page
    assert ">amount_subset<" not in page
    # the top suggestion's customer's open items, pre-filled with its split
    assert "Open items of C10003 Beta Logistics" in page
    assert f'name="alloc-{docs["INV-3001"].pk}"' in page and 'value="980.25"' in page
    # the references found in the remittance are highlighted
    assert '<mark class="ref-hit">INV-3001</mark>' in page
    assert '<mark class="ref-hit">3002</mark>' in page


def test_workbench_query_count_does_not_grow_with_the_queue(client, data, specialist) -> None:
    make_line(data, amount="10.00", name="A", remittance="x")
    client.get(reverse("cashapp:review"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cashapp:review"))
    for n in range(15):
        make_line(data, amount=f"{20 + n}.00", name=f"P{n}", remittance="y")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("cashapp:review"))
    assert len(many) == len(few)


def test_apply_suggestion_goes_to_the_next_line(client, data, specialist) -> None:
    docs = data["docs"]
    first = make_line(
        data, amount="1500.00", name="Acme", remittance="INV-1001",
        proposals=[proposal(data["acme"], [(docs["INV-1001"], "1500.00")], "0.9000")],
    )  # fmt: skip
    second = make_line(data, amount="99.00", name="Someone", remittance="?")
    page = client.get(reverse("cashapp:review")).content.decode()
    after = f"/cash/?line={second.pk}"
    assert f'name="after" value="{after}"' in page
    response = client.post(
        reverse("cashapp:line_apply", args=[first.pk]), {"proposal": "1", "after": after}
    )
    assert response.status_code == 302 and response["Location"] == after
    first.refresh_from_db()
    assert first.status == LineStatus.APPLIED
    docs["INV-1001"].refresh_from_db()
    assert docs["INV-1001"].open_amount == 0
    [ca] = CashApplication.objects.filter(line=first)
    assert ca.mode == "manual" and ca.created_by == specialist


def test_split_across_items_leaves_the_rest_on_account(client, data, specialist) -> None:
    docs = data["docs"]
    line = make_line(data, amount="1000.00", name="ACME IND SUPPLY", remittance="1002 part, 1003")
    response = client.post(
        reverse("cashapp:line_apply", args=[line.pk]),
        {
            "customer_ref": "C10001",
            f"alloc-{docs['INV-1002'].pk}": "150,00",  # a decimal comma, as typed in Spanish
            f"alloc-{docs['INV-1003'].pk}": "800.00",
            f"alloc-{docs['INV-1001'].pk}": "",
            "after": "/cash/",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.ON_ACCOUNT  # 50.00 left as a credit
    docs["INV-1002"].refresh_from_db()
    docs["INV-1003"].refresh_from_db()
    assert docs["INV-1002"].open_amount == Decimal("2100.50")
    assert docs["INV-1003"].open_amount == 0


def test_over_application_is_refused_with_the_message(client, data, specialist) -> None:
    docs = data["docs"]
    line = make_line(data, amount="100.00", name="Acme", remittance="")
    response = client.post(
        reverse("cashapp:line_apply", args=[line.pk]),
        {"customer_ref": "C10001", f"alloc-{docs['INV-1001'].pk}": "150.00", "after": "/cash/"},
        follow=True,
    )
    page = response.content.decode()
    assert "unapplied" in page and "alert-error" in page
    line.refresh_from_db()
    assert line.status == LineStatus.REVIEW
    assert response.redirect_chain[-1][0].startswith(f"/cash/lines/{line.pk}/")


def test_assign_customer_is_learnt(client, data, specialist) -> None:
    line = make_line(data, amount="555.55", name="J SMITH HOLDINGS", account="GB99SMTH0003",
                     remittance="thank you")  # fmt: skip
    response = client.post(
        reverse("cashapp:line_assign", args=[line.pk]),
        {"customer": "C10005 — Gamma Foods"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cash/lines/{line.pk}/?customer=C10005"
    assert PayerAccount.objects.get(account="GB99SMTH0003").customer.customer_ref == "C10005"
    assert CustomerAlias.objects.filter(customer__customer_ref="C10005").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Open items of C10005 Gamma Foods" in page


def test_assign_unknown_customer_says_so(client, data, specialist) -> None:
    line = make_line(data, amount="5.00", name="X", remittance="")
    response = client.post(
        reverse("cashapp:line_assign", args=[line.pk]), {"customer": "C99999"}, follow=True
    )
    assert "No customer C99999" in response.content.decode()


def test_on_account_and_unidentified(client, data, specialist) -> None:
    on_account = make_line(data, amount="200.00", name="Acme", remittance="advance")
    unknown = make_line(data, amount="70.00", name="???", remittance="")
    client.post(
        reverse("cashapp:line_on_account", args=[on_account.pk]),
        {"customer_ref": "C10001", "after": "/cash/"},
    )
    client.post(reverse("cashapp:line_unidentified", args=[unknown.pk]), {"after": "/cash/"})
    on_account.refresh_from_db()
    unknown.refresh_from_db()
    assert on_account.status == LineStatus.ON_ACCOUNT
    assert unknown.status == LineStatus.UNIDENTIFIED
    page = client.get(reverse("cashapp:unidentified")).content.decode()
    assert f'data-line="{unknown.pk}"' in page and "70.00" in page
    review = client.get(reverse("cashapp:review")).content.decode()
    assert f'data-line="{unknown.pk}"' not in review


def test_applied_view_shows_the_mode(client, data, specialist) -> None:
    docs = data["docs"]
    paid = proposal(data["acme"], [(docs["INV-1001"], "1500.00")], "0.9")
    line = make_line(data, amount="1500.00", name="Acme", remittance="INV-1001", proposals=[paid])
    client.post(reverse("cashapp:line_apply", args=[line.pk]), {"proposal": "1"})
    page = client.get(reverse("cashapp:applied") + "?mode=manual").content.decode()
    assert "INV-1001" in page and "mode-manual" in page
    assert "INV-1001" not in client.get(reverse("cashapp:applied") + "?mode=auto").content.decode()


def test_customer_search_options(client, data, specialist) -> None:
    page = client.get(reverse("cashapp:customer_search") + "?customer=acme").content.decode()
    assert '<option value="C10001 — Acme Industrial Supply">' in page
    assert "Gamma" not in page


def test_layout_editor_previews_and_saves(client, data, specialist) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    sample = SimpleUploadedFile(
        "sample.csv", b"Fecha;Importe;Concepto\n30/06/2026;1.234,56;FRA 7\n"
    )
    form = {
        "code": "banco-es", "name": "Banco ES", "delimiter": ";", "encoding": "utf-8-sig",
        "header_row": "1", "date_format": "%d/%m/%Y", "decimal": ",", "sign": "signed",
        "currency": "EUR", "col_booking_date": "Fecha", "col_amount": "Importe",
        "col_remittance": "Concepto", "credit_values": "H", "debit_values": "S",
    }  # fmt: skip
    response = client.post(
        reverse("cashapp:layout_new"), {**form, "sample": sample, "preview": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<th>Fecha</th>" in page and "1234.56 EUR" in page
    assert not BankLayout.objects.filter(code="banco-es").exists()
    token = response.context["form"].data["sample_token"]
    assert len(token) == 32
    response = client.post(
        reverse("cashapp:layout_new"), {**form, "sample_token": token, "save": "1"}
    )
    assert response.status_code == 302
    layout = BankLayout.objects.get(code="banco-es")
    assert layout.columns["amount"] == "Importe"
    assert layout.options["decimal"] == "," and layout.options["credit_values"] == ["H"]
    edit = client.get(reverse("cashapp:layout_edit", args=["banco-es"])).content.decode()
    assert 'value="Importe"' in edit


def test_layout_editor_names_a_bad_field(client, data, specialist) -> None:
    form = {"code": "bad", "name": "Bad", "encoding": "utf-8-sig", "header_row": "1",
            "date_format": "%Y-%m-%d", "decimal": ".", "sign": "columns", "currency": "USD",
            "col_booking_date": "d", "col_amount": "a", "save": "1"}  # fmt: skip
    response = client.post(reverse("cashapp:layout_new"), form)
    assert response.status_code == 200
    assert "needs a credit column" in response.content.decode()
    assert response.context["form"].errors["col_credit"]


@pytest.mark.parametrize(
    ("text", "refs", "expected"),
    [
        ("Payment INV-1001", ["INV-1001"], 'Payment <mark class="ref-hit">INV-1001</mark>'),
        ("inv1001 & 0001002", ["INV-1001", "INV-1002"],
         '<mark class="ref-hit">inv1001</mark> &amp; <mark class="ref-hit">0001002</mark>'),
        ("INV-10011", ["INV-1001"], "INV-10011"),
        ("<b>INV-7</b>", ["INV-7"], '&lt;b&gt;<mark class="ref-hit">INV-7</mark>&lt;/b&gt;'),
    ],
)  # fmt: skip
def test_highlight(text, refs, expected) -> None:
    assert str(highlight(text, refs)) == expected


def test_queue_search_narrows_the_list(client, data, specialist) -> None:
    make_line(data, amount="10.00", name="Acme", remittance="INV-1001")
    other = make_line(data, amount="20.00", name="Nordic Factoring", remittance="batch 7")
    page = client.get(reverse("cashapp:review") + "?q=nordic").content.decode()
    assert page.count('<li class="selected" data-line=') == 1
    assert f'data-line="{other.pk}"' in page and "INV-1001" not in page.split("line-detail")[0]


def test_customer_only_suggestion_assigns_the_payer(client, data, specialist) -> None:
    line = make_line(
        data, amount="42.00", name="Acme", remittance="",
        proposals=[proposal(data["acme"], [], "0.5880", method="customer_only",
                            explanation="payer by name; no item matches")],
    )  # fmt: skip
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    form = page.split('id="apply-proposal-1"')[0].rsplit("<form", 1)[1]
    assert f'action="/cash/lines/{line.pk}/assign/"' in form


def test_customer_only_suggestion_of_the_assigned_payer_puts_on_account(
    client, data, specialist
) -> None:
    line = make_line(
        data, amount="42.00", name="Acme", remittance="",
        proposals=[proposal(data["acme"], [], "0.5880", method="customer_only",
                            explanation="payer by name; no item matches")],
    )  # fmt: skip
    Receipt.objects.filter(pk=line.receipt_id).update(customer=data["acme"])
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    form = page.split('id="apply-proposal-1"')[0].rsplit("<form", 1)[1]
    assert f'action="/cash/lines/{line.pk}/on-account/"' in form


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("12,5", "12.5"), (" 7 ", "7"), ("", None)],
)
def test_typed_amounts(typed, amount) -> None:
    from openar.cashapp.views import _money

    assert _money(typed) == (Decimal(amount) if amount else None)


def test_xlsx_upload_with_a_layout(client, data, specialist) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Amount", "Payer", "Payer IBAN", "Details", "Reference"])
    sheet.append(
        [dt.datetime(2026, 6, 30), 1500, "Acme Industrial Supply", "US12", "INV-1001", "X1"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("june.xlsx", buffer.getvalue())
    response = client.post(
        reverse("cashapp:statements"), {"file": upload, "fmt": "auto", "layout": "portal-usd"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    line = StatementLine.objects.get()
    assert line.amount == Decimal("1500") and line.status == LineStatus.NEW
    assert line.statement.file_format == "csv"


def test_match_one_new_line(client, data, specialist) -> None:
    line = make_line(
        data, amount="1500.00", name="Acme Industrial Supply", account="US12ACME0001",
        remittance="Payment INV-1001", status=LineStatus.NEW,
    )  # fmt: skip
    page = client.get(reverse("cashapp:line", args=[line.pk])).content.decode()
    assert 'id="match-form"' in page
    response = client.post(reverse("cashapp:line_match", args=[line.pk]), {"after": "/cash/"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status != LineStatus.NEW
    assert line.proposals.exists() or line.status == LineStatus.UNIDENTIFIED


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_statements_and_applied_lists_query_count_is_flat(client, data, specialist) -> None:
    docs = data["docs"]
    paid = proposal(data["acme"], [(docs["INV-1001"], "10.00")], "0.9")
    first = make_line(data, amount="10.00", name="Acme", remittance="INV-1001", proposals=[paid])
    client.post(reverse("cashapp:line_apply", args=[first.pk]), {"proposal": "1"})
    client.get(reverse("cashapp:applied"))
    few_applied = _queries(client, reverse("cashapp:applied"))
    few_statements = _queries(client, reverse("cashapp:statements"))
    for n in range(6):
        line = make_line(data, amount="1.00", name=f"P{n}", remittance="INV-1002")
        client.post(
            reverse("cashapp:line_apply", args=[line.pk]),
            {"customer_ref": "C10001", f"alloc-{docs['INV-1002'].pk}": "1.00"},
        )
        StatementFile.objects.create(
            bank_account=data["account"], sha256=f"{n}" * 64, filename=f"f{n}.csv",
            file_format="csv", currency="USD",
        )  # fmt: skip
    assert _queries(client, reverse("cashapp:applied")) == few_applied
    assert _queries(client, reverse("cashapp:statements")) == few_statements


@pytest.mark.parametrize("viewed_as", ["assigned", "chosen"])
def test_the_screen_offers_exactly_the_documents_the_service_accepts(
    client, data, specialist, viewed_as
) -> None:
    """A group three levels deep, a sibling branch, and documents the service must refuse
    (another currency, another entity, another group): the review screen lists one set, and
    ``line_apply`` takes each listed document and refuses each of the others."""
    from django.db import transaction

    from openar.cashapp.services import line_apply
    from openar.core.errors import OpenARError

    us, acme = data["entity"], data["acme"]
    holding = CustomerFactory(customer_ref="H1", name="Holding", entity=us)
    type(acme).objects.filter(pk=acme.pk).update(parent=holding)
    store = CustomerFactory(customer_ref="S1", name="Acme Store", entity=us, parent=acme)
    sister = CustomerFactory(customer_ref="SIS", name="Sister Co", entity=us, parent=holding)
    mx = EntityFactory(code="MX01", name="OpenAR Mexico", currency="MXN")
    abroad = CustomerFactory(customer_ref="MXA", name="Acme Mexico", entity=mx, parent=holding)
    due = dt.date(2026, 6, 1)
    extra = {
        ref: DocumentFactory(customer=c, document_ref=ref, amount=Decimal("10.00"),
                             due_date=due, currency=cur)
        for ref, c, cur in (
            ("HOLD-1", holding, "USD"), ("STORE-1", store, "USD"), ("SIS-1", sister, "USD"),
            ("EUR-1", store, "EUR"), ("MX-1", abroad, "USD"),
        )
    }  # fmt: skip
    line = make_line(data, amount="10.00", name="Acme", remittance="")
    if viewed_as == "assigned":
        Receipt.objects.filter(pk=line.receipt_id).update(customer=acme)
        url = reverse("cashapp:line", args=[line.pk])
    else:
        url = reverse("cashapp:line", args=[line.pk]) + "?customer=C10001"
    detail = client.get(url).context["detail"]
    offered = {item["doc"].document_ref for item in detail["items"]}
    assert offered == {"INV-1001", "INV-1002", "INV-1003", "HOLD-1", "STORE-1", "SIS-1"}

    accepted = set()
    candidates = [*data["docs"].values(), *extra.values()]
    for doc in candidates:
        try:
            with transaction.atomic():
                line_apply(
                    line=line.pk, allocations=[(doc, Decimal("10.00"))], actor=specialist,
                    customer=acme,
                )  # fmt: skip
                transaction.set_rollback(True)
        except OpenARError:
            continue
        accepted.add(doc.document_ref)
    assert accepted == offered
