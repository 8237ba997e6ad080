"""The cash review workbench in a real browser (Chromium through Playwright): import a
statement, see suggestions, apply one from the keyboard, split a payment over two invoices,
assign the payer of an unidentified line and put it on account, then the applied lines, the
layout editor and the Spanish screen."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from openar.cashapp.choices import LineStatus
from openar.cashapp.models import CashApplication, PayerAccount, StatementLine
from tests.browser import SCREENSHOTS
from tests.cashapp.test_review_views import build_portfolio
from tests.clock import FROM_TODAY
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]

STATEMENT = (
    "Date,Amount,Payer,Payer IBAN,Details,Reference\n"
    "2026-06-30,1500.00,Acme Industrial Supply,US12ACME0001,Payment INV-1001,B-1\n"
    "2026-06-30,975.25,BETA LOGISTICS,US34BETA0002,INV-3001 less charges,B-2\n"
    "2026-06-30,1000.00,Acme Industrial Supply,US12ACME0001,June payment,B-3\n"
    "2026-06-30,555.55,J SMITH HOLDINGS,GB99SMTH0003,thank you,B-4\n"
    "2026-06-30,-25.00,Bank,,fees,B-5\n"
)


def test_cash_review_journey(browser, live_server, tmp_path, settings):
    from playwright.sync_api import expect

    settings.OPENAR_UPLOAD_DIR = tmp_path / "uploads"
    # A stricter threshold than the default keeps the charges-short line for a person.
    settings.OPENAR_CASHAPP_AUTO_THRESHOLD = "0.96"
    UserFactory(username="cash1", password="s3cret-pass", roles=["cashapp"])
    data = build_portfolio()
    docs = data["docs"]
    statement = tmp_path / "june-portal.csv"
    statement.write_text(STATEMENT, encoding="utf-8")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="en-US")
    page.goto(f"{base}/login/?next=/cash/")
    page.fill("#id_username", "cash1")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")
    expect(page.locator("h1")).to_have_text("Cash review")
    expect(page.locator("nav.mainnav a.active")).to_have_text("Cash")

    # Import the portal export through its saved layout; matching runs right away.
    page.click("#tab-statements")
    page.set_input_files("#id_file", str(statement))
    page.select_option("#id_layout", "portal-usd")
    page.screenshot(path=str(SCREENSHOTS / "cash-01-statements.png"), full_page=True)
    page.click("#upload-submit")
    expect(page.locator(".alert-success")).to_contain_text("5 lines, 4 receipts")
    expect(page.locator("#queue-lines li")).to_have_count(2)

    # First line: short by bank charges; the suggestion explains it.
    expect(page.locator("#line-amount")).to_contain_text("975.25")
    expect(page.locator("#suggestion-1")).to_contain_text("INV-3001")
    expect(page.locator("#suggestion-1")).to_contain_text("bank charges")
    expect(page.locator("#remittance mark.ref-hit")).to_have_text("INV-3001")
    page.screenshot(path=str(SCREENSHOTS / "cash-02-review.png"), full_page=True)

    # j / k move through the queue; ? shows the shortcuts.
    page.keyboard.press("j")
    expect(page.locator("#line-amount")).to_contain_text("1,000.00")
    page.wait_for_load_state("load")  # the next line's page binds its shortcuts once loaded
    page.keyboard.press("k")
    expect(page.locator("#line-amount")).to_contain_text("975.25")
    page.wait_for_load_state("load")
    page.keyboard.press("?")
    expect(page.locator("#kbd-help")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "cash-03-shortcuts.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#kbd-help")).to_be_hidden()

    # 1 applies the first suggestion and moves on to the next line.
    page.keyboard.press("1")
    expect(page.locator(".alert-success")).to_contain_text("applied")
    expect(page.locator("#line-amount")).to_contain_text("1,000.00")
    expect(page.locator("#queue-lines li")).to_have_count(1)

    # Second line: no suggestion fits the amount; split it over two of Acme's invoices.
    expect(page.locator("#open-items")).to_contain_text("INV-1002")
    page.keyboard.press("s")
    page.fill(f"input[name=alloc-{docs['INV-1002'].pk}]", "200")
    expect(page.locator("#remaining")).to_have_text("800.00")
    page.click(f"input[name=alloc-{docs['INV-1003'].pk}] >> xpath=../button")
    expect(page.locator(f"input[name=alloc-{docs['INV-1003'].pk}]")).to_have_value("800.00")
    expect(page.locator("#remaining")).to_have_text("0.00")
    page.screenshot(path=str(SCREENSHOTS / "cash-04-split.png"), full_page=True)
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("applied")
    expect(page.locator(".empty-state")).to_be_visible()

    # The unknown payer: assign the customer (learnt), then put it on account.
    page.click("#tab-unidentified")
    expect(page.locator("#line-amount")).to_contain_text("555.55")
    page.wait_for_load_state("load")  # the shortcuts are bound once the script has run
    page.keyboard.press("a")
    expect(page.locator("#assign-customer")).to_be_focused()
    page.keyboard.type("C10005")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("learnt for next time")
    expect(page.locator("#line-customer")).to_contain_text("Gamma Foods")
    page.screenshot(path=str(SCREENSHOTS / "cash-05-assigned.png"), full_page=True)
    page.keyboard.press("o")
    expect(page.locator(".alert-success")).to_contain_text("on account of C10005")

    page.click("#tab-applied")
    expect(page.locator("#applied-lines tbody tr")).to_have_count(4)
    expect(page.locator("#applied-lines")).to_contain_text("auto")
    expect(page.locator("#applied-lines")).to_contain_text("manual")
    page.screenshot(path=str(SCREENSHOTS / "cash-06-applied.png"), full_page=True)

    page.click("#tab-statements")
    expect(page.locator("#kpi-auto")).to_contain_text("1")
    expect(page.locator("#statement-table")).to_contain_text("june-portal.csv")
    page.screenshot(path=str(SCREENSHOTS / "cash-06b-statements.png"), full_page=True)

    # The layout editor previews the file with the saved mapping.
    page.click("#tab-layouts")
    page.click("#layout-table >> text=portal-usd")
    page.set_input_files("#id_sample", str(statement))
    page.click("#preview-button")
    expect(page.locator("#layout-preview")).to_contain_text("975.25 USD")
    page.screenshot(path=str(SCREENSHOTS / "cash-07-layout.png"), full_page=True)

    page.goto(f"{base}/cash/statements/")
    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_have_text("Extractos bancarios")
    page.click("#tab-applied")
    expect(page.locator("h1")).to_have_text(re.compile("Cobros aplicados"))
    page.screenshot(path=str(SCREENSHOTS / "cash-08-applied-es.png"), full_page=True)
    split_line = StatementLine.objects.get(bank_reference="B-3")
    page.goto(f"{base}/cash/lines/{split_line.pk}/")
    expect(page.locator("#applied-table")).to_contain_text("INV-1002")
    expect(page.locator("#line-status")).to_have_text("Aplicada por una persona")
    page.screenshot(path=str(SCREENSHOTS / "cash-09-line-es.png"), full_page=True)

    lines = {line.bank_reference: line for line in StatementLine.objects.all()}
    assert lines["B-1"].status == LineStatus.AUTO_APPLIED
    assert lines["B-2"].status == LineStatus.APPLIED
    assert lines["B-3"].status == LineStatus.APPLIED
    assert lines["B-4"].status == LineStatus.ON_ACCOUNT
    split = CashApplication.objects.filter(line=lines["B-3"]).select_related("application")
    assert sorted(ca.application.amount for ca in split) == [Decimal("200.00"), Decimal("800.00")]
    assert PayerAccount.objects.get(account="GB99SMTH0003").customer.customer_ref == "C10005"
    assert Path(SCREENSHOTS / "cash-04-split.png").exists()
