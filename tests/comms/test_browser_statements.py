"""Browser: start a statement run, watch it prepared, review it (exclude one), send it and read
the report, in English and Spanish."""

from __future__ import annotations

import pytest

from openar.comms.models import StatementRun
from openar.comms.tasks import prepare_statement_run, send_statement_run
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.comms.test_statement_runs import portfolio  # noqa: F401 (fixture)
from tests.factories import BASE_DATE, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def test_statement_run_in_the_browser(browser, live_server, portfolio, smtp):  # noqa: F811
    from playwright.sync_api import expect

    UserFactory(username="manager", password="s3cret-pass", roles=["manager"])
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")

    page.click("nav.mainnav >> text=Statements")
    page.fill("#run-as-of", BASE_DATE.isoformat())
    page.click("text=Prepare statements")
    expect(page.locator("#run-status")).to_contain_text("Preparing the statements")
    page.screenshot(path=str(SCREENSHOTS / "statements-01-preparing.png"), full_page=True)
    # The worker's part, run here; the page's polling reloads it when the run is ready.
    prepare_statement_run.call(StatementRun.objects.get().pk)
    expect(page.locator("#send-run")).to_have_text("Send 4 statements", timeout=15000)
    row = page.locator("#statement-line-table tr", has_text="C400")
    row.locator("text=Exclude").click()
    expect(page.locator("#send-run")).to_have_text("Send 3 statements")
    page.screenshot(path=str(SCREENSHOTS / "statements-02-review.png"), full_page=True)

    page.click("#send-run")
    expect(page.locator("#run-status")).to_contain_text("Sending the statements")
    send_statement_run.call(StatementRun.objects.get().pk)
    expect(page.locator("#run-report")).to_be_visible(timeout=15000)
    expect(page.locator("#kpi-emailed")).to_have_text("2")
    page.screenshot(path=str(SCREENSHOTS / "statements-03-report.png"), full_page=True)

    page.click("form.langswitch button[value=es]")
    expect(page.locator("#run-report h2")).to_have_text("Informe del envío")
    page.screenshot(path=str(SCREENSHOTS / "statements-04-report-es.png"), full_page=True)
    page.click("nav.mainnav >> text=Estados de cuenta")
    expect(page.locator("#statement-run-table")).to_contain_text("Enviada")
    page.screenshot(path=str(SCREENSHOTS / "statements-05-runs-es.png"), full_page=True)
