"""Credit holds in a real browser (Chromium via Playwright), in English and Spanish: a
collector asks for a hold, credit approves it in bulk with the confirmation, the account shows it,
credit releases it from the account page."""

from __future__ import annotations

import pytest

from openar.credit.models import CreditHold, HoldEvent
from openar.ledger.services import aging_refresh
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def _login(browser, base, username, locale):
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale=locale)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")
    return page


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en-US", {"ask": "Ask for a hold", "badge": "On credit hold", "release": "Release hold",
                   "approved": "1 recommendation approved.", "open": "Orders open"}),
        ("es-ES", {"ask": "Solicitar bloqueo", "badge": "Con bloqueo de crédito",
                   "release": "Liberar bloqueo", "approved": "1 recomendación aprobada.",
                   "open": "Pedidos abiertos"}),
    ],
)  # fmt: skip
def test_hold_asked_approved_in_bulk_and_released(browser, live_server, locale, text):
    from playwright.sync_api import expect

    lang = locale[:2]
    UserFactory(username="col", password="s3cret-pass", roles=["collector"])
    UserFactory(username="cred", password="s3cret-pass", roles=["credit"])
    account(days_past_due=95, amount="8000.00", customer_ref="B1", name="Bigco Industrial")
    account(days_past_due=20, amount="300.00", customer_ref="S1", name="Smallco")
    aging_refresh(as_of=AS_OF, actor="test")
    base = live_server.url

    page = _login(browser, base, "col", locale)
    page.goto(f"{base}/customers/B1/")
    page.fill("#credit-hold input[name=reason]", "Refuses to pay, 3 broken promises")
    expect(page.locator("#place-hold")).to_have_text(text["ask"])
    page.click("#place-hold")
    expect(page.locator("#hold-pending")).to_be_visible()
    page.close()

    page = _login(browser, base, "cred", locale)
    page.goto(f"{base}/credit/")
    table = page.locator("#recommendation-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    reject = table.locator("button[value=reject]")
    box = reject.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280  # not cut off at the right edge
    page.check("#select-all")
    expect(page.locator("#bulk-approve")).to_be_enabled()
    page.fill("#bulk-form input[name=note]", "Weekly review")
    page.click("#bulk-approve")
    expect(page.locator("#bulk-confirm")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"credit-01-bulk-confirm-{lang}.png"))
    page.click("#bulk-confirm-yes")
    expect(page.locator(".messages")).to_contain_text(text["approved"])

    page.goto(f"{base}/customers/B1/")
    expect(page.locator("#flag-on_hold")).to_have_text(text["badge"])
    expect(page.locator("#hold-reason")).to_contain_text("Refuses to pay")
    expect(page.locator("#customer-contacts")).to_contain_text("cred")
    page.screenshot(path=str(SCREENSHOTS / f"credit-02-on-hold-{lang}.png"), full_page=True)
    page.goto(f"{base}/")
    expect(page.locator('#customer-table [data-flag="on_hold"]')).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / f"credit-03-customer-list-{lang}.png"))

    page.goto(f"{base}/customers/B1/")
    page.fill("#credit-hold input[name=reason]", "Payment plan signed")
    expect(page.locator("#release-hold")).to_have_text(text["release"])
    page.click("#release-hold")
    expect(page.locator("#hold-status")).to_have_text(text["open"])
    expect(page.locator("#flag-on_hold")).to_have_count(0)
    expect(page.locator("#hold-history li")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / f"credit-04-released-{lang}.png"), full_page=True)

    hold = CreditHold.objects.get()
    assert (hold.status, hold.requested_by.username, hold.placed_by.username) == (
        "released", "col", "cred",
    )  # fmt: skip
    assert list(HoldEvent.objects.values_list("action", flat=True)) == ["hold", "release"]
