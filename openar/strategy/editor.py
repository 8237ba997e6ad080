"""The strategy editor's form: posted fields to a strategy definition and back, with the
validation findings placed next to the fields they are about. No ORM."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openar.strategy.domain.definitions import BOOL_CONDITIONS, LIST_CRITERIA, Issue

STEP_FIELDS = ("code", "name", "trigger", "days_from", "days_to", "kind", "owner_role",
               "wait_days", "template", "skip_if_balance_under", *BOOL_CONDITIONS)  # fmt: skip
MAX_STEPS = 60
_STEP_PATH = re.compile(r"^steps\[(\d+)\]\.(?:conditions\.)?(\w+)")


@dataclass
class EditorState:
    """What the editor shows: header values, step rows, and findings keyed by form field."""

    values: dict[str, Any]
    steps: list[dict[str, Any]]
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    general_errors: list[str] = field(default_factory=list)
    general_warnings: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "index": i,
                "values": step,
                "errors": {f: msgs for k, msgs in self.errors.items() if (f := _row_field(k, i))},
                "warnings": {
                    f: msgs for k, msgs in self.warnings.items() if (f := _row_field(k, i))
                },
            }
            for i, step in enumerate(self.steps)
        ]


def _row_field(key: str, index: int) -> str | None:
    prefix = f"step-{index}-"
    return key[len(prefix) :] if key.startswith(prefix) else None


def blank_step() -> dict[str, Any]:
    return {"trigger": "dpd", "wait_days": "0", "owner_role": "collector", "kind": "call"}


def state_from_definition(data: Mapping[str, Any]) -> EditorState:
    """Editor values of a saved definition (``StrategyDef.as_dict()`` shape)."""
    criteria = data.get("criteria") or {}
    values: dict[str, Any] = {
        "code": data.get("code", ""),
        "name": data.get("name", ""),
        "description": data.get("description", ""),
        "priority": data.get("priority", 100),
        "is_default": bool(data.get("is_default")),
        "active": bool(data.get("active")),
        "crit_balance_min": criteria.get("balance_min", ""),
        "crit_balance_max": criteria.get("balance_max", ""),
        "crit_risk_class": list(criteria.get("risk_class") or []),
        "crit_attributes": "\n".join(
            f"{k}={'|'.join(v) if isinstance(v, list) else v}"
            for k, v in (criteria.get("attributes") or {}).items()
        ),
    }
    for key in LIST_CRITERIA:
        if key != "risk_class":
            values[f"crit_{key}"] = ", ".join(criteria.get(key) or [])
    steps = []
    for raw in data.get("steps") or []:
        conditions = raw.get("conditions") or {}
        step = {k: raw.get(k, "") for k in STEP_FIELDS if k not in BOOL_CONDITIONS}
        step["days_from"] = "" if raw.get("days_from") is None else raw.get("days_from")
        step["days_to"] = "" if raw.get("days_to") is None else raw.get("days_to")
        step["skip_if_balance_under"] = conditions.get("skip_if_balance_under", "")
        for key in BOOL_CONDITIONS:
            step[key] = bool(conditions.get(key))
        steps.append(step)
    return EditorState(values=values, steps=steps)


def state_from_post(post: Any) -> tuple[EditorState, str]:
    """Editor values from a posted form (a QueryDict) and the operation asked for:
    ``save``, ``add``, ``remove:N``, ``up:N`` or ``down:N``."""
    values: dict[str, Any] = {
        key: post.get(key, "").strip()
        for key in ("code", "name", "description", "priority", "crit_balance_min",
                    "crit_balance_max", "crit_attributes",
                    *(f"crit_{k}" for k in LIST_CRITERIA if k != "risk_class"))
    }  # fmt: skip
    values["is_default"] = post.get("is_default") == "on"
    values["active"] = post.get("active") == "on"
    values["crit_risk_class"] = post.getlist("crit_risk_class")
    try:
        count = min(int(post.get("step_count", "0")), MAX_STEPS)
    except ValueError:
        count = 0
    steps = []
    for i in range(count):
        prefix = f"step-{i}-"
        step: dict[str, Any] = {}
        for key in STEP_FIELDS:
            if key in BOOL_CONDITIONS:
                step[key] = post.get(prefix + key) == "on"
            else:
                step[key] = post.get(prefix + key, "").strip()
        steps.append(step)
    return EditorState(values=values, steps=steps), post.get("op", "save")


def apply_operation(state: EditorState, op: str) -> bool:
    """Add, remove or move a step row in place; False when ``op`` is not a row operation."""
    name, _, arg = op.partition(":")
    if name == "add":
        if len(state.steps) < MAX_STEPS:
            state.steps.append(blank_step())
        return True
    if name not in ("remove", "up", "down") or not arg.isdigit():
        return False
    i = int(arg)
    if not 0 <= i < len(state.steps):
        return True
    if name == "remove":
        state.steps.pop(i)
    elif name == "up" and i > 0:
        state.steps[i - 1], state.steps[i] = state.steps[i], state.steps[i - 1]
    elif name == "down" and i < len(state.steps) - 1:
        state.steps[i + 1], state.steps[i] = state.steps[i], state.steps[i + 1]
    return True


def _attributes(text: str) -> dict[str, Any] | str:
    attrs: dict[str, Any] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            return line.strip()
        parts = [p.strip() for p in value.split("|")]
        attrs[key.strip()] = parts if len(parts) > 1 else parts[0]
    return attrs


def definition_from_state(state: EditorState) -> dict[str, Any]:
    """The definition mapping to validate and save (same shape as a YAML strategy)."""
    v = state.values
    criteria: dict[str, Any] = {}
    for key in LIST_CRITERIA:
        if key == "risk_class":
            if v.get("crit_risk_class"):
                criteria[key] = list(v["crit_risk_class"])
        elif v.get(f"crit_{key}"):
            criteria[key] = v[f"crit_{key}"]
    for key in ("balance_min", "balance_max"):
        if v.get(f"crit_{key}") not in (None, ""):
            criteria[key] = v[f"crit_{key}"]
    if v.get("crit_attributes"):
        attrs = _attributes(v["crit_attributes"])
        # A line without '=' goes through as a non-mapping so validation names the criterion.
        criteria["attributes"] = attrs if isinstance(attrs, dict) else [attrs]
    steps = []
    for step in state.steps:
        conditions: dict[str, Any] = {k: True for k in BOOL_CONDITIONS if step.get(k)}
        if step.get("skip_if_balance_under") not in (None, ""):
            conditions["skip_if_balance_under"] = step["skip_if_balance_under"]
        raw = {
            k: step.get(k)
            for k in ("code", "name", "trigger", "days_from", "days_to", "kind", "owner_role",
                      "wait_days", "template")
        }  # fmt: skip
        if raw.get("trigger") != "dpd":
            raw["days_from"] = raw["days_to"] = None  # hidden fields of event rows
        raw["conditions"] = conditions
        steps.append(raw)
    return {
        "code": v.get("code"),
        "name": v.get("name"),
        "description": v.get("description", ""),
        "priority": v.get("priority"),
        "is_default": v.get("is_default", False),
        "active": v.get("active", False),
        "criteria": criteria,
        "steps": steps,
    }


def form_field(path: str) -> str:
    """The form field a validation path names: ``steps[2].owner_role`` is ``step-2-owner_role``."""
    match = _STEP_PATH.match(path)
    if match:
        return f"step-{match.group(1)}-{match.group(2)}"
    if path.startswith("criteria."):
        return "crit_" + path.split(".")[1]
    return path.split(".")[0]


def place(state: EditorState, errors: list[Issue], warnings: list[Issue]) -> None:
    known = {"code", "name", "description", "priority", "is_default", "active", "crit_entity",
             "crit_segment", "crit_risk_class", "crit_country", "crit_language",
             "crit_balance_min", "crit_balance_max", "crit_attributes"}  # fmt: skip
    for issues, target, general in (
        (errors, state.errors, state.general_errors),
        (warnings, state.warnings, state.general_warnings),
    ):
        for issue in issues:
            name = form_field(issue.field) if issue.field else ""
            if name in known or name.startswith("step-"):
                target.setdefault(name, []).append(issue.message)
            else:
                general.append(str(issue))
