"""core.hooks: a lower app announces, a higher app acts, in the same transaction."""

from __future__ import annotations

import pytest

from openar.core import hooks


def test_registered_functions_run_once_each_with_the_payload(monkeypatch):
    monkeypatch.setattr(hooks, "_REGISTRY", hooks.defaultdict(dict))
    seen = []

    def act(**payload):
        seen.append(payload)

    hooks.register_hook("recommendation_decided", act)
    hooks.register_hook("recommendation_decided", act)  # ready() twice: still once
    hooks.run_hooks("recommendation_decided", recommendation="r", actor="a")
    assert seen == [{"recommendation": "r", "actor": "a"}]


def test_unknown_hooks_are_refused():
    with pytest.raises(ValueError, match="unknown hook"):
        hooks.register_hook("no_such_hook", print)
    with pytest.raises(ValueError, match="unknown hook"):
        hooks.run_hooks("no_such_hook")


def test_strategy_listens_to_credit_decisions():
    from openar.strategy.services import recommendation_decided

    assert recommendation_decided in hooks._REGISTRY["recommendation_decided"].values()
