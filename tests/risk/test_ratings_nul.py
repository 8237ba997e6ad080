"""A NUL character in a ratings file is bad input naming line and field (issue 15, defect 4)."""

from __future__ import annotations

from openar.cli import main
from openar.risk.models import CreditRating


def test_nul_in_a_ratings_field_is_refused(tmp_path, customer, capsys):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "customer_ref,provider,rating,limit,date\n"
        f"{customer.customer_ref},Cof\x00ace,7,50000,2026-05-01\n",
        encoding="utf-8",
    )
    assert main(["score", "import-ratings", str(path)]) == 1
    assert "line 2: provider: holds a NUL character" in capsys.readouterr().err
    assert CreditRating.objects.count() == 0
