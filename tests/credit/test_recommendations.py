"""Recommendations raised by strategies: the decision service and the page."""

from __future__ import annotations

import pytest

from openar.core.errors import Conflict, PermissionDenied
from openar.core.models import AuditEvent
from openar.credit.models import Recommendation
from openar.credit.services import recommendation_decide
from openar.strategy.services import strategies_evaluate
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def recs():
    make_strategy(
        "std",
        [step("hold", "credit_hold", 90, owner_role="credit"),
         step("agency", "agency", 120, owner_role="manager")],
        is_default=True,
    )  # fmt: skip
    account(days_past_due=100, customer_ref="H1", name="Holdco")
    account(days_past_due=150, customer_ref="A1", name="Agencyco")
    strategies_evaluate(as_of=AS_OF, actor="test")
    return {r.customer.customer_ref: r for r in Recommendation.objects.select_related("customer")}


def test_approve_marks_the_action_done(recs):
    analyst = UserFactory(username="cred", roles=["credit"])
    rec = recommendation_decide(
        recommendation=recs["H1"], approve=True, actor=analyst, note="orders blocked in ERP"
    )
    assert (rec.status, rec.decided_by, rec.note) == ("approved", analyst, "orders blocked in ERP")
    action = rec.action
    action.refresh_from_db()
    assert action.status == "done" and action.outcome == "approved: orders blocked in ERP"
    assert action.completed_by == analyst
    assert AuditEvent.objects.filter(action="recommendation.approved").count() == 1
    with pytest.raises(Conflict):
        recommendation_decide(recommendation=rec, approve=False, actor=analyst)


def test_only_credit_or_manager_decide(recs):
    collector = UserFactory(username="col", roles=["collector"])
    with pytest.raises(PermissionDenied):
        recommendation_decide(recommendation=recs["A1"], approve=True, actor=collector)
    manager = UserFactory(username="mgr", roles=["manager"])
    rec = recommendation_decide(recommendation=recs["A1"], approve=False, actor=manager)
    assert rec.status == "rejected"


def test_page_lists_pending_and_decides(client, recs, django_assert_max_num_queries):
    client.force_login(UserFactory(username="cred", roles=["credit"]))
    with django_assert_max_num_queries(10):
        body = client.get("/credit/").content.decode()
    assert "Holdco" in body and "Agencyco" in body and 'id="count-pending">2<' in body
    response = client.post(
        f"/credit/recommendations/{recs['H1'].pk}/decide/",
        {"decision": "approve", "note": "ok", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/credit/"
    body = client.get("/credit/").content.decode()
    assert "Holdco" not in body and 'id="count-approved">1<' in body
    body = client.get("/credit/?status=approved").content.decode()
    assert "Holdco" in body and "cred" in body
    body = client.get("/credit/?status=all&kind=agency").content.decode()
    assert "Agencyco" in body and "Holdco" not in body


def test_collector_sees_but_cannot_decide(client, recs):
    client.force_login(UserFactory(username="col", roles=["collector"]))
    body = client.get("/credit/").content.decode()
    assert "Waiting for credit" in body and 'value="approve"' not in body
    response = client.post(
        f"/credit/recommendations/{recs['H1'].pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert Recommendation.objects.get(pk=recs["H1"].pk).status == "pending"


def test_spanish_page(client, recs):
    client.force_login(UserFactory(username="cred", roles=["credit"]))
    body = client.get("/credit/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Recomendaciones" in body and "Aprobar" in body


def test_a_decision_closes_the_strategy_action_with_an_audit_event(recs):
    rec = recs["A1"]
    action = rec.action  # strategy holds the link to the recommendation it raised
    assert (action.recommendation_id, action.status) == (rec.pk, "open")
    raised = AuditEvent.objects.get(action="recommendations.raise")
    assert raised.after == {"count": 2, "kinds": {"credit_hold": 1, "agency": 1}}
    manager = UserFactory(username="mgr", roles=["manager"])
    recommendation_decide(recommendation=rec, approve=False, actor=manager)
    action.refresh_from_db()
    assert (action.status, action.outcome, action.completed_by) == ("done", "rejected", manager)
    closed = AuditEvent.objects.get(action="action.done", object_id=str(action.pk))
    assert closed.actor == manager
    assert closed.before == {"status": "open"}
    assert closed.after == {"status": "done", "outcome": "rejected"}


def test_the_list_reads_the_raising_action_from_strategy(recs):
    from openar.credit.selectors import recommendation_list

    refs = {r.customer.customer_ref: r.action_ref for r in recommendation_list()}
    assert refs == {"H1": recs["H1"].action.pk, "A1": recs["A1"].action.pk}
