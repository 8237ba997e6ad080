"""Named hooks: a lower app announces that something happened, a higher app acts on it.

A higher app registers in its ``AppConfig.ready()`` (``register_hook("recommendation_decided",
fn)``); the lower app calls ``run_hooks`` inside its own transaction, so what the hooks write
commits or rolls back with it, and the lower app never imports the higher one (DESIGN.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

# Every hook the project fires, with the keyword arguments its functions receive.
HOOKS = {
    "recommendation_decided": "recommendation (credit.Recommendation, decided), actor",
    "dispute_resolved": "case (disputes.DisputeCase, resolved), actor",
    # Before a contact that names the action it answers is logged: raise ValidationError unless
    # the action exists and is the customer's (the action lives in a higher app than the log).
    "contact_action_check": "customer (ledger.Customer), action_id",
    # Work done on an account by a person: kind is promise, contact, plan, dispute or
    # escalation; a contact adds channel, outcome, note, user and action_id.
    "account_worked": "customer (ledger.Customer), kind, actor, **details",
    # A payment plan's instalment was not kept (activity.plans_check).
    "plan_broken": "customer_id, plan (activity.PaymentPlan), seq, due_date, as_of, actor",
}

_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = defaultdict(dict)


def register_hook(name: str, fn: Callable[..., Any], *, key: str | None = None) -> None:
    """Call ``fn(**payload)`` whenever ``name`` runs; registering the same key again replaces
    it (``ready()`` may run more than once in tests)."""
    if name not in HOOKS:
        raise ValueError(f"unknown hook {name!r}; known: {', '.join(sorted(HOOKS))}")
    _REGISTRY[name][key or f"{fn.__module__}.{fn.__qualname__}"] = fn


def run_hooks(name: str, **payload: Any) -> None:
    """Run every function registered for ``name``, in registration order."""
    if name not in HOOKS:
        raise ValueError(f"unknown hook {name!r}")
    for fn in list(_REGISTRY[name].values()):
        fn(**payload)
