"""Bureau / credit-insurer ratings: import, refusal of bad files, the feature, the panel."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from openar.cli import main
from openar.risk.models import CreditRating
from openar.risk.services import rating_score, ratings_import, scores_refresh
from tests.factories import CustomerFactory

from .conftest import AS_OF


@pytest.mark.parametrize(
    ("text", "score"),
    [("AAA", 100), ("BB+", 63), ("bb-", 57), ("D", 5), ("7", 70), ("0", 0), ("85", 85),
     ("", None), ("ZZ", None), ("250", None)],
)  # fmt: skip
def test_rating_scale(text, score):
    assert rating_score(text) == score


def test_import_ratings_file(tmp_path, customer, capsys):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "customer_ref,provider,rating,limit,date\n"
        f"{customer.customer_ref},Coface,7,50000,2026-05-01\n"
        f"{customer.customer_ref},Equifax,BB+,,2026-06-01\n",
        encoding="utf-8",
    )
    assert main(["score", "import-ratings", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 2 and out["rejected"] == 0
    coface = CreditRating.objects.get(provider="Coface")
    assert coface.score == 70
    assert coface.limit_amount == Decimal("50000") and coface.currency == "USD"
    # Loading the same file again changes nothing.
    assert main(["score", "import-ratings", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == 2
    assert CreditRating.objects.count() == 2


def test_bad_rows_are_reported_by_line_and_field_and_nothing_is_written(tmp_path, customer, capsys):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "customer_ref,provider,rating,limit,date\n"
        f"{customer.customer_ref},Coface,7,50000,2026-05-01\n"
        "NOPE,Coface,7,,2026-05-01\n"
        f"{customer.customer_ref},Coface,excellent,-5,2026-13-01\n",
        encoding="utf-8",
    )
    assert main(["score", "import-ratings", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 3: customer_ref: no customer 'NOPE'" in err
    assert "line 4: rating:" in err
    assert "line 4: limit: limit cannot be negative" in err
    assert "line 4: date:" in err
    assert "nothing was written" in err
    assert CreditRating.objects.count() == 0


def test_missing_column_is_refused(tmp_path, db):
    path = tmp_path / "ratings.csv"
    path.write_text("customer_ref,provider,rating,date\nC1,X,7,2026-01-01\n", encoding="utf-8")
    with pytest.raises(Exception, match="missing column"):
        ratings_import(path=path, actor="test")


def test_a_poor_rating_lowers_the_scorecard_score(entity, builder):
    a = CustomerFactory(entity=entity)
    b = CustomerFactory(entity=entity)
    for c in (a, b):
        builder.series(c, count=5, late=3, first=AS_OF - dt.timedelta(days=200))
    CreditRating.objects.create(customer=b, provider="Coface", rating="2", score=20,
                                rated_on=AS_OF - dt.timedelta(days=30))  # fmt: skip
    scores_refresh(as_of=AS_OF, actor="test")
    sa = a.risk_scores.get(as_of=AS_OF)
    sb = b.risk_scores.get(as_of=AS_OF)
    assert sb.score < sa.score
    assert "rating" in [r["code"] for r in sb.reasons]
