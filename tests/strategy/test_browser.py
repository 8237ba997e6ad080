"""The strategy editor and the simulation in a real browser (Chromium via Playwright):
build a strategy with the keyboard, see validation next to the field, reorder, save, simulate."""

from __future__ import annotations

import pytest

from openar.strategy.models import Action, Strategy
from openar.strategy.services import strategies_evaluate, strategies_load_defaults
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def test_editor_and_simulation(browser, live_server):
    from playwright.sync_api import expect

    UserFactory(username="manager", password="s3cret-pass", roles=["manager"])
    strategies_load_defaults(actor="test")
    account(days_past_due=40, customer_ref="K100", name="Keystone Metals", segment="key")
    account(days_past_due=100, customer_ref="K200", name="Kestrel Foods", segment="key")
    account(days_past_due=20, customer_ref="S300", name="Small Shop", segment="small")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="en-US")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    page.click("nav.mainnav >> text=Strategies")
    expect(page.locator("h1")).to_have_text("Strategies")
    expect(page.locator("#strategy-table tbody tr")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "strategy-01-list.png"), full_page=True)

    page.click("#new-strategy")
    page.fill("#id_code", "key-pilot")
    page.fill("#id_name", "Key accounts pilot")
    page.fill("#id_priority", "5")
    page.fill("#id_crit_segment", "key")
    row = "#step-0"
    page.fill(f"{row} input[name=step-0-code]", "hold")
    page.fill(f"{row} input[name=step-0-name]", "Hold review")
    page.fill(f"{row} input[name=step-0-days_from]", "90")
    page.select_option(f"{row} select[name=step-0-kind]", "credit_hold")
    page.select_option(f"{row} select[name=step-0-owner_role]", "credit")
    page.click("#add-step")
    expect(page.locator("#steps-table tbody tr")).to_have_count(2)
    # The values typed before adding the row are kept.
    expect(page.locator("input[name=step-0-code]")).to_have_value("hold")
    page.fill("input[name=step-1-code]", "call")
    page.fill("input[name=step-1-name]", "Personal call")
    page.fill("input[name=step-1-days_from]", "30")
    page.select_option("select[name=step-1-owner_role]", "")
    # Enter in a text field saves (the first submit button is the hidden "save").
    page.press("input[name=step-1-name]", "Enter")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#step-1 .field-error")).to_contain_text(
        ["days out of order: step 'call' starts at 30 after step 'hold' at 90",
         "a step needs an owner role"]
    )  # fmt: skip
    page.screenshot(path=str(SCREENSHOTS / "strategy-02-errors.png"), full_page=True)
    assert not Strategy.objects.filter(code="key-pilot").exists()

    page.select_option("select[name=step-1-owner_role]", "collector")
    page.click("#step-1 button[value='up:1']")
    expect(page.locator("input[name=step-0-code]")).to_have_value("call")
    page.click("#save-strategy")
    expect(page.locator(".alert-success")).to_contain_text("Strategy key-pilot saved.")
    expect(page.locator("h1")).to_have_text("Key accounts pilot")
    page.screenshot(path=str(SCREENSHOTS / "strategy-03-saved.png"), full_page=True)

    page.click("#simulate-link")
    page.fill("#id_as_of", AS_OF.isoformat())
    page.click("#run-simulation")
    expect(page.locator("#sim-matched")).to_have_text("2")
    expect(page.locator("#sim-new")).to_have_text("2")
    expect(page.locator("#simulation-table tbody tr")).to_have_count(2)
    expect(page.locator("#simulation-table")).to_contain_text("Kestrel Foods")
    expect(page.locator("#simulation-table")).not_to_contain_text("Small Shop")
    page.screenshot(path=str(SCREENSHOTS / "strategy-04-simulation.png"), full_page=True)
    assert not Action.objects.exists()

    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_contain_text("Simulación")
    page.screenshot(path=str(SCREENSHOTS / "strategy-05-simulation-es.png"), full_page=True)
    page.click("form.langswitch button[value=en]")

    # Switched on and run, the engine does what the simulation showed.
    page.goto(f"{base}/strategies/")
    page.click("#strategy-table tr:has-text('key-pilot') button:has-text('Activate')")
    expect(page.locator(".alert-success")).to_contain_text("key-pilot is active")
    strategies_evaluate(as_of=AS_OF, actor="test")
    page.goto(f"{base}/strategies/actions/?strategy=key-pilot")
    expect(page.locator("#action-table tbody tr")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "strategy-06-actions.png"), full_page=True)
    page.click("nav.mainnav >> text=Recommendations")
    expect(page.locator("#recommendation-table")).to_contain_text("Kestrel Foods")
    page.screenshot(path=str(SCREENSHOTS / "strategy-07-recommendations.png"), full_page=True)
