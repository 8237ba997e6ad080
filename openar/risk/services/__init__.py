"""Writes of the risk app: score refresh, training, backtests, bureau ratings, the scorecard.

The package splits along the seams: ``scorecard`` (the points table, settings and the scoring
configuration), ``training`` (the learned model and its backtest), ``refresh`` (the daily scores
and predictions) and ``ratings`` (bureau ratings). Every public name is importable from here;
the reads they share live in ``openar.risk.selectors``.
"""

from openar.risk.services.common import Progress, models_dir
from openar.risk.services.ratings import (
    RATING_COLUMNS,
    RatingImportResult,
    rating_score,
    ratings_import,
)
from openar.risk.services.refresh import RefreshResult, scores_refresh, scores_refresh_run
from openar.risk.services.scorecard import (
    DEFAULT_SCORECARD,
    BandInput,
    risk_settings,
    scorecard_default,
    scorecard_update,
    scoring_config,
)
from openar.risk.services.training import (
    TrainResult,
    backtest_json,
    backtest_run,
    model_train,
)

__all__ = [
    "DEFAULT_SCORECARD",
    "RATING_COLUMNS",
    "BandInput",
    "Progress",
    "RatingImportResult",
    "RefreshResult",
    "TrainResult",
    "backtest_json",
    "backtest_run",
    "model_train",
    "models_dir",
    "rating_score",
    "ratings_import",
    "risk_settings",
    "scorecard_default",
    "scorecard_update",
    "scores_refresh",
    "scores_refresh_run",
    "scoring_config",
]
