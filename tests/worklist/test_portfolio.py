"""Portfolio assignment: manual (the group moves together), rules, balancing, absence cover."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.core.errors import Conflict, ValidationError
from openar.core.models import AuditEvent
from openar.ledger.models import Customer
from openar.ledger.services import aging_refresh
from openar.worklist.models import Absence
from openar.worklist.services import (
    absence_record,
    portfolio_assign,
    portfolio_balance,
    portfolio_rule_add,
    portfolio_rules_apply,
)
from tests.factories import CustomerFactory, EntityFactory, UserFactory
from tests.worklist.conftest import AS_OF, past_due_customer


def _collectors(*names):
    return [UserFactory(username=n, roles=["collector"]) for n in names]


def _owner(ref: str) -> str | None:
    c = Customer.objects.select_related("collector").get(customer_ref=ref)
    return c.collector.username if c.collector else None


@pytest.fixture
def group(db):
    EntityFactory(code="US01", currency="USD")
    ana, ben = _collectors("ana", "ben")
    parent = CustomerFactory(customer_ref="P1", collector=ana)
    child = CustomerFactory(customer_ref="P1-A", parent=parent, collector=ana)
    CustomerFactory(customer_ref="P1-A-1", parent=child, collector=ben)  # split group
    CustomerFactory(customer_ref="S1", collector=ana)
    return {"ana": ana, "ben": ben}


def test_manual_assignment_moves_the_whole_group(group):
    child = Customer.objects.get(customer_ref="P1-A")
    result = portfolio_assign(customer=child, collector=group["ben"], actor="test")
    assert result.changed == 2  # P1 and P1-A; P1-A-1 was ben's already
    assert {_owner(r) for r in ("P1", "P1-A", "P1-A-1")} == {"ben"}
    assert _owner("S1") == "ana"
    assert AuditEvent.objects.filter(action="portfolio.assign").count() == 1


def test_unassign(group):
    portfolio_assign(customer=Customer.objects.get(customer_ref="S1"), collector=None, actor="t")
    assert _owner("S1") is None


def test_rules_first_match_wins_and_groups_follow_their_top(db):
    us = EntityFactory(code="US01", currency="USD")
    mx = EntityFactory(code="MX01", currency="MXN")
    ana, ben, eva = _collectors("ana", "ben", "eva")
    top = CustomerFactory(customer_ref="G1", entity=mx, language="es", country="MX")
    CustomerFactory(customer_ref="G1-US", entity=us, parent=top, language="en", country="US")
    CustomerFactory(customer_ref="E1", entity=us, segment="enterprise", language="en")
    CustomerFactory(customer_ref="S1", entity=us, segment="smb", language="es")
    CustomerFactory(customer_ref="X1", entity=us, segment="smb", language="en", collector=eva)
    portfolio_rule_add(collector=ana, actor="t", order=10, language="es")
    portfolio_rule_add(collector=ben, actor="t", order=20, entity="US01", segment="enterprise")
    portfolio_rule_add(collector=eva, actor="t", order=30, entity="US01")

    preview = portfolio_rules_apply(actor="t")
    assert not preview.applied and preview.changed == 4
    assert _owner("G1") is None  # nothing written yet
    portfolio_rules_apply(actor="t", apply=True)
    assert _owner("G1") == "ana" and _owner("G1-US") == "ana"  # the child follows its top
    assert _owner("S1") == "ana"
    assert _owner("E1") == "ben"
    assert _owner("X1") == "eva"
    assert portfolio_rules_apply(actor="t").changed == 0  # applying again changes nothing


def test_a_rule_needs_a_criterion(db):
    (ana,) = _collectors("ana")
    with pytest.raises(ValidationError):
        portfolio_rule_add(collector=ana, actor="t")


def test_balancing_evens_out_and_keeps_groups_whole(db):
    EntityFactory(code="US01", currency="USD")
    ana, ben, cy = _collectors("ana", "ben", "cy")
    for i in range(30):
        past_due_customer(f"C{i:02d}", f"{100 * (i + 1)}.00", days=10 + i, collector=ana)
    parent = past_due_customer("PG", "9000.00", days=40, collector=ana)
    for i in range(4):
        past_due_customer(f"PG-{i}", "500.00", days=20, collector=ana, parent=parent)
    aging_refresh(as_of=AS_OF, actor="t")

    preview = portfolio_balance(as_of=AS_OF, collectors=[ana, ben, cy], actor="t")
    assert not preview.applied and _owner("C00") == "ana"
    after = preview.plan.after
    counts = sorted(after[c.pk].accounts for c in (ana, ben, cy))
    assert counts[-1] - counts[0] <= 5  # the 5-account group is the coarsest unit
    assert preview.plan.spread("past_due") < 1.15

    result = portfolio_balance(as_of=AS_OF, collectors=[ana, ben, cy], actor="t", apply=True)
    assert result.applied
    owners = {_owner(r) for r in ("PG", "PG-0", "PG-1", "PG-2", "PG-3")}
    assert len(owners) == 1
    held = {u.username: Customer.objects.filter(collector=u).count() for u in (ana, ben, cy)}
    assert sum(held.values()) == 35 and min(held.values()) >= 9
    # Balancing again moves (almost) nothing.
    again = portfolio_balance(as_of=AS_OF, collectors=[ana, ben, cy], actor="t")
    assert len(again.changes) <= 3


def test_balancing_leaves_other_collectors_alone(db):
    EntityFactory(code="US01", currency="USD")
    ana, ben, zed = _collectors("ana", "ben", "zed")
    for i in range(6):
        past_due_customer(f"A{i}", "100.00", days=10, collector=ana)
    past_due_customer("Z0", "100.00", days=10, collector=zed)
    aging_refresh(as_of=AS_OF, actor="t")
    portfolio_balance(as_of=AS_OF, collectors=[ana, ben], actor="t", apply=True)
    assert _owner("Z0") == "zed"
    assert Customer.objects.filter(collector=ben).count() == 3


def test_absence_rules(db):
    ana, ben = _collectors("ana", "ben")
    absence_record(
        collector=ana, cover=ben, start_date=AS_OF, end_date=AS_OF + dt.timedelta(2), actor="t"
    )
    with pytest.raises(Conflict):
        absence_record(
            collector=ana,
            cover=ben,
            start_date=AS_OF + dt.timedelta(1),
            end_date=AS_OF + dt.timedelta(5),
            actor="t",
        )
    with pytest.raises(ValidationError):
        absence_record(collector=ben, cover=ben, start_date=AS_OF, end_date=AS_OF, actor="t")
    with pytest.raises(ValidationError):
        absence_record(
            collector=ben, cover=ana, start_date=AS_OF, end_date=AS_OF - dt.timedelta(1), actor="t"
        )
    assert Absence.objects.count() == 1


def test_applied_balancing_records_who_held_each_moved_account(db):
    from openar.core.models import AuditEvent

    EntityFactory(code="US01", currency="USD")
    ana, ben = _collectors("ana", "ben")
    for i in range(4):
        past_due_customer(f"A{i}", "100.00", days=10, collector=ana)
    aging_refresh(as_of=AS_OF, actor="t")
    result = portfolio_balance(as_of=AS_OF, collectors=[ana, ben], actor="t", apply=True)
    event = AuditEvent.objects.get(action="portfolio.balance")
    assert sorted(event.before["accounts"][str(ana.pk)]) == sorted(c for c, _, _ in result.changes)
    assert len(result.changes) == 2
