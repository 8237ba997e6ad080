"""Reason texts in plain words, English and Spanish."""

from __future__ import annotations

import pytest

from openar.risk.reasons import reason_text


@pytest.mark.parametrize(
    ("reason", "en", "es"),
    [
        ({"code": "late_avg", "params": {"days": 18, "trend": 7, "recent": 22, "prior": 15}},
         "pays 18 days late on average, worse lately (22 days last quarter, 15 before)",
         "paga con 18 días de retraso en promedio, peor últimamente (22 días el último trimestre, "
         "15 antes)"),
        ({"code": "late_avg", "params": {"days": 1}}, "pays 1 day late on average",
         "paga con 1 día de retraso en promedio"),
        ({"code": "late_avg", "params": {"days": -4}}, "pays 4 days early on average",
         "paga con 4 días de anticipación en promedio"),
        ({"code": "past_due_limit", "params": {"pct": 62}}, "62% of credit limit past due",
         "62% del límite de crédito vencido"),
        ({"code": "promises_broken", "params": {"count": 2, "days": 90}},
         "2 broken promises in 90 days", "2 promesas incumplidas en 90 días"),
        ({"code": "no_history", "params": {}}, "no payment history yet: scored on the scorecard",
         "aún sin historial de pagos: puntuado con la tabla de puntos"),
        ({"code": "disputes_open", "params": {"count": 3, "days": 40}},
         "3 open disputes, the oldest 40 days old",
         "3 disputas abiertas, la más antigua de 40 días"),
    ],
)  # fmt: skip
def test_reason_texts(reason, en, es):
    assert reason_text(reason, language="en") == en
    assert reason_text(reason, language="es") == es


def test_unknown_code_falls_back_to_the_code():
    assert reason_text({"code": "something_new", "params": {}}) == "something_new"
