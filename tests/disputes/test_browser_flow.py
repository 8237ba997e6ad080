"""The dispute flow in a real Chromium: a collector opens a dispute from the account view, it
routes to the research specialist, who resolves it with a credit-memo request; the collector's
figures and the statement change, and the ERP export holds the request. Then the credit memo
comes back from the ERP and is applied to the item."""

from __future__ import annotations

import csv
from decimal import Decimal

import pypdfium2
import pytest

from openar.cli import main
from openar.comms.services.sending import statement_pdf
from openar.disputes.models import DisputeCase, ReasonCode
from openar.disputes.services import credit_memos_apply, rule_save
from openar.ledger.models import Customer, Document
from tests.browser import SCREENSHOTS
from tests.clock import FROM_TODAY
from tests.disputes.conftest import AS_OF
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), FROM_TODAY]


def _login(page, base: str, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "s3cret-pass")
    page.click("button[type=submit].btn-primary")


def _statement(customer: Customer) -> str:
    doc = pypdfium2.PdfDocument(statement_pdf(customer=customer, as_of=AS_OF))
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.split())


def test_collector_opens_research_resolves_with_a_credit_memo(
    browser, live_server, books, people, tmp_path
):
    from playwright.sync_api import expect

    for user in people.values():
        user.set_password("s3cret-pass")
        user.save()
    books["acme"].language = "en"
    books["acme"].save()
    rule_save(name="Pricing to Ravi", reason=ReasonCode.objects.get(code="pricing"),
              owner_team="research", owner=people["research"], actor="test")  # fmt: skip
    people["research"].first_name, people["research"].last_name = "Ravi", "Patel"
    people["research"].save()
    base = live_server.url
    assert "in dispute" not in _statement(books["acme"])

    # The collector, on the account view.
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
    _login(page, base, "col1", "/customers/ACME/")
    panel = page.locator("#disputes")
    expect(panel.locator("#fig-past-due")).to_have_text("300.00 USD")
    expect(panel.locator("#fig-disputed")).to_have_text("0.00 USD")
    page.click("#open-dispute")
    expect(page.locator("h1")).to_have_text("Open a dispute")
    inv2 = books["inv2"].pk
    page.check(f"#pick_{inv2}")
    page.fill(f"input[name=amount_{inv2}]", "120.00")
    page.select_option("#reason_code", "pricing")
    page.fill("#description", "The 10% contract discount was not applied.")
    page.fill("#contact_name", "Ana from AP")
    page.screenshot(path=str(SCREENSHOTS / "disputes-01-open.png"), full_page=True)
    page.click("#open-submit")
    expect(page.locator(".alert")).to_contain_text("routed to Ravi Patel")
    expect(page.locator("#case-owner")).to_contain_text("Ravi Patel")
    case = DisputeCase.objects.get()
    assert (case.owner, case.amount) == (people["research"], Decimal("120.00"))

    page.goto(f"{base}/customers/ACME/")
    expect(panel.locator("#fig-disputed")).to_have_text("120.00 USD")
    expect(panel.locator("#fig-collectible")).to_have_text("180.00 USD")
    page.screenshot(path=str(SCREENSHOTS / "disputes-02-account.png"), full_page=True)
    assert "in dispute" in _statement(books["acme"])

    # The research specialist finds it in their queue and resolves it.
    _login(page, base, "ravi", "/disputes/queue/")
    expect(page.locator("#case-table")).to_contain_text("ACME")
    page.click(f"#case-table a[href='/disputes/{case.pk}/']")
    expect(page.locator("#research")).to_contain_text("rest short: damaged")
    page.click("#start-research")
    expect(page.locator("#case-status")).to_have_text("In research")
    page.select_option("#outcome", "valid")
    page.fill("#resolve-note", "Contract price list confirms the discount.")
    page.screenshot(path=str(SCREENSHOTS / "disputes-03-resolve.png"), full_page=True)
    page.click("#resolve-submit")
    expect(page.locator("#case-status")).to_have_text("Credit memo requested")
    expect(page.locator("#case-requests")).to_contain_text("120.00")

    # The ERP export holds the request.
    out = tmp_path / "cmr.csv"
    assert main(["export", "credit-memo-requests", str(out)]) == 0
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["entity"], r["customer_ref"], r["document_ref"], r["amount"], r["reason_code"],
             r["case_id"]) for r in rows] == [
        ("US01", "ACME", "INV-2", "120.00", "pricing", str(case.pk))]  # fmt: skip

    # The ERP sends the credit memo back; the daily step applies it to the item.
    request = case.credit_requests.get()
    DocumentFactory(customer=books["acme"], document_ref="CM-900", document_type="credit_memo",
                    amount=Decimal("-120.00"), reference=request.request_ref,
                    document_date=AS_OF, due_date=AS_OF)  # fmt: skip
    assert credit_memos_apply(as_of=AS_OF, actor="daily") == 1
    _login(page, base, "col1", "/customers/ACME/")
    expect(panel.locator("#fig-disputed")).to_have_text("0.00 USD")
    expect(panel.locator("#fig-past-due")).to_have_text("180.00 USD")
    expect(panel.locator("#fig-collectible")).to_have_text("180.00 USD")
    assert Document.objects.get(document_ref="INV-2").open_amount == Decimal("180.00")
    statement = _statement(books["acme"])
    assert "in dispute" not in statement and "180.00" in statement
    page.screenshot(path=str(SCREENSHOTS / "disputes-04-after-credit.png"), full_page=True)

    # Spanish reader: the case page speaks Spanish.
    es = browser.new_page(viewport={"width": 1366, "height": 900}, locale="es-ES")
    _login(es, base, "ravi", f"/disputes/{case.pk}/")
    expect(es.locator("#case-status")).to_have_text("Cerrado")
    es.screenshot(path=str(SCREENSHOTS / "disputes-05-case-es.png"), full_page=True)
    es.goto(f"{base}/disputes/analytics/")
    expect(es.locator("h1")).to_have_text("Análisis de disputas")
    es.screenshot(path=str(SCREENSHOTS / "disputes-06-analytics-es.png"), full_page=True)
