"""What a strategy is, as plain data: the spec's keys and limits, strategies and their steps, the
findings of a validation, and each step's days-past-due window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openar.strategy.choices import StepKind, StepTrigger

SPEC_VERSION = 1
RISK_CLASSES = ("A", "B", "C", "D", "E")
LIST_CRITERIA = ("entity", "segment", "risk_class", "country", "language")
CRITERIA_KEYS = (*LIST_CRITERIA, "balance_min", "balance_max", "attributes")
BOOL_CONDITIONS = ("skip_if_disputed", "skip_if_promise", "skip_if_payment_plan")
CONDITION_KEYS = (*BOOL_CONDITIONS, "skip_if_balance_under")
STRATEGY_KEYS = (
    "code", "name", "description", "priority", "is_default", "active", "criteria", "steps",
)  # fmt: skip
STEP_KEYS = (
    "code", "name", "trigger", "days_from", "days_to", "kind", "owner_role", "wait_days",
    "conditions", "template",
)  # fmt: skip
EVENT_TRIGGERS = tuple(t.value for t in StepTrigger if t != StepTrigger.DAYS_PAST_DUE)
RECOMMENDATION_KINDS = (StepKind.CREDIT_HOLD.value, StepKind.AGENCY.value)
# Events older than this before the run date are not acted on, even after a long pause.
EVENT_LOOKBACK_DAYS = 31
MAX_DAYS = 3650
SLUG_MESSAGE = "use letters, digits, '-' and '_' only (at most 40)"

# Skip reasons (keys of the counts the engine and the simulation report).
SKIP_DISPUTED = "disputed"
SKIP_PROMISE = "promise_active"
SKIP_PLAN = "payment_plan_active"
SKIP_BALANCE = "balance_under"
SKIP_WAIT = "waiting"


@dataclass(frozen=True)
class StepDef:
    code: str
    name: str
    kind: str
    owner_role: str
    trigger: str = StepTrigger.DAYS_PAST_DUE.value
    days_from: int | None = None
    days_to: int | None = None
    wait_days: int = 0
    conditions: Mapping[str, Any] = field(default_factory=dict)
    template: str = ""
    id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": self.name, "trigger": self.trigger}
        if self.trigger == StepTrigger.DAYS_PAST_DUE:
            data["days_from"] = self.days_from
            if self.days_to is not None:
                data["days_to"] = self.days_to
        data |= {"kind": self.kind, "owner_role": self.owner_role, "wait_days": self.wait_days}
        if self.conditions:
            data["conditions"] = dict(self.conditions)
        if self.template:
            data["template"] = self.template
        return data


@dataclass(frozen=True)
class StrategyDef:
    code: str
    name: str
    priority: int = 100
    is_default: bool = False
    active: bool = False
    description: str = ""
    criteria: Mapping[str, Any] = field(default_factory=dict)
    steps: tuple[StepDef, ...] = ()
    id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "priority": self.priority,
            "is_default": self.is_default,
            "active": self.active,
            "criteria": dict(self.criteria),
            "steps": [step.as_dict() for step in self.steps],
        }


@dataclass(frozen=True)
class Issue:
    """One validation finding; ``field`` is a path such as ``strategies[0].steps[2].owner_role``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass
class Validation:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    strategies: list[StrategyDef] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def effective_windows(steps: Sequence[StepDef]) -> dict[str, tuple[int, int | None]]:
    """Each days-past-due step's window: ``days_to`` when given, else until the day before the
    next later-starting step (the last step stays open)."""
    starts = sorted({s.days_from for s in steps if s.trigger == "dpd" and s.days_from is not None})
    windows: dict[str, tuple[int, int | None]] = {}
    for step in steps:
        if step.trigger != "dpd" or step.days_from is None:
            continue
        if step.days_to is not None:
            windows[step.code] = (step.days_from, step.days_to)
            continue
        later = [d for d in starts if d > step.days_from]
        windows[step.code] = (step.days_from, later[0] - 1 if later else None)
    return windows
