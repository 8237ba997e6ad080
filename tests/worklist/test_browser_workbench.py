"""The collector's main flow in a real Chromium: sign in and land on My queue, open the first
account with the keyboard, tick its invoice and record the promise taken on the call; the
account leaves the queue at once, Calls today counts the call, and the next task is closed with
an outcome from the keyboard. In English and Spanish, with screenshots."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from openar.core import dates
from openar.strategy.models import Action
from openar.worklist.models import WorkItem
from openar.worklist.services import queues_rebuild
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.worklist.conftest import AS_OF, make_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def test_call_promise_and_the_account_leaves_the_queue(browser, live_server, team):
    from playwright.sync_api import expect

    ana = team["ana"]
    ana.set_password("s3cret-pass")
    ana.save()
    task = make_action(team["accounts"]["A2"], kind="custom", reason="Send the signed contract")
    queues_rebuild(as_of=AS_OF, actor="test")
    base = live_server.url

    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="en-US")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")
    # A collector lands on their queue, not on every customer of the company.
    expect(page).to_have_url(re.compile(r"/queue/$"))
    rows = page.locator("#queue-today tr.queue-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Acme Industrial")
    expect(page.locator("#kpi-calls")).to_contain_text("0")

    # Enter opens the selected account.
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Acme Industrial")
    expect(page.locator("#kpi-collectible")).to_contain_text("42,300.00")
    page.screenshot(path=str(SCREENSHOTS / "workbench-01-account.png"), full_page=True)

    # Tick the invoice: its open amount fills the promise; a call took it.
    page.locator("#items-table .item-pick").first.check()
    expect(page.locator("#promise-form [name=amount]")).to_have_value("42300.00")
    expect(page.locator("#items-picked")).to_contain_text("1")
    promised = (dates.today() + dt.timedelta(days=5)).isoformat()
    page.fill("#promise-form [name=promised_date]", promised)
    page.fill("#promise-form [name=note]", "Pays on Friday by wire")
    page.click("#promise-form button[type=submit]")
    expect(page.locator("#customer-promises")).to_contain_text("42,300.00")
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("Promise of 42,300.00 USD")
    page.screenshot(path=str(SCREENSHOTS / "workbench-02-promise.png"), full_page=True)

    # Back on the queue: Acme is gone, the call is counted.
    page.click("nav.mainnav a[href='/queue/']")
    expect(rows).to_have_count(2)
    expect(page.locator("#queue-today")).not_to_contain_text("Acme Industrial")
    expect(page.locator("#kpi-calls")).to_contain_text("1")
    assert not WorkItem.objects.filter(customer=team["accounts"]["A1"]).exists()

    # Beta has a call and a task: one line; c closes both with an outcome.
    beta = rows.filter(has_text="Beta Foods")
    expect(beta).to_have_count(1)
    beta.click(position={"x": 5, "y": 5})
    page.keyboard.press("c")
    form = page.locator("tr.close-row:not([hidden])")
    expect(form.locator("select.close-outcome")).to_be_focused()
    form.locator("input[name=note]").fill("contract sent, call not needed")
    page.screenshot(path=str(SCREENSHOTS / "workbench-03-close.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.locator("#queue .alert")).to_contain_text("Task closed for Beta Foods")
    expect(rows).to_have_count(1)
    assert Action.objects.get(pk=task.pk).status == "done"

    page.click("form.langswitch button[value=es]")
    expect(page.locator("h1")).to_have_text("Mi cola")
    page.goto(f"{base}/customers/A1/")
    expect(page.locator("#timeline h2")).to_have_text("Historial")
    expect(page.locator("#timeline")).to_contain_text(re.compile(r"Promesa de 42.300,00 USD"))
    page.screenshot(path=str(SCREENSHOTS / "workbench-04-account-es.png"), full_page=True)
    page.click("form.langswitch button[value=en]")
