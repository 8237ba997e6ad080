"""A write-off in a real browser (Chromium via Playwright), in English and Spanish: a collector
asks for it from the account page, a manager approves it on the Write-offs page, the item's open
amount falls and the trail is on the account's timeline."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from openar.credit.models import WriteOff
from openar.ledger.models import Document
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def _login(browser, base, username, locale):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")
    return page


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", {"approved": "Write-off approved", "status": "Approved"}),
        ("es-ES", {"approved": "Castigo aprobado", "status": "Aprobado"}),
    ],
)
def test_a_write_off_asked_for_and_approved(browser, live_server, locale, text):
    from playwright.sync_api import expect

    lang = locale[:2]
    UserFactory(username="col", password="s3cret-pass", roles=["collector"])
    UserFactory(username="mgr", password="s3cret-pass", roles=["manager"])
    cust = account(days_past_due=200, amount="750.00", customer_ref="WB1", name="Gone Away Ltd")
    base = live_server.url

    page = _login(browser, base, "col", locale)
    page.goto(f"{base}/customers/WB1/")
    page.fill("#write-off-amount", "750")
    page.fill("#write-off-reason", "Customer out of business")
    page.click("#ask-write-off")
    expect(page.locator("#write-off-history li")).to_have_count(1)
    page.close()

    page = _login(browser, base, "mgr", locale)
    page.goto(f"{base}/credit/write-offs/")
    write_off = WriteOff.objects.get()
    row = page.locator(f"#write-off-{write_off.pk}")
    expect(row).to_contain_text("Customer out of business")
    button = page.locator(f"#approve-write-off-{write_off.pk}")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    page.screenshot(path=str(SCREENSHOTS / f"credit-05-write-offs-{lang}.png"))
    button.click()
    expect(page.locator(".messages")).to_contain_text(text["approved"])
    page.goto(f"{base}/customers/WB1/")
    expect(page.locator("#write-off-history li").first).to_contain_text(text["status"])
    expect(page.locator("#customer-contacts")).to_contain_text("mgr")
    page.screenshot(path=str(SCREENSHOTS / f"credit-06-written-off-{lang}.png"), full_page=True)

    assert Document.objects.get(customer=cust).open_amount == D("0.00")
    write_off.refresh_from_db()
    assert (write_off.status, write_off.decided_by.username) == ("approved", "mgr")
