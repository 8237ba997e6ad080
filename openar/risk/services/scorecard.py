"""The scorecard and the scoring settings: the points table, class cut-offs, thresholds and each
entity's engine, and the scoring configuration the refresh and the backtest read from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.ledger.models import Entity
from openar.risk import domain, learning
from openar.risk.domain import (
    DEFAULT_BANDS,
    DEFAULT_BASE_POINTS,
    DEFAULT_CUTOFFS,
    SCORECARD_FEATURES,
)
from openar.risk.models import EntityEngine, RiskSettings, Scorecard, ScorecardBand
from openar.risk.scoring import ScoringConfig
from openar.risk.selectors import active_models, scorecard_bands

DEFAULT_SCORECARD = "default"


def risk_settings() -> RiskSettings:
    """The scoring settings row, created with the defaults on first use."""
    row, _ = RiskSettings.objects.get_or_create(
        id=1, defaults={"class_cutoffs": list(DEFAULT_CUTOFFS)}
    )
    if not row.class_cutoffs:
        row.class_cutoffs = list(DEFAULT_CUTOFFS)
    return row


def scorecard_default() -> Scorecard:
    """The active scorecard, created from the built-in points table on first use."""
    card = Scorecard.objects.filter(active=True).order_by("id").first()
    if card is not None:
        return card
    with transaction.atomic():
        card, created = Scorecard.objects.get_or_create(
            code=DEFAULT_SCORECARD,
            defaults={"name": "Default scorecard", "base_points": DEFAULT_BASE_POINTS},
        )
        if created:
            ScorecardBand.objects.bulk_create(
                ScorecardBand(
                    scorecard=card, feature=b.feature, low=b.low, high=b.high,
                    missing=b.missing, points=b.points, order=i,
                )
                for i, b in enumerate(DEFAULT_BANDS)
            )  # fmt: skip
    return card


@dataclass(frozen=True)
class BandInput:
    feature: str
    low: float | None
    high: float | None
    points: int
    missing: bool = False


def _check_cutoffs(cutoffs: list[int]) -> list[int]:
    if len(cutoffs) != 4:
        raise ValidationError(
            "give four cut-offs: the lowest score of A, B, C and D", field="class_cutoffs"
        )
    if any(not 0 <= c <= 1000 for c in cutoffs) or cutoffs != sorted(cutoffs, reverse=True):
        raise ValidationError(
            "cut-offs must run from high to low, each between 0 and 1000", field="class_cutoffs"
        )
    return cutoffs


@transaction.atomic
def scorecard_update(
    *,
    actor: Any,
    base_points: int,
    bands: Iterable[BandInput],
    class_cutoffs: list[int] | None = None,
    late_days: int | None = None,
    min_history: int | None = None,
    engines: dict[str, str] | None = None,
    late_probability_threshold: float | None = None,
) -> Scorecard:
    """Replace the active scorecard's points table (and, when given, the class cut-offs, the late
    threshold, the history the model needs and the engine of each entity)."""
    card = scorecard_default()
    rows = list(bands)
    for n, band in enumerate(rows, start=1):
        if band.feature not in SCORECARD_FEATURES:
            raise ValidationError(f"band {n}: unknown feature {band.feature!r}", field="feature")
        bounded = not band.missing and band.low is not None and band.high is not None
        if bounded and band.low >= band.high:  # type: ignore[operator]
            raise ValidationError(f"band {n}: 'from' must be below 'to'", field="low")
        if not -1000 <= band.points <= 1000:
            raise ValidationError(
                f"band {n}: points must be between -1000 and 1000", field="points"
            )
    if not 0 <= base_points <= 1000:
        raise ValidationError("base points must be between 0 and 1000", field="base_points")
    before = {"base_points": card.base_points, "bands": [str(b) for b in card.bands.all()]}
    card.base_points = base_points
    card.save(update_fields=["base_points", "updated_at"])
    card.bands.all().delete()
    ScorecardBand.objects.bulk_create(
        ScorecardBand(scorecard=card, feature=b.feature, low=b.low, high=b.high,
                      missing=b.missing, points=b.points, order=i)
        for i, b in enumerate(rows)
    )  # fmt: skip
    conf = risk_settings()
    if class_cutoffs is not None:
        conf.class_cutoffs = _check_cutoffs(list(class_cutoffs))
    if late_days is not None:
        if not 1 <= late_days <= 365:
            raise ValidationError("late threshold must be 1-365 days", field="late_days")
        conf.late_days = late_days
    if min_history is not None:
        conf.min_history = min_history
    if late_probability_threshold is not None:
        if not 0 < late_probability_threshold < 1:
            raise ValidationError(
                "the late flag probability must be between 0 and 1", field="late_probability"
            )
        conf.late_probability_threshold = late_probability_threshold
    conf.save()
    for code, engine in (engines or {}).items():
        entity = Entity.objects.filter(code=code).first()
        if entity is None:
            raise ValidationError(f"no entity {code!r}", field="engine")
        if engine not in ("auto", "scorecard", "model"):
            raise ValidationError(f"unknown engine {engine!r}", field="engine")
        EntityEngine.objects.update_or_create(entity=entity, defaults={"engine": engine})
    audit_record(
        actor=actor,
        action="risk.scorecard_update",
        object_type="risk.Scorecard",
        object_id=card.pk,
        summary=f"scorecard {card.code}: {len(rows)} bands, base {base_points}",
        before=before,
        after={"base_points": base_points, "bands": [str(b) for b in card.bands.all()]},
    )
    return card


def scoring_config(h: domain.History) -> tuple[ScoringConfig, list[str]]:
    """How each entity of ``h`` is scored (settings, scorecard, active models), with warnings."""
    conf = risk_settings()
    card = scorecard_default()
    policies_by_code = dict(EntityEngine.objects.values_list("entity__code", "engine"))
    actives = active_models()
    warnings: list[str] = []
    loaded: dict[str, tuple[dict[str, Any], str] | None] = {}
    problems: dict[str, str] = {}
    for scope, row in actives.items():
        try:
            loaded[scope] = (learning.load_bundle(row.path), row.label)
        except learning.ModelFileError as exc:
            loaded[scope] = None
            problems[scope] = str(exc)
            warnings.append(f"{exc}; scoring with the scorecard meanwhile")
    policies, bundles, model_problems = {}, {}, {}
    for i, code in enumerate(h.entities):
        policies[i] = policies_by_code.get(code, "auto")
        scope = code if code in actives else "all"
        bundles[i] = loaded.get(scope)
        if scope in problems:
            model_problems[i] = problems[scope]
    return (
        ScoringConfig(
            cutoffs=conf.class_cutoffs or list(DEFAULT_CUTOFFS),
            late_days=conf.late_days,
            min_history=conf.min_history,
            bands=scorecard_bands(card),
            base_points=card.base_points,
            policies=policies,
            bundles=bundles,
            model_problems=model_problems,
        ),
        warnings,
    )
