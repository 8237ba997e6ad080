"""The template editor in a real browser (Chromium via Playwright): a refused save names the
field and line, a merge field goes in with a click, the save makes a version, the preview fills
the text for a real customer, and an old version comes back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.comms.models import TemplateVersion
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def test_edit_and_preview_a_template(browser, live_server):
    from playwright.sync_api import expect

    UserFactory(username="manager", password="s3cret-pass", roles=["manager"])
    customer = CustomerFactory(
        customer_ref="C0000042",
        name="Keystone Metals",
        email="ap@keystone.example",
        language="en",
    )
    DocumentFactory(
        customer=customer,
        document_ref="INV-9001",
        amount=Decimal("4321.00"),
        due_date=BASE_DATE.replace(day=1),
    )
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="en-US")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    page.click("nav.mainnav >> text=Templates")
    expect(page.locator("h1")).to_have_text("Message templates")
    expect(page.locator("#template-table tbody tr")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "templates-01-list.png"), full_page=True)

    page.click("#template-table >> text=Past-due notice")
    expect(page.locator("#active-version")).to_have_text("version 1 goes out")
    body = page.locator("#id_body")
    body.fill("Dear {{ customer_name }},\n\nYou owe {{ amount_owed }}.\n\n{{ items }}")
    page.click("#save-template")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator(".field-error")).to_have_text("line 3: unknown merge field 'amount_owed'")
    page.screenshot(path=str(SCREENSHOTS / "templates-02-refused.png"), full_page=True)
    assert TemplateVersion.objects.filter(template__code="past_due_notice").count() == 2

    # Replace the unknown field with one from the list, by clicking it.
    body.fill("Dear {{ customer_name }},\n\nYou owe \n\n{{ items }}")
    body.evaluate(
        "el => { const at = el.value.indexOf('You owe ') + 8; el.focus();"
        " el.setSelectionRange(at, at); }"
    )
    page.click("button.field-chip[data-field=past_due]")
    expect(body).to_have_value("Dear {{ customer_name }},\n\nYou owe {{ past_due }}\n\n{{ items }}")
    page.fill("#id_subject", "Overdue: {{ customer_ref }}")
    page.click("#save-template")
    expect(page.locator(".alert-success")).to_contain_text("Saved as version 2")
    expect(page.locator("#active-version")).to_have_text("version 2 goes out")
    expect(page.locator("#version-table tbody tr")).to_have_count(2)
    expect(page.locator("#version-table tbody tr").first).to_contain_text("manager")

    # Preview on a real customer, picked from the suggestions.
    # The suggestions come from the server a moment after typing stops; wait for that answer
    # (a loaded machine can take longer than the default few seconds).
    with page.expect_response(lambda r: "/templates/customers/" in r.url, timeout=30_000):
        page.fill("#id_customer", "Keyst")
    expect(page.locator("#customer-options option")).to_have_count(1, timeout=15_000)
    page.fill("#id_customer", "C0000042 · Keystone Metals")
    page.click("#preview-button")
    expect(page.locator("#preview-subject")).to_have_text("Overdue: C0000042")
    expect(page.locator("#preview-body")).to_contain_text("You owe 4,321.00")
    expect(page.locator("#preview-body")).to_contain_text("INV-9001")
    page.screenshot(path=str(SCREENSHOTS / "templates-03-preview.png"), full_page=True)

    # The letter PDF of the same text opens in a new tab.
    with page.expect_popup() as popup:
        page.click("#preview-pdf")
    assert popup.value.url.endswith("/templates/past_due_notice/letter.pdf")

    # Version 1 comes back as version 3.
    page.click("#restore-1")
    expect(page.locator(".alert-success")).to_contain_text("Version 1 restored as version 3")
    active = TemplateVersion.objects.get(
        template__code="past_due_notice", language="en", is_active=True
    )
    assert (active.number, active.restored_from) == (3, 1)

    page.click("#lang-es")
    expect(page.locator("#id_subject")).to_have_value(
        "Aviso de saldo vencido: {{ customer_name }} ({{ customer_ref }})"
    )
    page.click("form.langswitch button[value=es]")
    expect(page.locator("#merge-fields h2")).to_have_text("Campos de combinación")
    page.screenshot(path=str(SCREENSHOTS / "templates-04-editor-es.png"), full_page=True)
    page.click("form.langswitch button[value=en]")
