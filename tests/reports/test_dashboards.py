"""The dashboards: the manager's and the collector's, on snapshots, with filters, in EN and ES."""

from __future__ import annotations

import datetime as dt

import pytest

from openar.reports import charts
from openar.reports.services import snapshot_take
from tests.clock import ON_TODAY
from tests.factories import EntityFactory, UserFactory

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def snapshots(portfolio):
    # The week ends the 13-week trend reads (the day before the period for its KPIs too).
    for week in range(14):
        snapshot_take(as_of=AS_OF - dt.timedelta(days=7 * week), actor="test")
    return portfolio


@ON_TODAY
def test_manager_dashboard(client, snapshots, django_assert_max_num_queries):
    manager = UserFactory(username="maria", roles=["manager"])
    client.force_login(manager)
    with django_assert_max_num_queries(60):
        response = client.get("/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Portfolio trend", "DSO trend", "Aging by week", "Top past-due accounts",
                  "Collector leaderboard", "Disputes by reason"):  # fmt: skip
        assert title in html
    assert html.count("<svg") >= 4 and "<script" not in html.split("</header>", 1)[1]
    # The tooltip says what the KPI is.
    assert 'title="Open receivables on the date ÷ amount invoiced' in html
    assert "61.1" in html  # DSO over the 13 weeks' 91 days: 4700 / 7000 * 91
    assert "Acme" in html and "Bolt" in html


@ON_TODAY
def test_filters_and_spanish(client, snapshots):
    manager = UserFactory(username="maria", roles=["manager"])
    client.force_login(manager)
    html = client.get("/reports/", {"collector": "bob"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Bolt" in html and "Acme" not in html
    assert "Tendencia de la cartera" in html and "Clasificación de cobradores" in html
    EntityFactory(code="MX01", name="Mexico", currency="MXN")  # no accounts: an empty report
    empty = client.get("/reports/", {"entity": "MX01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200 and "No past-due accounts." in empty.content.decode()
    future = client.get("/reports/", {"as_of": "2026-07-05"})
    assert future.status_code == 200 and "Choose a date up to today." in future.content.decode()


@ON_TODAY
def test_collector_dashboard(client, snapshots):
    client.force_login(snapshots["ana"])
    response = client.get("/reports/mine/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "My targets" in html and "My portfolio" in html and "My promises" in html
    assert "Acme" in html and "Bolt" not in html  # only her accounts
    assert "1 <small>/ 50</small>" in html  # one call today of 50
    # A collector cannot open the manager's page, nor someone else's dashboard.
    assert client.get("/reports/").status_code == 403
    other = client.get("/reports/mine/", {"collector": "bob"}).content.decode()
    assert "Bolt" not in other


def test_charts_escape_and_scale():
    svg = charts.line_chart(["a<b", "c"], [charts.Series("x&y", [1, 2500], "#000")], label="t")
    assert "a&lt;b" in svg and "x&amp;y" in svg and "2.5k" in svg
    assert charts.nice_ticks(2300) == [0, 1000, 2000, 3000]
    assert charts.compact(1_250_000) == "1.2M"
