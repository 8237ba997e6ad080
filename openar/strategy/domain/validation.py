"""Validating a strategy document: every finding with its path (``strategies[0].steps[2].kind``),
errors and warnings apart, and the strategies it defines when it is sound."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from openar.core.roles import Role
from openar.strategy.choices import StepKind, StepTrigger
from openar.strategy.domain.definitions import (
    BOOL_CONDITIONS,
    CONDITION_KEYS,
    CRITERIA_KEYS,
    LIST_CRITERIA,
    MAX_DAYS,
    RECOMMENDATION_KINDS,
    RISK_CLASSES,
    SLUG_MESSAGE,
    SPEC_VERSION,
    STEP_KEYS,
    STRATEGY_KEYS,
    Issue,
    StepDef,
    StrategyDef,
    Validation,
    effective_windows,
)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    return None


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def _check_criteria(raw: Any, where: str, out: Validation) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        out.errors.append(Issue(where, _("criteria must be a mapping")))
        return {}
    criteria: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{where}.{key}"
        if key not in CRITERIA_KEYS:
            out.errors.append(
                Issue(
                    path,
                    _("unknown criterion %(key)r (known: %(known)s)")
                    % {"key": key, "known": ", ".join(CRITERIA_KEYS)},
                )
            )
        elif key in LIST_CRITERIA:
            values = _str_list(value)
            if values is None:
                out.errors.append(Issue(path, _("expected a list of values")))
            elif key == "risk_class" and (bad := [v for v in values if v not in RISK_CLASSES]):
                out.errors.append(
                    Issue(
                        path,
                        _("unknown risk class %(value)r (expected A, B, C, D or E)")
                        % {"value": bad[0]},
                    )
                )
            elif values:
                criteria[key] = values
        elif key in ("balance_min", "balance_max"):
            if value in (None, ""):
                continue
            number = _decimal(value)
            if number is None:
                out.errors.append(Issue(path, _("%(value)r is not an amount") % {"value": value}))
            else:
                criteria[key] = str(number)
        elif key == "attributes":
            if not isinstance(value, dict):
                out.errors.append(Issue(path, _("expected a mapping of attribute to value(s)")))
                continue
            attrs: dict[str, Any] = {}
            for name, wanted in value.items():
                if isinstance(wanted, list):
                    attrs[str(name)] = [str(v) for v in wanted]
                elif isinstance(wanted, str | int | bool):
                    attrs[str(name)] = str(wanted)
                else:
                    out.errors.append(Issue(f"{path}.{name}", _("expected a value or a list")))
            if attrs:
                criteria[key] = attrs
    low, high = criteria.get("balance_min"), criteria.get("balance_max")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        out.errors.append(Issue(f"{where}.balance_max", _("balance_max is lower than balance_min")))
    return criteria


def _check_conditions(raw: Any, where: str, out: Validation) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        out.errors.append(Issue(where, _("conditions must be a mapping")))
        return {}
    conditions: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{where}.{key}"
        if key not in CONDITION_KEYS:
            out.errors.append(
                Issue(
                    path,
                    _("unknown condition %(key)r (known: %(known)s)")
                    % {"key": key, "known": ", ".join(CONDITION_KEYS)},
                )
            )
        elif key in BOOL_CONDITIONS:
            flag = _bool(value)
            if flag is None:
                out.errors.append(Issue(path, _("expected true or false")))
            elif flag:
                conditions[key] = True
        elif value not in (None, ""):
            number = _decimal(value)
            if number is None or number < 0:
                out.errors.append(
                    Issue(path, _("%(value)r is not a positive amount") % {"value": value})
                )
            else:
                conditions[key] = str(number)
    return conditions


def _check_step(raw: Any, where: str, out: Validation) -> StepDef | None:
    if not isinstance(raw, dict):
        out.errors.append(Issue(where, _("a step must be a mapping")))
        return None
    for key in raw:
        if key not in STEP_KEYS:
            out.errors.append(
                Issue(f"{where}.{key}", _("unknown step field %(key)r") % {"key": key})
            )
    code = str(raw.get("code") or "").strip()
    if not code:
        out.errors.append(Issue(f"{where}.code", _("a step needs a code")))
    elif not _is_slug(code):
        out.errors.append(Issue(f"{where}.code", _(SLUG_MESSAGE)))
    name = str(raw.get("name") or "").strip() or code
    trigger = str(raw.get("trigger") or StepTrigger.DAYS_PAST_DUE.value).strip()
    if trigger not in StepTrigger.values:
        out.errors.append(
            Issue(
                f"{where}.trigger",
                _("unknown trigger %(value)r (known: %(known)s)")
                % {"value": trigger, "known": ", ".join(StepTrigger.values)},
            )
        )
    kind = str(raw.get("kind") or "").strip()
    if not kind:
        out.errors.append(Issue(f"{where}.kind", _("a step needs a kind")))
    elif kind not in StepKind.values:
        out.errors.append(
            Issue(
                f"{where}.kind",
                _("unknown kind %(value)r (known: %(known)s)")
                % {"value": kind, "known": ", ".join(StepKind.values)},
            )
        )
    owner = str(raw.get("owner_role") or "").strip()
    if not owner:
        out.errors.append(Issue(f"{where}.owner_role", _("a step needs an owner role")))
    elif owner not in Role.values:
        out.errors.append(
            Issue(
                f"{where}.owner_role",
                _("unknown role %(value)r (known: %(known)s)")
                % {"value": owner, "known": ", ".join(Role.values)},
            )
        )
    days: dict[str, int | None] = {"days_from": None, "days_to": None}
    for key in days:
        value = raw.get(key)
        if value in (None, ""):
            continue
        number = _int(value)
        if number is None or abs(number) > MAX_DAYS:
            out.errors.append(
                Issue(
                    f"{where}.{key}",
                    _("%(value)r is not a whole number of days") % {"value": value},
                )
            )
        else:
            days[key] = number
    if trigger == StepTrigger.DAYS_PAST_DUE:
        if days["days_from"] is None and f"{where}.days_from" not in {i.field for i in out.errors}:
            out.errors.append(
                Issue(f"{where}.days_from", _("a days-past-due step needs days_from"))
            )
        if (
            days["days_from"] is not None
            and days["days_to"] is not None
            and days["days_to"] < days["days_from"]
        ):
            out.errors.append(
                Issue(
                    f"{where}.days_to",
                    _("days out of order: days_to %(to)s is before days_from %(from)s")
                    % {"to": days["days_to"], "from": days["days_from"]},
                )
            )
    elif days["days_from"] is not None or days["days_to"] is not None:
        out.warnings.append(
            Issue(f"{where}.days_from", _("an event step ignores days_from and days_to"))
        )
        days = {"days_from": None, "days_to": None}
    wait_raw = raw.get("wait_days", 0)
    wait = 0 if wait_raw in (None, "") else _int(wait_raw)
    if wait is None or wait < 0 or wait > MAX_DAYS:
        out.errors.append(
            Issue(
                f"{where}.wait_days",
                _("%(value)r is not a number of days ≥ 0") % {"value": wait_raw},
            )
        )
        wait = 0
    conditions = _check_conditions(raw.get("conditions"), f"{where}.conditions", out)
    template = str(raw.get("template") or "").strip()
    # A step with errors is still returned so the checks across steps (days order, overlaps)
    # report in the same pass; the strategy is only built when there are no errors at all.
    return StepDef(
        code=code,
        name=name[:200],
        kind=kind,
        owner_role=owner,
        trigger=trigger,
        days_from=days["days_from"],
        days_to=days["days_to"],
        wait_days=wait,
        conditions=conditions,
        template=template[:80],
    )


def _is_slug(text: str) -> bool:
    return 0 < len(text) <= 40 and all(c.isalnum() or c in "-_" for c in text) and text.isascii()


def _overlaps(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    a_end = a[1] if a[1] is not None else MAX_DAYS * 10
    b_end = b[1] if b[1] is not None else MAX_DAYS * 10
    return a[0] <= b_end and b[0] <= a_end


def _check_step_set(
    numbered: list[tuple[int, StepDef]], criteria: Mapping[str, Any], where: str, out: Validation
) -> None:
    seen: dict[str, int] = {}
    last_from: tuple[int, str] | None = None
    steps = [step for _, step in numbered]
    for index, step in numbered:
        path = f"{where}steps[{index}]"
        if step.code and step.code in seen:
            out.errors.append(
                Issue(
                    f"{path}.code",
                    _("step code %(code)r is used twice in this strategy") % {"code": step.code},
                )
            )
        seen[step.code] = index
        if step.trigger == "dpd" and step.days_from is not None:
            if last_from is not None and step.days_from < last_from[0]:
                out.errors.append(
                    Issue(
                        f"{path}.days_from",
                        _(
                            "days out of order: step %(code)r starts at %(days)s after step "
                            "%(other)r at %(other_days)s"
                        )
                        % {
                            "code": step.code,
                            "days": step.days_from,
                            "other": last_from[1],
                            "other_days": last_from[0],
                        },
                    )
                )
            last_from = (step.days_from, step.code)
        if step.kind in (StepKind.EMAIL, StepKind.LETTER) and not step.template:
            out.warnings.append(
                Issue(
                    f"{path}.template",
                    _("%(kind)s step %(code)r has no template")
                    % {"kind": step.kind, "code": step.code},
                )
            )
        under = step.conditions.get("skip_if_balance_under")
        high = criteria.get("balance_max")
        if under is not None and high is not None and Decimal(under) > Decimal(high):
            out.warnings.append(
                Issue(
                    f"{path}.conditions.skip_if_balance_under",
                    _(
                        "contradictory: step %(code)r skips balances under %(under)s but the "
                        "strategy only takes balances up to %(high)s, so it never fires"
                    )
                    % {"code": step.code, "under": under, "high": high},
                )
            )
    windows = effective_windows(steps)
    dpd_steps = [s for s in steps if s.code in windows]
    for i, first in enumerate(dpd_steps):
        for second in dpd_steps[i + 1 :]:
            if first.kind == second.kind and _overlaps(windows[first.code], windows[second.code]):
                out.warnings.append(
                    Issue(
                        f"{where}steps[{seen[second.code]}].days_from",
                        _(
                            "overlapping steps: %(first)r and %(second)r are both %(kind)s steps "
                            "for the same days past due"
                        )
                        % {"first": first.code, "second": second.code, "kind": first.kind},
                    )
                )
    events = [s for s in steps if s.trigger != "dpd"]
    for i, first in enumerate(events):
        for second in events[i + 1 :]:
            if first.trigger == second.trigger and first.kind == second.kind:
                out.warnings.append(
                    Issue(
                        f"{where}steps[{seen[second.code]}].trigger",
                        _(
                            "overlapping steps: %(first)r and %(second)r both create a %(kind)s "
                            "on %(trigger)s"
                        )
                        % {
                            "first": first.code,
                            "second": second.code,
                            "kind": first.kind,
                            "trigger": first.trigger,
                        },
                    )
                )
    holds = [s for s in dpd_steps if s.kind in RECOMMENDATION_KINDS]
    for step in holds:
        start, _end = windows[step.code]
        if start < 0:
            out.warnings.append(
                Issue(
                    f"{where}steps[{seen[step.code]}].days_from",
                    _("contradictory: step %(code)r recommends %(kind)s before the items are due")
                    % {"code": step.code, "kind": step.kind},
                )
            )


def validate_strategy(raw: Any, where: str = "", out: Validation | None = None) -> Validation:
    """Check one strategy definition (a mapping as in the YAML file)."""
    out = out if out is not None else Validation()
    prefix = f"{where}." if where else ""
    if not isinstance(raw, dict):
        out.errors.append(Issue(where, _("a strategy must be a mapping")))
        return out
    before = len(out.errors)
    for key in raw:
        if key not in STRATEGY_KEYS:
            out.errors.append(
                Issue(f"{prefix}{key}", _("unknown strategy field %(key)r") % {"key": key})
            )
    code = str(raw.get("code") or "").strip()
    if not code:
        out.errors.append(Issue(f"{prefix}code", _("a strategy needs a code")))
    elif not _is_slug(code):
        out.errors.append(Issue(f"{prefix}code", _(SLUG_MESSAGE)))
    name = str(raw.get("name") or "").strip()
    if not name:
        out.errors.append(Issue(f"{prefix}name", _("a strategy needs a name")))
    priority_raw = raw.get("priority", 100)
    priority = _int(priority_raw) if priority_raw not in (None, "") else 100
    if priority is None or priority < 0:
        out.errors.append(
            Issue(f"{prefix}priority", _("%(value)r is not a number ≥ 0") % {"value": priority_raw})
        )
        priority = 100
    flags: dict[str, bool] = {}
    for key in ("is_default", "active"):
        flag = _bool(raw.get(key, False))
        if flag is None:
            out.errors.append(Issue(f"{prefix}{key}", _("expected true or false")))
        flags[key] = bool(flag)
    criteria = _check_criteria(raw.get("criteria"), f"{prefix}criteria", out)
    if flags["is_default"] and criteria:
        out.warnings.append(
            Issue(
                f"{prefix}criteria", _("the default strategy takes every account: criteria ignored")
            )
        )
    raw_steps = raw.get("steps") or []
    numbered: list[tuple[int, StepDef]] = []
    if not isinstance(raw_steps, list):
        out.errors.append(Issue(f"{prefix}steps", _("steps must be a list")))
        raw_steps = []
    for index, raw_step in enumerate(raw_steps):
        step = _check_step(raw_step, f"{prefix}steps[{index}]", out)
        if step is not None:
            numbered.append((index, step))
    steps = [step for _, step in numbered]
    if not raw_steps:
        out.warnings.append(Issue(f"{prefix}steps", _("the strategy has no steps")))
    _check_step_set(numbered, criteria, prefix, out)
    if len(out.errors) == before:
        out.strategies.append(
            StrategyDef(
                code=code,
                name=name[:200],
                description=str(raw.get("description") or ""),
                priority=priority,
                is_default=flags["is_default"],
                active=flags["active"],
                criteria=criteria,
                steps=tuple(steps),
            )
        )
    return out


def validate_document(data: Any) -> Validation:
    """Check a whole import document: ``{"version": 1, "strategies": [...]}`` (or a bare list)."""
    out = Validation()
    if isinstance(data, list):
        data = {"strategies": data}
    if not isinstance(data, dict):
        out.errors.append(Issue("", _("the file must hold a mapping with a 'strategies' list")))
        return out
    version = data.get("version", SPEC_VERSION)
    if version != SPEC_VERSION:
        out.errors.append(
            Issue("version", _("unsupported version %(value)r (expected 1)") % {"value": version})
        )
    strategies = data.get("strategies")
    if not isinstance(strategies, list) or not strategies:
        out.errors.append(Issue("strategies", _("expected a non-empty list of strategies")))
        return out
    codes: dict[str, int] = {}
    for index, raw in enumerate(strategies):
        validate_strategy(raw, f"strategies[{index}]", out)
        code = raw.get("code") if isinstance(raw, dict) else None
        if code in codes:
            out.errors.append(
                Issue(
                    f"strategies[{index}].code",
                    _("strategy code %(code)r appears twice") % {"code": code},
                )
            )
        codes[str(code)] = index
    defaults = [s.code for s in out.strategies if s.is_default]
    if len(defaults) > 1:
        out.errors.append(
            Issue(
                "strategies",
                _("only one default strategy allowed, found %(codes)s")
                % {"codes": ", ".join(defaults)},
            )
        )
    return out
