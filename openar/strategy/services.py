"""Writes for strategies: the daily engine that turns account state into actions, saving and
importing strategy definitions, the default strategy set, switching strategies on and off."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openar.core.audit import audit_record, audit_record_many
from openar.core.bulk import copy_rows
from openar.core.errors import Conflict, ValidationError
from openar.core.reasons import reason_text_default
from openar.core.roles import Role
from openar.credit.models import Recommendation
from openar.credit.services import recommendations_raise_bulk
from openar.ledger.models import Customer
from openar.strategy.choices import ActionStatus, StepKind, StepTrigger
from openar.strategy.domain.definitions import (
    RECOMMENDATION_KINDS,
    SKIP_WAIT,
    Issue,
    StrategyDef,
    Validation,
)
from openar.strategy.domain.evaluation import describe, describe_parts
from openar.strategy.domain.validation import validate_document
from openar.strategy.models import Action, Strategy, StrategyRun, StrategyStep
from openar.strategy.selectors import (
    Progress,
    existing_keys,
    plan_actions,
    recent_event_actions,
    strategy_def,
    strategy_defs,
)

DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.yaml"


# --- the engine --------------------------------------------------------------------------------


@dataclass
class StrategyRunResult:
    """What one evaluation did; ``as_dict()`` is the JSON of ``openar strategy evaluate``."""

    as_of: dt.date
    actions_created: int = 0
    customers_evaluated: int = 0
    actions_existing: int = 0  # due today but already created by an earlier run
    recommendations_created: int = 0
    actions_closed: int = 0  # open past-due work cancelled: the account owes nothing past due
    unmatched: int = 0  # accounts no active strategy takes (no default strategy)
    by_kind: dict[str, int] = field(default_factory=dict)  # created, per step kind
    by_strategy: dict[str, int] = field(default_factory=dict)  # accounts per strategy
    skipped: dict[str, int] = field(default_factory=dict)  # steps skipped, per reason
    event_window: tuple[str, str] | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "actions_created": self.actions_created,
            "customers_evaluated": self.customers_evaluated,
            "actions_existing": self.actions_existing,
            "recommendations_created": self.recommendations_created,
            "actions_closed": self.actions_closed,
            "unmatched": self.unmatched,
            "by_kind": self.by_kind,
            "by_strategy": self.by_strategy,
            "skipped": self.skipped,
            "event_window": list(self.event_window) if self.event_window else None,
            "seconds": round(self.seconds, 3),
        }


@transaction.atomic
def strategies_evaluate(
    *, as_of: dt.date, actor: Any, progress: Progress | None = None
) -> StrategyRunResult:
    """Evaluate every active strategy for every account on ``as_of`` and create the actions due
    (and a recommendation for each credit-hold or agency action). Rerunning a date creates
    nothing new: each action has a dedupe key per customer, step and episode (or event)."""
    started = time.perf_counter()
    started_at = timezone.now()
    if connection.vendor == "postgresql":
        # One evaluation at a time: a second one waits, then finds the first one's actions.
        # (SQLite writes one transaction at a time anyway.)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVALUATE_LOCK])
    plan = plan_actions(as_of=as_of, strategies=strategy_defs(), progress=progress)
    currency = settings.OPENAR_REPORTING_CURRENCY
    keys = [due.dedupe_key for due, _ in plan.due]
    existing = existing_keys(keys)
    waiting = recent_event_actions(as_of=as_of, plan=plan)
    labels = {t.value: str(t.label) for t in StepTrigger}
    skipped = dict(plan.skipped)
    rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for due, facts in plan.due:
        key = due.dedupe_key
        if key in existing or key in seen:
            continue
        if due.event is not None and (due.step.id, facts.customer_id) in waiting:
            skipped[SKIP_WAIT] = skipped.get(SKIP_WAIT, 0) + 1
            continue
        seen.add(key)
        owner = due.step.owner_role
        rows.append(
            (
                facts.customer_id,
                due.strategy.id,
                due.step.id,
                due.step.kind,
                owner,
                facts.collector_id if owner == Role.COLLECTOR else None,
                ActionStatus.OPEN.value,
                as_of,
                as_of,
                due.days_past_due,
                describe(due, facts, currency, labels)[:300],
                key,
                describe_parts(due, facts, currency),
            )
        )
    created, recommendations = _insert_actions(rows, actor=actor)
    closed = _close_settled(as_of=as_of, owing=plan.owing, actor=actor)
    result = StrategyRunResult(
        as_of=as_of,
        actions_created=sum(created.values()),
        customers_evaluated=plan.customers_evaluated,
        actions_existing=len(existing),
        recommendations_created=recommendations,
        actions_closed=closed,
        unmatched=plan.unmatched,
        by_kind=dict(created),
        by_strategy=dict(plan.customers_matched),
        skipped=skipped,
        event_window=(plan.event_window[0].isoformat(), plan.event_window[1].isoformat())
        if plan.event_window
        else None,
    )
    result.seconds = time.perf_counter() - started
    run, first_run = StrategyRun.objects.get_or_create(
        as_of=as_of, defaults={"started_at": started_at}
    )
    run.started_at = started_at
    run.finished_at = timezone.now()
    run.customers_evaluated = result.customers_evaluated
    run.actions_created = (
        result.actions_created if first_run else run.actions_created + result.actions_created
    )
    run.runs = 1 if first_run else run.runs + 1
    run.summary = result.as_dict()
    run.save()
    audit_record(
        actor=actor,
        action="strategy.evaluate",
        object_type="strategy_run",
        object_id=as_of.isoformat(),
        summary=(
            f"{result.actions_created} actions created for {result.customers_evaluated} "
            f"accounts as of {as_of} ({result.actions_existing} already there)"
        ),
        after={
            "by_kind": result.by_kind,
            "skipped": result.skipped,
            "actions_closed": result.actions_closed,
        },
    )
    return result


# Work that chases past-due money; decisions (credit hold, agency) stay for people to take.
_CHASING_KINDS = (
    StepKind.EMAIL, StepKind.LETTER, StepKind.CALL, StepKind.ESCALATION, StepKind.CUSTOM,
)  # fmt: skip


def _close_settled(*, as_of: dt.date, owing: set[int], actor: Any) -> int:
    """Cancel open past-due actions (created on or before ``as_of``) of accounts that owe
    nothing past due any more, so paid accounts leave the queues and the outbox; each gets the
    audit event ``action_close`` records (one bulk insert for them all)."""
    candidates = Action.objects.filter(
        status=ActionStatus.OPEN,
        kind__in=_CHASING_KINDS,
        as_of__lte=as_of,
        days_past_due__gte=1,
    ).values_list("id", "customer_id")
    ids = [pk for pk, customer_id in candidates.iterator(chunk_size=10000)
           if customer_id not in owing]  # fmt: skip
    outcome = f"closed on {as_of.isoformat()}: nothing past due on the account"
    status = ActionStatus.CANCELLED.value
    events: list[dict[str, Any]] = []
    for start in range(0, len(ids), 5000):
        # Locked and read again: only the actions this update closes get an event.
        closing = list(
            Action.objects.select_for_update()
            .filter(id__in=ids[start : start + 5000], status=ActionStatus.OPEN)
            .order_by("id")
            .values_list("id", "kind", "customer_id")
        )
        Action.objects.filter(id__in=[pk for pk, _kind, _cid in closing]).update(
            status=status, outcome=outcome, completed_at=timezone.now()
        )
        events.extend(
            {
                "action": f"action.{status}",
                "object_type": "action",
                "object_id": pk,
                "summary": f"{kind} for customer {customer_id}: {outcome}",
                "before": {"status": ActionStatus.OPEN.value},
                "after": {"status": status, "outcome": outcome},
            }
            for pk, kind, customer_id in closing
        )
    audit_record_many(actor=actor, events=events)
    return len(events)


@transaction.atomic
def action_close(
    *, action: Action, status: str, outcome: str, actor: Any, completed_by: Any = None
) -> Action:
    """Close an open action (done, cancelled or skipped) with its outcome; records an audit
    event. ``completed_by`` is the person who did it (default: ``actor`` when it is a user).
    An action already closed is left as it is."""
    if status == ActionStatus.OPEN or status not in ActionStatus.values:
        raise ValidationError(f"cannot close an action as {status!r}", field="status")
    row = Action.objects.select_for_update().get(pk=action.pk)
    if row.status != ActionStatus.OPEN:
        return row
    row.status = status
    row.outcome = outcome
    row.completed_at = timezone.now()
    person = completed_by if completed_by is not None else actor
    row.completed_by = person if getattr(person, "pk", None) else None
    row.save(update_fields=["status", "outcome", "completed_at", "completed_by"])
    audit_record(
        actor=actor,
        action=f"action.{status}",
        object_type="action",
        object_id=row.pk,
        summary=f"{row.kind} for customer {row.customer_id}: {outcome}"[:500],
        before={"status": ActionStatus.OPEN.value},
        after={"status": status, "outcome": outcome},
    )
    return row


_TASK_KINDS = (StepKind.CALL, StepKind.CUSTOM, StepKind.ESCALATION)


@transaction.atomic
def action_create(
    *,
    customer_id: int,
    kind: str,
    as_of: dt.date,
    due_date: dt.date,
    dedupe_key: str,
    actor: Any,
    reason: str = "",
    reason_parts: Sequence[Mapping[str, Any]] | None = None,
    owner_role: str = Role.COLLECTOR,
) -> tuple[Action, bool]:
    """A task for a person outside the strategy engine (an email that needs an answer, a call
    because an email bounced): a call, custom or escalation action, owned by the account's
    collector unless ``owner_role`` says otherwise. Its reason is ``reason_parts`` (codes and
    values of ``core.reasons``, shown in the reader's language; ``reason`` keeps them in the
    default language) or, written by a person, ``reason``. ``dedupe_key`` makes it idempotent:
    the existing action is returned with ``False``."""
    parts = [dict(p) for p in reason_parts or ()]
    if parts:
        reason = reason_text_default(parts, reason)
    if not (reason or "").strip():
        raise ValidationError("say what the task is about", field="reason")
    if kind not in _TASK_KINDS:
        raise ValidationError(f"an action made by hand cannot be a {kind!r}", field="kind")
    if not dedupe_key:
        raise ValidationError("an action needs a dedupe key", field="dedupe_key")
    if due_date < as_of:
        raise ValidationError("the task is due before it was made", field="due_date")
    action, created = Action.objects.get_or_create(
        dedupe_key=dedupe_key[:160],
        defaults={
            "customer_id": customer_id,
            "kind": kind,
            "owner_role": owner_role,
            "status": ActionStatus.OPEN,
            "as_of": as_of,
            "due_date": due_date,
            "reason": reason[:300],
            "reason_parts": parts,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="action.create",
            object_type="action",
            object_id=action.pk,
            summary=f"{kind} for customer {customer_id}: {reason}"[:500],
            after={"kind": kind, "due_date": due_date.isoformat(), "dedupe_key": dedupe_key},
        )
    return action, created


@transaction.atomic
def actions_close_many(*, outcomes: Mapping[int, str], status: str, actor: Any) -> int:
    """Close many open actions at once (a sending run closes the action of each message that
    went out), each with its outcome and audit event; actions already closed are left as they
    are. ``outcomes`` maps action id to outcome. Returns how many were closed."""
    if status == ActionStatus.OPEN or status not in ActionStatus.values:
        raise ValidationError(f"cannot close an action as {status!r}", field="status")
    now = timezone.now()
    rows = list(
        Action.objects.select_for_update()
        .filter(pk__in=list(outcomes), status=ActionStatus.OPEN)
        .order_by("pk")
    )
    for row in rows:
        row.status, row.outcome, row.completed_at = status, outcomes[row.pk], now
    Action.objects.bulk_update(rows, ["status", "outcome", "completed_at"], batch_size=1000)
    audit_record_many(
        actor=actor,
        events=(
            {
                "action": f"action.{status}",
                "object_type": "action",
                "object_id": row.pk,
                "summary": f"{row.kind} for customer {row.customer_id}: {row.outcome}"[:500],
                "before": {"status": ActionStatus.OPEN.value},
                "after": {"status": status, "outcome": row.outcome},
            }
            for row in rows
        ),
    )
    return len(rows)


def contact_action_check(*, customer: Customer, action_id: int) -> None:
    """A contact may name only an action of its own customer (activity's contact_action_check
    hook): the id is checked here, where actions live."""
    if not Action.objects.filter(pk=action_id, customer=customer).exists():
        raise ValidationError(
            f"no action {action_id} for customer {customer.customer_ref}", field="action_id"
        )


def recommendation_decided(*, recommendation: Recommendation, actor: Any) -> None:
    """The ``recommendation_decided`` hook (registered in ``StrategyConfig.ready``): the action
    that raised the recommendation is done, with the decision (and its note) as outcome."""
    action = Action.objects.filter(
        recommendation_id=recommendation.pk, status=ActionStatus.OPEN
    ).first()
    if action is None:
        return
    note = recommendation.note
    outcome = f"{recommendation.status}: {note}" if note else str(recommendation.status)
    action_close(action=action, status=ActionStatus.DONE, outcome=outcome, actor=actor)


ACTION_COLUMNS = (
    "customer_id", "strategy_id", "step_id", "kind", "owner_role", "assigned_to_id", "status",
    "as_of", "due_date", "days_past_due", "reason", "dedupe_key", "reason_parts",
    "recommendation_id",
)  # fmt: skip
_STAGE = "strategy_action_stage"
EVALUATE_LOCK = 0x4F415253  # advisory lock key: one evaluation at a time on PostgreSQL


def _insert_actions(rows: list[tuple[Any, ...]], *, actor: Any) -> tuple[Counter[str], int]:
    """Insert new actions (``rows`` in ``ACTION_COLUMNS`` order but the last, their dedupe keys
    new); each credit-hold or agency action first raises its pending recommendation through
    credit's service and is written holding the link to it. Returns the actions created per kind
    and the number of recommendations."""
    if not rows:
        return Counter(), 0
    raising = [row for row in rows if row[3] in RECOMMENDATION_KINDS]
    recommendations = recommendations_raise_bulk(
        recommendations=[
            {"customer_id": c, "kind": k, "as_of": d, "reason": r, "reason_parts": p}
            for c, _s, _st, k, _o, _a, _status, d, _due, _dpd, r, _key, p in raising
        ],
        actor=actor,
    )
    links = {row[11]: pk for row, pk in zip(raising, recommendations, strict=True)}
    linked = [(*row, links.get(row[11])) for row in rows]
    if connection.vendor == "postgresql":
        created = _insert_actions_pg(linked)
    else:
        actions = [Action(**dict(zip(ACTION_COLUMNS, row, strict=True))) for row in linked]
        before = set(
            Action.objects.filter(dedupe_key__in=[a.dedupe_key for a in actions]).values_list(
                "dedupe_key", flat=True
            )
        )
        Action.objects.bulk_create(actions, batch_size=2000, ignore_conflicts=True)
        created = Counter(a.kind for a in actions if a.dedupe_key not in before)
    if sum(created[kind] for kind in RECOMMENDATION_KINDS) != len(recommendations):
        # Another evaluation wrote some of these actions meanwhile: their recommendations would
        # be left without an action, so nothing of this run is kept.
        raise Conflict("another evaluation of the same date ran at the same time; run it again")
    return created, len(recommendations)


def _insert_actions_pg(rows: list[tuple[Any, ...]]) -> Counter[str]:
    # COPY into a temporary table, then one statement inserts the actions (skipping dedupe keys
    # already there): the ORM's INSERT of 100k model instances takes most of the engine's time
    # otherwise. Returns the actions created per kind.
    cols = ", ".join(ACTION_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        cursor.execute(
            f"CREATE TEMP TABLE {_STAGE} (customer_id bigint, strategy_id bigint, "
            "step_id bigint, kind text, owner_role text, assigned_to_id bigint, status text, "
            "as_of date, due_date date, days_past_due integer, reason text, dedupe_key text, "
            "reason_parts jsonb, recommendation_id bigint) "
            "ON COMMIT DROP"
        )
        copy_rows(
            table=_STAGE,
            columns=ACTION_COLUMNS,
            rows=((*row[:-2], json.dumps(row[-2]), row[-1]) for row in rows),
        )
        cursor.execute(
            f"""
            WITH ins AS (
                INSERT INTO strategy_action ({cols}, outcome, created_at)
                SELECT {cols}, '', now() FROM {_STAGE}
                ON CONFLICT (dedupe_key) DO NOTHING
                RETURNING kind
            )
            SELECT kind, count(*) FROM ins GROUP BY kind
            """
        )
        created = Counter({kind: n for kind, n in cursor.fetchall()})
        cursor.execute(f"DROP TABLE {_STAGE}")
    return created


# --- definitions -------------------------------------------------------------------------------


def _write(definition: StrategyDef, existing: Strategy | None) -> Strategy:
    strategy = existing or Strategy(code=definition.code)
    strategy.code = definition.code
    strategy.name = definition.name
    strategy.description = definition.description
    strategy.priority = definition.priority
    strategy.is_default = definition.is_default
    strategy.active = definition.active
    strategy.criteria = dict(definition.criteria)
    strategy.save()
    current = {s.code: s for s in strategy.steps.all()}
    keep = set()
    for order, step in enumerate(definition.steps, start=1):
        row = current.get(step.code) or StrategyStep(strategy=strategy, code=step.code)
        row.name = step.name
        row.trigger = step.trigger
        row.days_from = step.days_from
        row.days_to = step.days_to
        row.kind = step.kind
        row.owner_role = step.owner_role
        row.wait_days = step.wait_days
        row.conditions = dict(step.conditions)
        row.template = step.template
        row.order = order * 10
        row.save()
        keep.add(step.code)
    for code, row in current.items():
        if code not in keep:
            row.delete()  # actions keep their history; their step link becomes empty
    if definition.is_default:
        Strategy.objects.filter(is_default=True).exclude(pk=strategy.pk).update(is_default=False)
    return strategy


def _comparable(definition: StrategyDef) -> dict[str, Any]:
    return json.loads(json.dumps(definition.as_dict(), default=str))


@transaction.atomic
def strategy_save(
    *, data: dict[str, Any], actor: Any, original_code: str | None = None
) -> tuple[Strategy, list[Issue]]:
    """Create or replace one strategy from its definition (a mapping as in the YAML file).

    Raises ``ValidationError`` for the first problem (all of them are in ``validation_errors``);
    returns the strategy and the warnings."""
    from openar.strategy.domain.validation import validate_strategy

    checked = validate_strategy(data)
    code = str(data.get("code") or "").strip()
    existing = None
    if original_code:
        existing = Strategy.objects.filter(code=original_code).first()
    clash = Strategy.objects.filter(code=code)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if code and clash.exists():
        checked.errors.append(
            Issue("code", _("a strategy with code %(code)r already exists") % {"code": code})
        )
    if checked.errors:
        raise StrategyInvalid(checked)
    definition = checked.strategies[0]
    before = _comparable(strategy_def(existing)) if existing is not None else None
    strategy = _write(definition, existing)
    audit_record(
        actor=actor,
        action="strategy.save",
        object_type="strategy",
        object_id=strategy.code,
        summary=f"strategy {strategy.code} {'updated' if existing else 'created'}",
        before=before,
        after=_comparable(definition),
    )
    return strategy, checked.warnings


class StrategyInvalid(ValidationError):
    """A definition that does not validate; ``validation`` holds every error and warning."""

    def __init__(self, validation: Validation) -> None:
        first = validation.errors[0]
        more = len(validation.errors) - 1
        message = first.message
        if more:
            message += " " + _("(and %(n)s more problems)") % {"n": more}
        super().__init__(message, field=first.field or None)
        self.validation = validation


@transaction.atomic
def strategy_set_active(*, strategy: Strategy, active: bool, actor: Any) -> Strategy:
    """Switch a strategy on or off (the engine only evaluates active strategies)."""
    if strategy.active != active:
        strategy.active = active
        strategy.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            action="strategy.activate" if active else "strategy.deactivate",
            object_type="strategy",
            object_id=strategy.code,
            summary=f"strategy {strategy.code} {'activated' if active else 'deactivated'}",
            before={"active": not active},
            after={"active": active},
        )
    return strategy


@transaction.atomic
def strategy_delete(*, strategy: Strategy, actor: Any) -> None:
    """Delete a strategy and its steps; the actions it created stay, without the link."""
    before = _comparable(strategy_def(strategy))
    code = strategy.code
    strategy.delete()
    audit_record(
        actor=actor,
        action="strategy.delete",
        object_type="strategy",
        object_id=code,
        summary=f"strategy {code} deleted",
        before=before,
    )


# --- import / export ---------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"field": i.field, "message": i.message} for i in self.errors],
            "warnings": [{"field": i.field, "message": i.message} for i in self.warnings],
        }


def parse_document(text: str | bytes) -> tuple[Any, list[Issue]]:
    """The data of a YAML or JSON strategy file (JSON is YAML), or a parse error."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [Issue("", _("the file is not UTF-8 text"))]
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(n)s") % {"n": mark.line + 1} if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Issue(where, _("not valid YAML or JSON: %(problem)s") % {"problem": problem})]


@transaction.atomic
def strategies_import(*, data: Any, actor: Any, dry_run: bool = False) -> ImportReport:
    """Create or replace the strategies of an import document (matched by code). Any error:
    nothing changes. Strategies not in the document are left alone."""
    checked = validate_document(data)
    report = ImportReport(dry_run=dry_run, errors=checked.errors, warnings=checked.warnings)
    if checked.errors:
        return report
    existing = {s.code: s for s in Strategy.objects.prefetch_related("steps")}
    incoming_default = next((d.code for d in checked.strategies if d.is_default), None)
    if incoming_default:
        for code, strategy in existing.items():
            if (
                strategy.is_default
                and code != incoming_default
                and code not in {d.code for d in checked.strategies}
            ):
                report.warnings.append(
                    Issue(
                        "",
                        _("%(new)r becomes the default instead of %(old)r")
                        % {"new": incoming_default, "old": code},
                    )
                )
    for definition in checked.strategies:
        current = existing.get(definition.code)
        if current is None:
            report.created.append(definition.code)
        elif _comparable(strategy_def(current)) == _comparable(definition):
            report.unchanged.append(definition.code)
        else:
            report.updated.append(definition.code)
    if dry_run:
        return report
    for definition in checked.strategies:
        if definition.code in report.unchanged:
            continue
        _write(definition, existing.get(definition.code))
    audit_record(
        actor=actor,
        action="strategy.import",
        object_type="strategy",
        object_id=",".join(d.code for d in checked.strategies)[:200],
        summary=(
            f"strategies imported: {len(report.created)} created, {len(report.updated)} "
            f"updated, {len(report.unchanged)} unchanged"
        ),
    )
    return report


def dump_document(data: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


@transaction.atomic
def strategies_load_defaults(*, actor: Any) -> int:
    """Load the default strategy set (``defaults.yaml``) for codes not present yet; returns how
    many strategies were created."""
    data, problems = parse_document(DEFAULTS_FILE.read_text(encoding="utf-8"))
    if problems:
        raise ValidationError(str(problems[0]), field="defaults")
    present = set(Strategy.objects.values_list("code", flat=True))
    missing = [s for s in data["strategies"] if s["code"] not in present]
    if not missing:
        return 0
    if Strategy.objects.filter(is_default=True).exists():
        missing = [{**s, "is_default": False} for s in missing]
    report = strategies_import(data={"version": 1, "strategies": missing}, actor=actor)
    if not report.ok:
        raise ValidationError(str(report.errors[0]), field="defaults")
    return len(report.created)
