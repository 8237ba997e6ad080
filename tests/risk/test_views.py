"""The customer-page panel, the Risk page, the scorecard editor and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from openar.risk.models import Backtest, CreditRating, ScorecardBand
from openar.risk.services import scorecard_default, scores_refresh
from tests.clock import ON_TODAY
from tests.factories import UserFactory

from .conftest import AS_OF

pytestmark = ON_TODAY


@pytest.fixture
def scored(customer, builder):
    builder.series(customer, count=6, late=45, first=AS_OF - dt.timedelta(days=300))
    builder.invoice(customer, issued=AS_OF - dt.timedelta(days=100), late=None)
    CreditRating.objects.create(customer=customer, provider="Coface", rating="6", score=60,
                                rated_on=AS_OF - dt.timedelta(days=10))  # fmt: skip
    scores_refresh(as_of=AS_OF - dt.timedelta(days=30), actor="test")
    scores_refresh(as_of=AS_OF, actor="test")
    return customer


def _client(*roles: str) -> Client:
    client = Client()
    client.force_login(UserFactory(roles=list(roles)))
    return client


def test_customer_page_shows_score_class_trend_reasons_and_rating(scored):
    html = (
        _client("collector")
        .get(f"/customers/{scored.customer_ref}/?as_of={AS_OF.isoformat()}")
        .content.decode()
    )
    assert 'id="risk-panel"' in html
    score = scored.risk_scores.get(as_of=AS_OF)
    assert f'id="risk-score">{score.score}<' in html
    assert f"risk-class-{score.risk_class}" in html
    assert "<svg" in html and "<polyline" in html  # two scores: a trend line
    assert "pays 45 days late on average" in html
    assert "Coface: 6" in html
    assert "<script" not in html.split('id="risk-panel"')[1].split("</section>")[0]


def test_customer_page_in_spanish(scored):
    client = _client("collector")
    html = client.get(
        f"/customers/{scored.customer_ref}/?as_of={AS_OF.isoformat()}",
        headers={"accept-language": "es"},
    ).content.decode()
    assert "Riesgo de crédito" in html
    assert "paga con 45 días de retraso en promedio" in html


def test_panel_before_any_score_says_so(customer):
    html = _client("collector").get(f"/customers/{customer.customer_ref}/").content.decode()
    assert "Not scored yet" in html


def test_risk_page_shows_distribution_and_backtests(scored):
    Backtest.objects.create(train_until=dt.date(2026, 1, 31), test_until=AS_OF, engine="model",
                            n_train=10, n_test=5, mae_days=4.5, auc=0.81, precision=0.7,
                            recall=0.6, baseline_terms_mae=9.0,
                            baseline_customer_mae=6.0)  # fmt: skip
    response = _client("collector").get(f"/risk/?as_of={AS_OF.isoformat()}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="class-distribution"' in html and "<rect" in html
    assert "4.50" in html and "0.810" in html
    assert "View the scorecard" in html  # a collector cannot edit


def test_manager_edits_the_scorecard(db):
    card = scorecard_default()
    client = _client("manager")
    page = client.get("/risk/scorecard/").content.decode()
    assert "Save scorecard" in page
    data = {
        "base_points": "500", "cutoff_A": "850", "cutoff_B": "700", "cutoff_C": "550",
        "cutoff_D": "400", "late_days": "45", "min_history": "5", "band_count": "2",
        "late_probability": "0.4",
        "feature_0": "mean_late", "low_0": "10", "high_0": "", "points_0": "-120",
        "feature_1": "util", "missing_1": "on", "points_1": "-10",
    }  # fmt: skip
    response = client.post("/risk/scorecard/", data)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.base_points == 500
    bands = list(ScorecardBand.objects.filter(scorecard=card).order_by("order"))
    assert [(b.feature, b.low, b.high, b.missing, b.points) for b in bands] == [
        ("mean_late", 10.0, None, False, -120),
        ("util", None, None, True, -10),
    ]
    from openar.risk.services import risk_settings

    conf = risk_settings()
    assert conf.class_cutoffs == [850, 700, 550, 400] and conf.late_days == 45
    assert conf.late_probability_threshold == 0.4


def test_bad_scorecard_input_is_shown_and_changes_nothing(db):
    card = scorecard_default()
    before = card.bands.count()
    client = _client("manager")
    response = client.post("/risk/scorecard/", {
        "base_points": "500", "cutoff_A": "300", "cutoff_B": "700", "cutoff_C": "550",
        "cutoff_D": "400", "late_days": "30", "min_history": "3", "band_count": "1",
        "feature_0": "mean_late", "low_0": "20", "high_0": "10", "points_0": "-5",
    })  # fmt: skip
    assert response.status_code == 200
    assert "scorecard-error" in response.content.decode()
    assert card.bands.count() == before


def test_collector_cannot_edit_the_scorecard(db):
    response = _client("collector").post("/risk/scorecard/", {"base_points": "1"})
    assert response.status_code == 403
    assert scorecard_default().base_points == 600


def test_api_score_with_reasons_and_history(scored):
    client = _client("collector")
    body = client.get(f"/api/risk/scores/{scored.customer_ref}?language=es").json()
    assert body["customer_ref"] == scored.customer_ref
    assert 0 <= body["score"] <= 1000 and body["risk_class"] in "ABCDE"
    assert len(body["history"]) == 2
    assert body["reasons"][0]["code"]
    assert any("retraso" in r["text"] for r in body["reasons"])
    missing = client.get("/api/risk/scores/NOPE").json()
    assert missing["code"] == "not_found" and missing["field"] == "customer_ref"


def test_api_list_by_class(scored):
    client = _client("collector")
    score = scored.risk_scores.get(as_of=AS_OF)
    body = client.get(f"/api/risk/scores?risk_class={score.risk_class}").json()
    assert body["as_of"] == AS_OF.isoformat()
    assert body["count"] == 1
    assert body["items"][0]["customer_ref"] == scored.customer_ref
    other = "A" if score.risk_class != "A" else "E"
    assert client.get(f"/api/risk/scores?risk_class={other}").json()["count"] == 0
    bad = client.get("/api/risk/scores?risk_class=Z")
    assert bad.status_code == 400 and bad.json()["field"] == "risk_class"
