"""`openar export credit-memo-requests FILE`: one CSV row per request in the issue's columns."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from openar.cli import main
from openar.disputes.services import dispute_open, dispute_resolve
from tests.disputes.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_export_writes_one_row_per_request(books, people, tmp_path, capsys):
    empty = tmp_path / "none.csv"
    assert main(["export", "credit-memo-requests", str(empty)]) == 0
    assert empty.read_text().splitlines() == [
        "entity,customer_ref,document_ref,amount,currency,reason_code,case_id,requested_at"
    ]
    case = dispute_open(
        customer=books["acme"],
        items=[(books["inv2"], Decimal("120.00")), (books["inv1"], Decimal("30.50"))],
        reason_code="damaged", description="", opened_on=AS_OF, actor=people["collector"],
    )  # fmt: skip
    dispute_resolve(case=case, outcome="valid", note="photos show damage", on=AS_OF,
                    actor=people["research"])  # fmt: skip
    out = tmp_path / "requests.csv"
    assert main(["export", "credit-memo-requests", str(out)]) == 0
    assert "2 credit-memo-requests rows written" in capsys.readouterr().out
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [
        (r["entity"], r["customer_ref"], r["document_ref"], r["amount"], r["currency"],
         r["reason_code"], r["case_id"]) for r in rows
    ] == [
        ("US01", "ACME", "INV-2", "120.00", "USD", "damaged", str(case.pk)),
        ("US01", "ACME", "INV-1", "30.50", "USD", "damaged", str(case.pk)),
    ]  # fmt: skip
    assert rows[0]["requested_at"].startswith("20")


def test_export_needs_a_file(books, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "credit-memo-requests"])
    assert exit_.value.code == 2
    assert "FILE" in capsys.readouterr().err
