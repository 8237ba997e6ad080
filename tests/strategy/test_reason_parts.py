"""An action's reason is stored twice: plain words in the default language and codes with values
that read the same in English and in the reader's language elsewhere."""

from __future__ import annotations

import pytest
from django.utils import translation

from openar.core.reasons import reason_text, reason_text_default
from openar.strategy.models import Action
from openar.strategy.services import strategies_evaluate
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = pytest.mark.django_db


def test_parts_read_as_the_stored_words_and_in_spanish():
    make_strategy(
        "std",
        [step("due", "email", -5), step("call", "call", 1),
         step("hold", "credit_hold", 60, owner_role="credit")],
        is_default=True,
    )  # fmt: skip
    account(days_past_due=75, amount="12345.60", customer_ref="P1")
    account(days_past_due=-3, amount="10.00", customer_ref="P2")
    strategies_evaluate(as_of=AS_OF, actor="test")
    actions = list(Action.objects.all())
    assert actions and all(a.reason_parts for a in actions)
    for action in actions:
        assert reason_text_default(action.reason_parts) == action.reason
    hold = next(a for a in actions if a.kind == "credit_hold")
    assert hold.recommendation.reason_parts == hold.reason_parts
    with translation.override("es"):
        text = reason_text(hold.reason_parts)
    assert text.startswith("Std / Hold: partida más antigua con 75 días de atraso, saldo 12")
    due = next(a for a in actions if a.customer.customer_ref == "P2")
    with translation.override("es"):
        assert "partida más antigua vence en 3 días" in reason_text(due.reason_parts)
