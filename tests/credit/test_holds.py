"""Credit holds take effect: who may place, ask for and release them, the hold events the ERP
reads, the flag on the customer, the approval trail on the timeline and the daily release
review."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.activity.models import ContactLog
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.models import AuditEvent
from openar.credit.models import CreditHold, HoldEvent, Recommendation
from openar.credit.services import (
    hold_place,
    hold_release,
    hold_request,
    holds_review,
    recommendation_decide,
)
from openar.ledger.models import Document
from openar.ledger.selectors import customer_list
from openar.ledger.services import aging_refresh
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "collector": UserFactory(username="col", roles=["collector"]),
        "credit": UserFactory(username="cred", roles=["credit"]),
        "manager": UserFactory(username="mgr", roles=["manager"]),
        "research": UserFactory(username="res", roles=["research"]),
    }


@pytest.fixture
def small():
    """A customer owing 1,000.00, 40 days past due (under the collector's 5,000 threshold)."""
    customer = account(days_past_due=40, amount="1000.00", customer_ref="S1", name="Smallco")
    aging_refresh(as_of=AS_OF, actor="test")
    return customer


@pytest.fixture
def big():
    """A customer owing 8,000.00, 95 days past due (over the threshold)."""
    customer = account(days_past_due=95, amount="8000.00", customer_ref="B1", name="Bigco")
    aging_refresh(as_of=AS_OF, actor="test")
    return customer


def _on_hold(ref: str) -> bool:
    return customer_list().get(customer_ref=ref).flag_on_hold  # type: ignore[attr-defined]


def test_credit_places_a_hold_that_the_customer_shows(small, people):
    hold = hold_place(
        customer=small, reason="3 broken promises", actor=people["credit"],
        release_condition="past_due_paid",
    )  # fmt: skip
    assert (hold.status, hold.placed_by, hold.reason) == (
        "active",
        people["credit"],
        "3 broken promises",
    )
    assert _on_hold("S1") is True
    event = HoldEvent.objects.get()
    assert (event.action, event.reason, event.decided_by) == ("hold", "3 broken promises", "cred")
    note = ContactLog.objects.get(customer=small)
    assert note.channel == "note" and note.user == people["credit"]
    assert "Credit hold placed by cred: 3 broken promises" in note.note
    assert "Past-due balance paid" in note.note
    assert AuditEvent.objects.filter(action="credit_hold.place", object_id="S1").count() == 1
    with pytest.raises(Conflict) as exc:
        hold_place(customer=small, reason="again", actor=people["manager"])
    assert exc.value.field == "customer_ref"
    assert CreditHold.objects.count() == 1 and HoldEvent.objects.count() == 1


def test_bad_input_names_the_field_and_changes_nothing(small, people):
    with pytest.raises(ValidationError) as exc:
        hold_place(customer=small, reason="  ", actor=people["credit"])
    assert exc.value.field == "reason"
    with pytest.raises(ValidationError) as exc:
        hold_place(customer=small, reason="x", actor=people["credit"], release_condition="never")
    assert exc.value.field == "release_condition"
    for who in ("collector", "research"):
        with pytest.raises(PermissionDenied) as exc:
            hold_place(customer=small, reason="x", actor=people[who])
        assert exc.value.field == "role"
    assert not CreditHold.objects.exists() and not ContactLog.objects.exists()


def test_a_collector_holds_a_small_account_directly(small, people):
    done = hold_request(
        customer=small, reason="no answer for weeks", actor=people["collector"], as_of=AS_OF
    )
    assert done.recommendation is None
    assert (done.hold.placed_by, done.hold.requested_by) == (
        people["collector"],
        people["collector"],
    )
    assert _on_hold("S1")


def test_a_collector_asks_credit_above_the_threshold(big, people):
    done = hold_request(
        customer=big, reason="refuses to pay", actor=people["collector"], as_of=AS_OF
    )
    assert done.hold is None
    rec = done.recommendation
    assert (rec.kind, rec.status, rec.requested_by) == (
        "credit_hold",
        "pending",
        people["collector"],
    )
    assert rec.reason == "Asked for by col: refuses to pay"
    assert not _on_hold("B1")
    with pytest.raises(Conflict):  # one request waiting is enough
        hold_request(customer=big, reason="again", actor=people["collector"], as_of=AS_OF)
    with pytest.raises(PermissionDenied):  # a collector does not approve
        recommendation_decide(recommendation=rec, approve=True, actor=people["collector"])
    recommendation_decide(recommendation=rec, approve=True, actor=people["credit"], note="agreed")
    hold = CreditHold.objects.get(customer=big)
    assert hold.reason == "refuses to pay"  # the collector's words
    assert (hold.requested_by, hold.placed_by, hold.recommendation) == (
        people["collector"], people["credit"], rec,
    )  # fmt: skip
    assert _on_hold("B1")
    notes = list(
        ContactLog.objects.filter(customer=big).order_by("id").values_list("note", flat=True)
    )
    assert notes[0].startswith("Credit hold asked for by col, waiting for credit")
    assert notes[1].startswith("Credit hold placed by cred, requested by col")


def test_nobody_approves_their_own_request(big, people):
    rec = Recommendation.objects.create(
        customer=big, kind="credit_hold", as_of=AS_OF, reason="own", requested_by=people["manager"]
    )
    with pytest.raises(PermissionDenied) as exc:
        recommendation_decide(recommendation=rec, approve=True, actor=people["manager"])
    assert exc.value.field == "decided_by"
    rec.refresh_from_db()
    assert rec.status == "pending" and not CreditHold.objects.exists()


def test_a_rejected_hold_goes_on_the_timeline(big, people):
    done = hold_request(customer=big, reason="late", actor=people["collector"], as_of=AS_OF)
    recommendation_decide(
        recommendation=done.recommendation, approve=False, actor=people["manager"], note="pays soon"
    )
    assert not CreditHold.objects.exists()
    assert ContactLog.objects.filter(
        customer=big, note="Credit hold not approved by mgr: pays soon"
    ).exists()


def test_release_needs_credit_and_is_exported_as_an_event(small, people):
    hold = hold_place(customer=small, reason="over limit", actor=people["credit"])
    with pytest.raises(PermissionDenied) as exc:
        hold_release(hold=hold, actor=people["collector"])
    assert exc.value.field == "role"
    assert _on_hold("S1")
    released = hold_release(hold=hold, actor=people["manager"], reason="paid in full")
    assert (released.status, released.released_by, released.release_reason) == (
        "released", people["manager"], "paid in full",
    )  # fmt: skip
    assert not _on_hold("S1")
    assert list(HoldEvent.objects.values_list("action", "decided_by", "reason")) == [
        ("hold", "cred", "over limit"),
        ("release", "mgr", "paid in full"),
    ]
    with pytest.raises(Conflict):
        hold_release(hold=hold, actor=people["manager"])


def test_the_daily_review_recommends_the_release_once_the_past_due_is_paid(small, people):
    hold = hold_place(customer=small, reason="late", actor=people["credit"])
    assert holds_review(as_of=AS_OF, actor="daily") == 0  # still past due
    Document.objects.filter(customer=small).update(open_amount=0, cleared_date=AS_OF)
    later = AS_OF + dt.timedelta(days=1)
    aging_refresh(as_of=later, actor="test")
    assert holds_review(as_of=later, actor="daily") == 1
    assert holds_review(as_of=later, actor="daily") == 0  # once
    rec = Recommendation.objects.get(kind="credit_release")
    assert rec.reason == "Release condition met: Past-due balance paid"
    hold.refresh_from_db()
    assert hold.release_recommendation == rec and hold.status == "active"
    recommendation_decide(recommendation=rec, approve=True, actor=people["credit"])
    hold.refresh_from_db()
    assert (hold.status, hold.released_by) == ("released", people["credit"])
    assert HoldEvent.objects.filter(action="release").count() == 1


def test_a_hold_released_only_by_decision_is_never_recommended(small, people):
    hold_place(
        customer=small, reason="fraud check", actor=people["credit"], release_condition="decision"
    )
    Document.objects.filter(customer=small).update(open_amount=0, cleared_date=AS_OF)
    aging_refresh(as_of=AS_OF, actor="test")
    assert holds_review(as_of=AS_OF, actor="daily") == 0
