"""My queue in a real browser: order and reasons, j/k/Enter, log a call with l, re-ranking,
Spanish, and the manager's balancing page. A real Chromium through Playwright."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from openar.core import dates
from openar.worklist.services import queues_rebuild
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import UserFactory
from tests.worklist.conftest import AS_OF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/?next=/queue/")
    page.fill("#id_username", username)
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")


def test_collector_works_the_queue_with_the_keyboard(browser, live_server, team):
    from playwright.sync_api import expect

    for user in (team["ana"], team["manager"]):
        user.set_password("s3cret-pass")
        user.save()
    UserFactory(username="cy", password="s3cret-pass", roles=["collector"])
    queues_rebuild(as_of=AS_OF, actor="test")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
    _login(page, base, "ana")
    expect(page.locator("h1")).to_have_text("My queue")
    expect(page.locator("nav.mainnav a").first).to_have_text("My queue")
    rows = page.locator("#queue-today tr.queue-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Acme Industrial")
    expect(rows.nth(0)).to_contain_text("$42,300 past due 47 days")
    expect(rows.nth(1)).to_contain_text("Gamma Parts")
    expect(rows.nth(2)).to_contain_text("Beta Foods")
    expect(rows.nth(0)).to_have_class(re.compile("selected"))
    page.screenshot(path=str(SCREENSHOTS / "worklist-01-my-queue.png"), full_page=True)

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(2)).to_have_class(re.compile("selected"))
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile("selected"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile("selected"))

    # l opens the log-call form of the selected row (Acme), focused on the outcome.
    page.keyboard.press("l")
    form = page.locator("tr.log-row:not([hidden])")
    expect(form).to_have_count(1)
    expect(form.locator("select.log-outcome")).to_be_focused()
    expect(form.locator(".promise-fields")).to_be_hidden()
    form.locator("select.log-outcome").select_option("promise_taken")
    expect(form.locator(".promise-fields")).to_be_visible()
    form.locator("input[name=promise_amount]").fill("20000")
    # Promises are taken today (the real date), so the promised date follows it.
    promised = (dates.today() + dt.timedelta(days=3)).isoformat()
    form.locator("input[name=promise_date]").fill(promised)
    form.locator("input[name=note]").fill("will pay Friday")
    page.screenshot(path=str(SCREENSHOTS / "worklist-02-log-call.png"), full_page=True)
    form.locator("button[type=submit]").click()

    # Re-ranked in place (htmx): Acme is done, Gamma is first and selected.
    expect(page.locator("#queue .alert")).to_contain_text("Call logged for Acme")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Gamma Parts")
    expect(page.locator("#kpi-today")).to_have_text("2")
    from openar.activity.models import PromiseToPay

    assert PromiseToPay.objects.get(customer__customer_ref="A1").amount == 20000
    page.screenshot(path=str(SCREENSHOTS / "worklist-03-reranked.png"), full_page=True)

    # Enter opens the selected customer, whose page lists its open work item.
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Gamma Parts")
    expect(page.locator("#work-items-panel")).to_contain_text("past due")
    page.screenshot(path=str(SCREENSHOTS / "worklist-04-customer-panel.png"), full_page=True)

    page.goto(f"{base}/queue/")
    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_have_text("Mi cola")
    expect(page.locator("#queue-today tr.queue-row").first).to_contain_text("vencido")
    page.screenshot(path=str(SCREENSHOTS / "worklist-05-my-queue-es.png"), full_page=True)
    page.click("form.langswitch button[value=en]")

    # The manager balances ana's and cy's portfolios: preview, then apply.
    page.context.clear_cookies()
    _login(page, base, "boss")
    page.goto(f"{base}/queue/collectors/")
    expect(page.locator("#collectors-table")).to_contain_text("ana")
    page.screenshot(path=str(SCREENSHOTS / "worklist-06-all-queues.png"), full_page=True)
    page.goto(f"{base}/queue/portfolios/")
    page.select_option("#id_balance-collectors", ["ana", "cy"])
    page.click("#balance-preview")
    expect(page.locator("#balance-result")).to_contain_text("would move")
    page.screenshot(path=str(SCREENSHOTS / "worklist-07-balance.png"), full_page=True)
    page.click("#balance-apply")
    expect(page.locator(".messages")).to_contain_text("moved to balance")
    expect(page.locator("#loads-table")).to_contain_text("cy")
    page.goto(f"{base}/queue/weights/")
    page.screenshot(path=str(SCREENSHOTS / "worklist-08-weights.png"), full_page=True)
    # Today: ana made one call and took a promise of 20,000 from the queue.
    page.goto(f"{base}/queue/productivity/")
    ana_row = page.locator("#productivity-table tr", has_text="Ana Rojas")
    expect(ana_row).to_contain_text("20,000.00")
    expect(ana_row.locator("td").nth(1)).to_have_text("1")
    page.screenshot(path=str(SCREENSHOTS / "worklist-09-productivity.png"), full_page=True)

    page.goto(f"{base}/queue/cover/")
    page.select_option("#id_absence-collector", "ana")
    page.select_option("#id_absence-cover", "cy")
    page.fill("#id_absence-start_date", dates.today().isoformat())
    page.fill("#id_absence-end_date", (dates.today() + dt.timedelta(days=4)).isoformat())
    page.click("#absence-save")
    expect(page.locator("#absences-table")).to_contain_text("Ana Rojas")
    expect(page.locator("#absences-table")).to_contain_text("away now")
    page.screenshot(path=str(SCREENSHOTS / "worklist-10-cover.png"), full_page=True)
