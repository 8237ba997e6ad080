"""The Risk page: class distribution, models, backtests, and the scorecard editor (managers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openar.core.dates import parse_iso_date, today
from openar.core.errors import OpenARError, ValidationError
from openar.core.roles import Role, check_role, has_role
from openar.ledger.models import Entity
from openar.risk.charts import class_bars_svg
from openar.risk.choices import EnginePolicy
from openar.risk.domain import SCORECARD_FEATURES
from openar.risk.models import Backtest, CustomerScore, EntityEngine, RiskModel
from openar.risk.selectors import class_distribution, scorecard_bands
from openar.risk.services import (
    BandInput,
    risk_settings,
    scorecard_default,
    scorecard_update,
)

EXTRA_BANDS = 3


def _feature_choices() -> list[tuple[str, str]]:
    labels = {
        "mean_late": _("Average days late"),
        "wavg_late": _("Days beyond terms, weighted by amount"),
        "share_late": _("Share of invoices paid late"),
        "share_late30": _("Share paid more than the late threshold late"),
        "late_trend": _("Trend of days late (last quarter minus the one before)"),
        "share_partial": _("Share paid in parts or short"),
        "past_due_util": _("Past due / credit limit"),
        "util": _("Balance / credit limit"),
        "max_dpd": _("Days past due of the oldest open item"),
        "disputes_open": _("Open disputes"),
        "promises_broken": _("Broken promises (90 days)"),
        "promises_kept": _("Kept promises (90 days)"),
        "tenure_days": _("Days as a customer"),
        "rating_score": _("Bureau rating (0-100)"),
        "group_mean_late": _("Group's average days late"),
        "n_paid": _("Invoices paid in the last year"),
    }
    return [(code, labels.get(code, code)) for code in SCORECARD_FEATURES]


EDIT_DENIED = gettext_lazy("Only a collections manager can change the scorecard.")


def _can_edit(request: HttpRequest) -> bool:
    return has_role(request.user, Role.MANAGER)


@login_required
def risk_index_view(request: HttpRequest) -> HttpResponse:
    as_of = today()
    if request.GET.get("as_of"):
        try:
            as_of = parse_iso_date(request.GET["as_of"], field="as_of")
        except ValidationError as exc:
            messages.error(request, exc.message)
    day, counts = class_distribution(as_of=as_of)
    total = sum(counts.values())
    engines: dict[str, int] = {}
    if day is not None:
        for engine in CustomerScore.objects.filter(as_of=day).values_list("engine", flat=True):
            engines[engine] = engines.get(engine, 0) + 1
    return render(
        request,
        "risk/index.html",
        {
            "as_of": as_of,
            "scored_on": day,
            "counts": counts,
            "total": total,
            "engines": engines,
            "chart": mark_safe(class_bars_svg(counts, title=_("Customers per risk class")))
            if total
            else "",
            "models": RiskModel.objects.order_by("scope", "-version")[:20],
            "backtests": Backtest.objects.all()[:20],
            "settings": risk_settings(),
            "can_edit": _can_edit(request),
        },
    )


def _float(text: str, field: str, line: int) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        if not line:
            message = _("%(value)r is not a number") % {"value": text}
        else:
            message = _("band %(n)d: %(value)r is not a number") % {"n": line, "value": text}
        raise ValidationError(message, field=field) from None


def _int(text: str, field: str, label: str) -> int:
    try:
        return int(text.strip())
    except (ValueError, AttributeError):
        raise ValidationError(
            _("%(label)s must be a whole number") % {"label": label}, field=field
        ) from None


def _bands_from_post(post: Any) -> list[BandInput]:
    bands = []
    count = _int(post.get("band_count", "0"), "band_count", "band_count")
    for n in range(count):
        feature = post.get(f"feature_{n}", "").strip()
        if not feature or post.get(f"delete_{n}"):
            continue
        points_text = post.get(f"points_{n}", "").strip()
        if not points_text:
            raise ValidationError(
                _("band %(n)d: points are required") % {"n": n + 1}, field="points"
            )
        bands.append(
            BandInput(
                feature=feature,
                low=_float(post.get(f"low_{n}", ""), "low", n + 1),
                high=_float(post.get(f"high_{n}", ""), "high", n + 1),
                points=_int(points_text, "points", _("points")),
                missing=bool(post.get(f"missing_{n}")),
            )
        )
    return bands


@login_required
def scorecard_view(request: HttpRequest) -> HttpResponse:
    card = scorecard_default()
    conf = risk_settings()
    entities = list(Entity.objects.order_by("code"))
    engine_of = dict(EntityEngine.objects.values_list("entity_id", "engine"))
    error: OpenARError | None = None
    if request.method == "POST":
        check_role(request.user, Role.MANAGER, message=EDIT_DENIED)
        post = request.POST
        try:
            cutoffs = [
                _int(request.POST.get(f"cutoff_{c}", ""), f"cutoff_{c}", _("cut-off"))
                for c in "ABCD"
            ]
            scorecard_update(
                actor=request.user,
                base_points=_int(post.get("base_points", ""), "base_points", _("base points")),
                bands=_bands_from_post(request.POST),
                class_cutoffs=cutoffs,
                late_days=_int(post.get("late_days", ""), "late_days", _("late threshold")),
                min_history=_int(post.get("min_history", ""), "min_history", _("history needed")),
                engines={e.code: request.POST.get(f"engine_{e.code}", "auto") for e in entities},
                late_probability_threshold=_float(
                    post.get("late_probability", ""), "late_probability", 0
                ),
            )  # fmt: skip
        except OpenARError as exc:
            error = exc
        else:
            messages.success(request, _("Scorecard saved. It applies from the next score refresh."))
            return redirect("risk:scorecard")
    bands = [
        {
            "feature": b.feature,
            "low": b.low,
            "high": b.high,
            "points": b.points,
            "missing": b.missing,
        }
        for b in scorecard_bands(card)
    ] + [{"feature": "", "low": None, "high": None, "points": "", "missing": False}] * EXTRA_BANDS
    return render(
        request,
        "risk/scorecard.html",
        {
            "card": card,
            "bands": bands,
            "band_count": len(bands),
            "features": _feature_choices(),
            "settings": conf,
            "cutoffs": list(zip("ABCD", conf.class_cutoffs, strict=False)),
            "entities": [(e, engine_of.get(e.id, "auto")) for e in entities],
            "engine_choices": EnginePolicy.choices,
            "can_edit": _can_edit(request),
            "error": error,
        },
    )
