"""End to end in a real browser: log in, customer list, customer page, aging, Spanish.

Drives a real Chromium through Playwright (see tests/browser.py; never ``playwright install``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from openar.ledger.services import aging_refresh
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory, UserFactory

AS_OF = dt.date(2026, 6, 30)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def _portfolio() -> None:
    collector = UserFactory(username="collector1", first_name="Ana", last_name="Rojas")
    us = EntityFactory(code="US01", name="OpenAR Demo Inc.", currency="USD")
    acme = CustomerFactory(
        customer_ref="C10001",
        name="Acme Industrial Supply",
        entity=us,
        collector=collector,
        segment="Enterprise",
        credit_limit=Decimal("5000.00"),
        email="ap@acme.example",
        phone="+1 555 0100",
    )
    DocumentFactory(
        customer=acme,
        document_ref="INV-1001",
        document_date=dt.date(2026, 4, 1),
        due_date=dt.date(2026, 5, 1),
        amount=Decimal("1500.00"),
    )
    DocumentFactory(
        customer=acme,
        document_ref="INV-1002",
        document_date=dt.date(2026, 6, 10),
        due_date=dt.date(2026, 7, 10),
        amount=Decimal("2250.50"),
        disputed=True,
    )
    DocumentFactory(
        customer=acme,
        document_ref="CM-2001",
        document_type="credit_memo",
        document_date=dt.date(2026, 6, 15),
        due_date=dt.date(2026, 6, 15),
        amount=Decimal("-200.00"),
    )
    CustomerFactory(customer_ref="C10002", name="Acme Retail West", entity=us, parent=acme)
    beta = CustomerFactory(
        customer_ref="C10003", name="Beta Logistics", entity=us, collector=collector, segment="SMB"
    )
    DocumentFactory(
        customer=beta,
        document_ref="INV-3001",
        document_date=dt.date(2026, 1, 10),
        due_date=dt.date(2026, 2, 9),
        amount=Decimal("980.25"),
    )
    aging_refresh(as_of=AS_OF, actor="test")


def test_collector_journey(browser, live_server, tmp_path, settings):
    from playwright.sync_api import expect

    settings.OPENAR_UPLOAD_DIR = tmp_path / "uploads"
    settings.OPENAR_DEMO_MODE = True  # the login page then lists the demo accounts
    UserFactory(username="manager", password="s3cret-pass", roles=["manager"])
    _portfolio()
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")

    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login/?next=/")
    expect(page.locator(".demo-box")).to_contain_text("Collections manager")
    page.screenshot(path=str(SCREENSHOTS / "01-login.png"), full_page=True)
    page.fill("#id_username", "manager")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    expect(page.locator("h1")).to_have_text("Customers")
    expect(page.locator("#customer-table")).to_contain_text("Acme Industrial Supply")
    expect(page.locator("main")).to_contain_text("Aging as of")
    # 1,500.00 + 2,250.50 - 200.00 open on 2026-06-30.
    expect(page.locator("#customer-table")).to_contain_text("3,550.50")
    page.screenshot(path=str(SCREENSHOTS / "02-customers.png"), full_page=True)

    # htmx (the copy bundled with django-htmx) refreshes the table when a filter changes.
    assert page.evaluate("typeof htmx") == "object"
    page.select_option("#id_segment", "Enterprise")
    expect(page.locator("#customer-table tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"segment=Enterprise"))
    page.goto(f"{base}/")

    page.fill("#id_q", "Beta")
    page.click("text=Filter")
    expect(page.locator("#customer-table tbody tr")).to_have_count(1)
    expect(page.locator("#customer-table")).to_contain_text("Beta Logistics")
    page.goto(f"{base}/")

    page.click("#customer-table >> text=C10001")
    expect(page.locator("h1")).to_contain_text("Acme Industrial Supply")
    page.goto(f"{base}/customers/C10001/?as_of={AS_OF.isoformat()}")
    expect(page.locator("#kpi-balance")).to_contain_text("3,550.50")
    expect(page.locator("#kpi-past-due")).to_contain_text("1,300.00")
    expect(page.locator("#kpi-available")).to_contain_text("1,449.50")
    expect(page.locator("#items-table")).to_contain_text("Disputed")
    expect(page.locator("main")).to_contain_text("C10002")
    page.screenshot(path=str(SCREENSHOTS / "03-customer.png"), full_page=True)

    page.click("nav.mainnav >> text=Aging")
    page.fill("#id_as_of", AS_OF.isoformat())
    page.click("text=Run report")
    # 3,550.50 (Acme) + 980.25 (Beta, 141 days past due).
    expect(page.locator("#aging-grand-total")).to_have_text("4,530.75")
    expect(page.locator("#aging-table")).to_contain_text("980.25")
    page.screenshot(path=str(SCREENSHOTS / "04-aging.png"), full_page=True)

    page.click("#aging-table >> text=980.25 >> nth=0")
    expect(page.locator("#items-table")).to_contain_text("INV-3001")
    page.screenshot(path=str(SCREENSHOTS / "05-aging-items.png"), full_page=True)

    page.click("nav.mainnav >> text=Imports")
    upload = tmp_path / "customers.csv"
    upload.write_text(
        "customer_ref,name,parent_ref,entity,currency,credit_limit,payment_terms_days,"
        "language,country,collector,segment,email,phone\n"
        "C20001,Gamma Foods,,US01,USD,7500.00,45,en,US,collector1,SMB,,\n"
        "C20002,Delta Parts,,US01,USD,2500.00,30,en,US,,SMB,,\n",
        encoding="utf-8",
    )
    page.screenshot(path=str(SCREENSHOTS / "05b-imports.png"), full_page=True)
    page.select_option("#id_kind", "customers")
    page.set_input_files("#id_file", str(upload))
    page.click("text=Upload and preview")
    expect(page.locator("#stat-created")).to_have_text("2")
    page.screenshot(path=str(SCREENSHOTS / "06-import-preview.png"), full_page=True)
    page.click("#confirm-import")
    expect(page.locator("#import-loaded")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "07-import-result.png"), full_page=True)

    page.goto(f"{base}/aging/?as_of={AS_OF.isoformat()}")
    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_have_text("Antigüedad de saldos")
    expect(page.locator("nav.mainnav")).to_contain_text("Clientes")
    # Spanish number format (Django's es locale): a space groups thousands, comma decimals.
    expect(page.locator("#aging-grand-total")).to_have_text(re.compile(r"^4\s530,75$"))
    page.screenshot(path=str(SCREENSHOTS / "08-aging-es.png"), full_page=True)

    page.goto(f"{base}/customers/C10001/?as_of={AS_OF.isoformat()}")
    expect(page.locator("main")).to_contain_text("Límite de crédito")
    page.screenshot(path=str(SCREENSHOTS / "09-customer-es.png"), full_page=True)
