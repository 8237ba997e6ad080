"""A payment in Swedish kronor applied to a euro invoice from the cash review screen, in a real
browser (Chromium through Playwright): the suggestion shows the stored rate, what is taken from
the payment and the FX difference, in Spanish too; pressing 1 posts it through the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.cashapp.choices import LineStatus
from openar.ledger.models import Application
from tests.browser import SCREENSHOTS
from tests.cashapp.test_review_fx import nordic_ledger
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_a_payment_through_fx_from_the_keyboard(browser, live_server):
    from playwright.sync_api import expect

    UserFactory(username="cash1", password="s3cret-pass", roles=["cashapp"])
    data = nordic_ledger("1100.00")
    line = data["line"]
    base = live_server.url
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="en-US")
    page.goto(f"{base}/login/?next=/cash/lines/{line.pk}/")
    page.fill("#id_username", "cash1")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    terms = page.locator("#fx-terms-1")
    expect(terms).to_contain_text("Through FX")
    expect(page.locator("#fx-rate-1")).to_have_text("0.0875")
    expect(page.locator("#fx-receipt-1")).to_have_text("12,500.00 SEK = 1,093.75 EUR")
    expect(page.locator("#fx-difference-1")).to_have_text("6.25 EUR")
    expect(page.locator("#suggestion-1")).to_contain_text("1800030002 1,100.00 EUR")
    page.locator("#suggestions").screenshot(path=str(SCREENSHOTS / "cash-10-fx-suggestion.png"))

    page.click("form.langswitch button[value=es]")
    expect(terms).to_contain_text("Con tipo de cambio")
    expect(page.locator("#fx-rate-1")).to_have_text("0,0875")
    expect(terms).to_contain_text("Diferencia de cambio")
    page.locator("#suggestions").screenshot(path=str(SCREENSHOTS / "cash-11-fx-suggestion-es.png"))
    page.click("form.langswitch button[value=en]")

    page.wait_for_load_state("load")  # the shortcuts are bound once the script has run
    page.keyboard.press("1")
    expect(page.locator(".alert-success")).to_contain_text("applied")
    line.refresh_from_db()
    assert line.status == LineStatus.APPLIED
    app = Application.objects.get(document=data["doc"])
    assert (app.receipt_amount, app.fx_difference) == (Decimal("12500.00"), Decimal("6.25"))
