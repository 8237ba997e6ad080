"""Queue pages: order and reasons, permissions, logging a call re-ranks, manager pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from openar.activity.models import ContactLog
from openar.core.models import AuditEvent
from openar.ledger.models import Customer
from openar.strategy.models import Action
from openar.worklist.models import Absence, CollectorProfile, RankingWeights, WorkItem
from openar.worklist.services import queues_rebuild
from tests.clock import ON_TODAY
from tests.worklist.conftest import AS_OF

pytestmark = ON_TODAY


@pytest.fixture
def built(team):
    queues_rebuild(as_of=AS_OF, actor="test")
    return team


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_queue_lists_today_in_priority_order_with_reasons(built, django_assert_max_num_queries):
    client = _client(built["ana"])
    with django_assert_max_num_queries(12):
        response = client.get("/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'<span class="mono">(A\d)</span>', html)
    assert refs == ["A1", "A3", "A2"]
    assert "$42,300 past due 47 days" in html
    assert "never contacted" in html
    assert "B1" not in refs


def test_queue_in_spanish(built):
    client = _client(built["ana"])
    client.cookies["django_language"] = "es"
    html = client.get("/queue/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mi cola" in html
    assert "vencido" in html


def test_waiting_items_are_listed_below_today(built):
    CollectorProfile.objects.create(user=built["ana"], daily_target=1)
    queues_rebuild(as_of=AS_OF, actor="test")
    html = _client(built["ana"]).get("/queue/").content.decode()
    today_part, waiting_part = html.split('id="queue-waiting"')
    # Account refs as the table shows them (a bare "A3" could be part of the CSRF token).
    today_refs = re.findall(r'<span class="mono">(A\d)</span>', today_part)
    waiting_refs = re.findall(r'<span class="mono">(A\d)</span>', waiting_part)
    assert today_refs == ["A1"]
    assert waiting_refs == ["A3", "A2"]


def test_collector_cannot_open_someone_elses_queue_but_manager_can(built):
    assert _client(built["ana"]).get("/queue/?collector=ben").status_code == 403
    response = _client(built["manager"]).get("/queue/?collector=ben")
    assert response.status_code == 200
    assert "Delta Retail" in response.content.decode()


def test_log_call_closes_the_action_and_reranks(built):
    client = _client(built["ana"])
    item = WorkItem.objects.get(customer__customer_ref="A1")
    response = client.post(
        f"/queue/items/{item.pk}/log/",
        {"outcome": "no_answer", "note": "voicemail"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Call logged for Acme Industrial" in html
    assert re.findall(r'<span class="mono">(A\d)</span>', html) == ["A3", "A2"]
    action = Action.objects.get(pk=item.action_id)
    assert action.status == "done" and action.completed_by == built["ana"]
    assert action.outcome == "no_answer: voicemail"
    closed = AuditEvent.objects.get(action="action.done", object_id=str(action.pk))
    assert closed.after == {"status": "done", "outcome": "no_answer: voicemail"}
    contact = ContactLog.objects.get(action_id=action.pk)
    assert contact.channel == "call" and contact.outcome == "no_answer"
    assert contact.user == built["ana"]
    assert list(
        WorkItem.objects.filter(collector=built["ana"])
        .order_by("rank")
        .values_list("rank", flat=True)
    ) == [1, 2]


def test_log_call_without_htmx_redirects(built):
    item = WorkItem.objects.get(customer__customer_ref="A2")
    response = _client(built["ana"]).post(f"/queue/items/{item.pk}/log/", {"outcome": "reached"})
    assert response.status_code == 302 and response["Location"] == "/queue/"


def test_log_call_rejects_a_bad_outcome_and_others_items(built):
    item = WorkItem.objects.get(customer__customer_ref="A2")
    response = _client(built["ana"]).post(f"/queue/items/{item.pk}/log/", {"outcome": "sent"})
    assert response.status_code == 200
    assert Action.objects.get(pk=item.action_id).status == "open"
    other = WorkItem.objects.get(customer__customer_ref="B1")
    assert (
        _client(built["ana"])
        .post(f"/queue/items/{other.pk}/log/", {"outcome": "reached"})
        .status_code
        == 403
    )


def test_manager_pages_render_and_are_manager_only(built):
    manager = _client(built["manager"])
    for url in ("/queue/collectors/", "/queue/portfolios/", "/queue/cover/", "/queue/weights/"):
        assert manager.get(url).status_code == 200, url
        assert _client(built["ana"]).get(url).status_code == 403, url
    overview = manager.get("/queue/collectors/").content.decode()
    assert "ana" in overview and "ben" in overview
    assert _client(built["ana"]).get("/queue/productivity/").status_code == 200


def test_weights_form_saves(built):
    response = _client(built["manager"]).post(
        "/queue/weights/",
        {
            "action": "weights",
            "w-past_due": 10,
            "w-risk": 0,
            "w-days_past_due": 90,
            "w-promise": 0,
            "w-urgency": 0,
            "w-last_contact": 0,
        },
    )
    assert response.status_code == 302
    row = RankingWeights.objects.get(key="default")
    assert (row.past_due, row.days_past_due, row.risk) == (10, 90, 0)
    queues_rebuild(as_of=AS_OF, actor="test")
    order = list(
        WorkItem.objects.filter(collector=built["ana"])
        .order_by("rank")
        .values_list("customer__customer_ref", flat=True)
    )
    assert order == ["A3", "A1", "A2"]  # now the oldest first


def test_cover_page_records_and_refuses_overlap(built):
    client = _client(built["manager"])
    data = {
        "absence-collector": "ana",
        "absence-cover": "ben",
        "absence-start_date": "2026-06-30",
        "absence-end_date": "2026-07-02",
    }
    assert client.post("/queue/cover/", data).status_code == 302
    again = client.post("/queue/cover/", data)
    assert again.status_code == 200 and "already away" in again.content.decode()
    assert Absence.objects.count() == 1


def test_portfolio_page_assign_and_balance(built):
    client = _client(built["manager"])
    response = client.post(
        "/queue/portfolios/assign/", {"assign-customer_ref": "B2", "assign-collector": "ana"}
    )
    assert response.status_code == 302
    assert Customer.objects.get(customer_ref="B2").collector == built["ana"]
    unknown = client.post(
        "/queue/portfolios/assign/", {"assign-customer_ref": "ZZ", "assign-collector": "ana"}
    )
    assert unknown.status_code == 200 and "No such customer" in unknown.content.decode()
    preview = client.post(
        "/queue/portfolios/balance/", {"balance-collectors": ["ana", "ben"], "balance-entity": ""}
    )
    assert preview.status_code == 200
    assert 'id="balance-apply"' in preview.content.decode()
    assert Customer.objects.filter(collector=built["ana"]).count() == 4  # preview wrote nothing
    applied = client.post(
        "/queue/portfolios/balance/",
        {"balance-collectors": ["ana", "ben"], "balance-entity": "", "apply": "1"},
    )
    assert applied.status_code == 302
    # Ben took accounts from ana (she held four of five).
    assert Customer.objects.filter(collector=built["ben"]).count() >= 2
    assert Customer.objects.filter(collector__isnull=True).count() == 0
    from openar.worklist.services import portfolio_balance

    again = portfolio_balance(as_of=AS_OF, collectors=[built["ana"], built["ben"]], actor="test")
    assert again.changes == []  # the applied plan is stable


def test_portfolio_rules_add_preview_apply_and_delete(built):
    from openar.worklist.models import PortfolioRule

    client = _client(built["manager"])
    bad = client.post("/queue/portfolios/rules/", {"rule-order": "-1", "rule-collector": "ben"})
    assert bad.status_code == 200 and "greater than or equal to 0" in bad.content.decode()
    assert not PortfolioRule.objects.exists()
    added = client.post(
        "/queue/portfolios/rules/",
        {"rule-order": "10", "rule-entity": "US01", "rule-collector": "ben"},
    )
    assert added.status_code == 302
    rule = PortfolioRule.objects.get()
    preview = client.post("/queue/portfolios/rules/apply/")
    assert preview.status_code == 200
    assert 'id="rules-preview-result"' in preview.content.decode()
    assert Customer.objects.filter(collector=built["ana"]).count() == 3  # preview wrote nothing
    applied = client.post("/queue/portfolios/rules/apply/", {"apply": "1"})
    assert applied.status_code == 302
    assert Customer.objects.filter(collector=built["ben"]).count() == 5
    deleted = client.post(f"/queue/portfolios/rules/{rule.pk}/delete/")
    assert deleted.status_code == 302
    assert not PortfolioRule.objects.exists()
    assert client.post(f"/queue/portfolios/rules/{rule.pk}/delete/").status_code == 404


def test_portfolio_actions_are_posts_for_managers_only(built):
    manager, collector = _client(built["manager"]), _client(built["ana"])
    assert manager.post("/queue/portfolios/", {"action": "assign"}).status_code == 405
    for url in (
        "/queue/portfolios/assign/",
        "/queue/portfolios/rules/",
        "/queue/portfolios/rules/apply/",
        "/queue/portfolios/balance/",
    ):
        assert manager.get(url).status_code == 405
        assert collector.post(url, {"apply": "1"}).status_code == 403
    assert Customer.objects.filter(collector=built["ana"]).count() == 3


def test_customer_page_shows_the_accounts_work_items(built):
    html = _client(built["manager"]).get("/customers/A1/?as_of=2026-06-30").content.decode()
    assert 'id="work-items-panel"' in html
    assert "$42,300 past due 47 days" in html
    # An account without work items shows no panel.
    WorkItem.objects.filter(customer__customer_ref="B2").delete()
    html = _client(built["manager"]).get("/customers/B2/?as_of=2026-06-30").content.decode()
    assert 'id="work-items-panel"' not in html


def test_reason_text_in_both_languages():
    from openar.worklist.reasons import reasons_text

    reasons = [
        {"code": "past_due", "params": {"amount": "42300.00", "currency": "USD", "days": 47}},
        {"code": "risk", "params": {"class": "D"}},
        {"code": "promise_broken", "params": {"days_ago": 1}},
    ]
    with translation.override("en"):
        assert reasons_text(reasons) == "$42,300 past due 47 days, risk D, promise broken yesterday"
    with translation.override("es"):
        text = reasons_text(reasons)
    assert text.startswith("42") and "vencido" in text and "ayer" in text
    assert dt.date(2026, 6, 30) == AS_OF


def test_log_call_with_a_promise_records_it_and_counts_in_productivity(built):
    from decimal import Decimal

    from openar.activity.models import PromiseToPay
    from openar.core import dates
    from openar.worklist.selectors import productivity

    item = WorkItem.objects.get(customer__customer_ref="A3")
    client = _client(built["ana"])
    missing = client.post(f"/queue/items/{item.pk}/log/", {"outcome": "promise_taken"})
    assert "A promise needs an amount." in missing.content.decode()
    assert Action.objects.get(pk=item.action_id).status == "open"

    promised_on = dates.today() + dt.timedelta(days=7)
    response = client.post(
        f"/queue/items/{item.pk}/log/",
        {
            "outcome": "promise_taken",
            "promise_amount": "2500.00",
            "promise_date": promised_on.isoformat(),
            "note": "half now",
        },
    )
    assert response.status_code == 302
    promise = PromiseToPay.objects.get(customer__customer_ref="A3")
    assert (promise.amount, promise.currency, promise.promised_date) == (
        Decimal("2500.00"),
        "USD",
        promised_on,
    )
    assert promise.taken_by == built["ana"]
    contact = ContactLog.objects.get(action_id=item.action_id)
    assert contact.promise == promise and contact.outcome == "promise_taken"
    row = next(r for r in productivity(day=dates.today()) if r.collector == built["ana"])
    assert (row.calls, row.promises, row.promised_amount) == (1, 1, Decimal("2500.00"))


def test_tabs_follow_the_role(built):
    collector_html = _client(built["ana"]).get("/queue/").content.decode()
    assert "/queue/productivity/" in collector_html
    assert "/queue/portfolios/" not in collector_html
    manager_html = _client(built["manager"]).get("/queue/").content.decode()
    assert "/queue/portfolios/" in manager_html and "/queue/weights/" in manager_html


def test_all_queues_page_query_count_does_not_grow_with_collectors(
    built, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client = _client(built["manager"])
    client.get("/queue/collectors/")
    for i in range(5):
        UserFactory(username=f"extra{i}", roles=["collector"])
    with django_assert_max_num_queries(12):
        html = client.get("/queue/collectors/").content.decode()
    assert "extra4" in html


def test_long_waiting_list_is_cut_with_a_count(built, monkeypatch):
    from openar.worklist import views

    monkeypatch.setattr(views, "WAITING_SHOWN", 1)
    CollectorProfile.objects.create(user=built["ana"], daily_target=0)
    queues_rebuild(as_of=AS_OF, actor="test")
    html = _client(built["ana"]).get("/queue/").content.decode()
    assert html.count('class="queue-row is-waiting"') == 1
    assert "and 2 more waiting items" in html


def test_all_queues_shows_each_collectors_figures(built):
    CollectorProfile.objects.create(user=built["ana"], daily_target=2)
    queues_rebuild(as_of=AS_OF, actor="test")
    Absence.objects.create(
        collector=built["ben"],
        cover=built["ana"],
        start_date=AS_OF - dt.timedelta(days=1),
        end_date=AS_OF + dt.timedelta(days=6),
    )
    top = max(WorkItem.objects.filter(collector=built["ana"]).values_list("priority", flat=True))
    html = _client(built["manager"]).get("/queue/collectors/").content.decode()
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(
            r'<tr[^>]*>\s*<td[^>]*><a href="/queue/\?collector=(\w+)".*?</tr>', html, re.S
        )
    }
    assert set(rows) == {"ana", "ben"}
    ana = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows["ana"]))
    # Today 2 of 3 (target 2), the third waiting; both of today's are calls.
    assert re.search(rf"Ana Rojas ana 2 2 / 2 1 {top} 48,100.00 ", ana), ana
    assert "away until" not in ana
    ben = rows["ben"]
    assert "away until" in ben and "1,500.00" in ben
    assert "2 collectors" in html
    spanish = _client(built["manager"]).get("/queue/collectors/", HTTP_ACCEPT_LANGUAGE="es")
    assert "2 cobradores" in spanish.content.decode()
