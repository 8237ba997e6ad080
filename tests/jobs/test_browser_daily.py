"""Browser: run the daily cycle from the Jobs page and watch it finish, record a promise and log a
call on the customer page, preview an outbox message (English and Spanish)."""

from __future__ import annotations

import pytest

from openar.core.models import JobRun
from openar.jobs.tasks import run_daily_job
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def test_daily_cycle_promises_and_outbox_in_the_browser(browser, live_server, portfolio):
    from playwright.sync_api import expect

    UserFactory(username="manager", password="s3cret-pass", roles=["manager", "collector"])
    base = live_server.url
    customer = portfolio[2]

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    page.click("nav.mainnav >> text=Jobs")
    page.fill("#as_of", "2026-06-30")
    page.click("#run-daily")
    expect(page.locator(".job-row").first).to_have_attribute("data-status", "queued")
    expect(page.locator("#job-table")).to_contain_text("waiting for the worker")
    # The worker's part, run here; the page's polling picks the result up by itself.
    page.goto("about:blank")
    run_daily_job.call(JobRun.objects.get().pk)
    page.go_back()
    expect(page.locator(".job-row").first).to_have_attribute("data-status", "done", timeout=15000)
    page.screenshot(path=str(SCREENSHOTS / "daily-01-jobs.png"), full_page=True)

    page.goto(f"{base}/customers/{customer.customer_ref}/")
    form = page.locator("#promise-form")
    form.locator("#id_amount").fill("-10")
    form.locator("button[type=submit]").click()
    expect(page.locator("#promise-form")).to_contain_text("must be positive")
    page.locator("#promise-form #id_amount").fill("750.00")
    page.locator("#promise-form #id_note").fill("Wire on Friday")
    page.locator("#promise-form button[type=submit]").click()
    expect(page.locator("#customer-promises")).to_contain_text("750.00")
    expect(page.locator("#customer-contacts")).to_contain_text("Promise taken")
    contact = page.locator("#contact-form")
    contact.locator("#id_outcome").select_option("left_message")
    contact.locator("#id_note").fill("Voicemail")
    contact.locator("button[type=submit]").click()
    expect(page.locator("#customer-contacts")).to_contain_text("Left message")
    page.screenshot(path=str(SCREENSHOTS / "daily-02-customer.png"), full_page=True)

    page.click("nav.mainnav >> text=Promises")
    expect(page.locator("#promise-table")).to_contain_text(customer.customer_ref)
    page.screenshot(path=str(SCREENSHOTS / "daily-03-promises.png"), full_page=True)

    page.goto(f"{base}/outbox/?language=en")  # goto waits for the load (htmx ready)
    page.locator("#outbox-table tr.msg-row").first.click()
    expect(page.locator("#message-body")).to_contain_text("Dear")
    page.screenshot(path=str(SCREENSHOTS / "daily-04-outbox.png"), full_page=True)

    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_have_text("Bandeja de salida")
    page.goto(f"{base}/outbox/?language=es")
    page.locator("#outbox-table tr.msg-row").first.click()
    expect(page.locator("#message-body")).to_contain_text("Cuentas por Cobrar")
    page.screenshot(path=str(SCREENSHOTS / "daily-05-outbox-es.png"), full_page=True)
    page.goto(f"{base}/jobs/")
    expect(page.locator("h1")).to_have_text("Tareas")
