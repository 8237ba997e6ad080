"""Configuration a manager edits: reason codes with their SLA, routing rules and teams."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.disputes.choices import DEFAULT_REASONS, OwnerTeam
from openar.disputes.models import ReasonCode, RoutingRule, Team
from openar.ledger.models import Customer, Entity


@transaction.atomic
def reasons_ensure() -> dict[str, ReasonCode]:
    """The default reason codes exist (a fresh or flushed database); returns every reason."""
    for order, (code, (label, sla)) in enumerate(DEFAULT_REASONS.items(), start=1):
        ReasonCode.objects.get_or_create(
            code=code, defaults={"label": str(label), "sla_days": sla, "order": order * 10}
        )
    return {r.code: r for r in ReasonCode.objects.all()}


@transaction.atomic
def reason_save(
    *, code: str, label: str, sla_days: int, active: bool = True, actor: Any
) -> ReasonCode:
    """Add a reason code or change one's label, SLA days and whether it is offered."""
    code = (code or "").strip().lower()
    if not code or slugify(code).replace("-", "_") != code:
        raise ValidationError(
            "the code is lower-case letters, digits and underscores", field="code"
        )
    if not (label or "").strip():
        raise ValidationError("give the reason a label", field="label")
    if sla_days is None or int(sla_days) < 1 or int(sla_days) > 365:
        raise ValidationError("SLA days are between 1 and 365", field="sla_days")
    reason = ReasonCode.objects.filter(code=code).first()
    before = (
        {"label": reason.label, "sla_days": reason.sla_days, "active": reason.active}
        if reason
        else None
    )
    if reason is None:
        reason = ReasonCode(code=code, order=(ReasonCode.objects.count() + 1) * 10)
    reason.label = label.strip()[:100]
    reason.sla_days = int(sla_days)
    reason.active = bool(active)
    reason.save()
    audit_record(
        actor=actor,
        action="dispute_reason.save",
        object_type="dispute_reason",
        object_id=code,
        summary=f"reason {code}: {reason.label}, {reason.sla_days} days",
        before=before,
        after={"label": reason.label, "sla_days": reason.sla_days, "active": reason.active},
    )
    return reason


@transaction.atomic
def rule_save(
    *,
    name: str,
    owner_team: str,
    actor: Any,
    rule: RoutingRule | None = None,
    priority: int = 100,
    reason: ReasonCode | None = None,
    entity: Entity | None = None,
    customer: Customer | None = None,
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    owner: Any = None,
    active: bool = True,
) -> RoutingRule:
    """Add or change a routing rule: conditions on reason, entity, customer and amount; an
    owner team and optionally a person."""
    if not (name or "").strip():
        raise ValidationError("give the rule a name", field="name")
    if owner_team not in OwnerTeam.values:
        raise ValidationError(f"unknown owner team {owner_team!r}", field="owner_team")
    for field, value in (("min_amount", min_amount), ("max_amount", max_amount)):
        if value is not None and value < 0:
            raise ValidationError("an amount condition cannot be negative", field=field)
    if min_amount is not None and max_amount is not None and min_amount > max_amount:
        raise ValidationError("the minimum is above the maximum", field="max_amount")
    created = rule is None
    rule = rule or RoutingRule()
    rule.name = name.strip()[:100]
    rule.priority = int(priority)
    rule.reason = reason
    rule.entity = entity
    rule.customer = customer
    rule.min_amount = min_amount
    rule.max_amount = max_amount
    rule.owner_team = owner_team
    rule.owner = owner
    rule.active = active
    rule.save()
    audit_record(
        actor=actor,
        action="dispute_rule.create" if created else "dispute_rule.update",
        object_type="dispute_rule",
        object_id=rule.pk,
        summary=f"rule {rule.name}: to {owner_team}"
        + (f" ({owner.get_username()})" if owner else ""),
        after={
            "priority": rule.priority,
            "reason": reason.code if reason else None,
            "entity": entity.code if entity else None,
            "customer": customer.customer_ref if customer else None,
            "min_amount": str(min_amount) if min_amount is not None else None,
            "max_amount": str(max_amount) if max_amount is not None else None,
            "owner_team": owner_team,
            "owner": owner.get_username() if owner else None,
            "active": active,
        },
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: RoutingRule, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="dispute_rule.delete",
        object_type="dispute_rule",
        object_id=rule.pk,
        summary=f"rule {rule.name} deleted",
    )
    rule.delete()


@transaction.atomic
def team_save(*, code: str, manager: Any, members: Iterable[Any], actor: Any) -> Team:
    """Set a team's manager (who gets its overdue cases) and its people."""
    if code not in OwnerTeam.values:
        raise ValidationError(f"unknown team {code!r}", field="code")
    team, _ = Team.objects.get_or_create(code=code)
    team.manager = manager
    team.save()
    people = list(members)
    team.members.set(people)
    audit_record(
        actor=actor,
        action="dispute_team.save",
        object_type="dispute_team",
        object_id=code,
        summary=f"team {code}: manager {manager.get_username() if manager else '-'}, "
        f"{len(people)} people",
        after={
            "manager": manager.get_username() if manager else None,
            "members": sorted(p.get_username() for p in people),
        },
    )
    return team
