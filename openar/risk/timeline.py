"""Risk's entries on the account timeline: the days the risk class changed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core.timeline import Entry, TimelineKind, at_day, register_timeline_source
from openar.risk.models import CustomerScore

SCORES_READ = 400  # daily scores: about a year of them


def score_entries(customer: Any, limit: int) -> list[Entry]:
    """The first score and every change of class since (one query over recent scores)."""
    rows = list(
        CustomerScore.objects.filter(customer=customer)
        .order_by("-as_of")
        .values_list("as_of", "score", "risk_class")[:SCORES_READ]
    )
    rows.reverse()
    entries = []
    previous = None
    for as_of, score, risk_class in rows:
        if risk_class != previous:
            title = (
                _("Risk class %(new)s (score %(score)s)") % {"new": risk_class, "score": score}
                if previous is None
                else _("Risk class %(old)s → %(new)s (score %(score)s)")
                % {"old": previous, "new": risk_class, "score": score}
            )
            worse = previous is not None and risk_class > previous
            entries.append(
                Entry(at=at_day(as_of), kind="score", title=title, tone="danger" if worse else "")
            )
        previous = risk_class
    return entries[-limit:]


def register() -> None:
    register_timeline_source(
        key="risk",
        fetch=score_entries,
        kinds=[TimelineKind("score", gettext_lazy("Score changes"), 80)],
    )
