"""`openar import open-orders FILE` / `openar import shipments FILE`: the ERP's whole list for
the entities it names (an order no longer listed leaves exposure); a bad row rejects the file
with its line and field and changes nothing, unless --partial."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from openar import cli
from openar.credit.models import OpenOrder
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = "entity,customer_ref,order_ref,order_date,currency,amount\n"


@pytest.fixture
def customers():
    return [CustomerFactory(customer_ref="A1"), CustomerFactory(customer_ref="A2")]


def write(tmp_path, body, name="orders.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_a_file_replaces_the_open_orders_of_its_entities(tmp_path, customers, capsys):
    first = write(tmp_path, "US01,A1,SO1,2026-06-01,USD,100.00\nUS01,A2,SO2,,USD,250.50\n")
    assert cli.main(["import", "open-orders", first]) == 0
    assert OpenOrder.objects.filter(kind="order").count() == 2
    assert cli.main(["import", "open-orders", first]) == 0  # twice: nothing changes
    assert "unchanged 2" in capsys.readouterr().out
    second = write(tmp_path, "US01,A1,SO1,2026-06-01,USD,80.00\n", "next.csv")
    assert cli.main(["import", "open-orders", second, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["updated"], summary["closed"], summary["status"]) == (1, 1, "loaded")
    assert list(OpenOrder.objects.values_list("order_ref", "amount")) == [("SO1", D("80.00"))]
    ships = write(tmp_path, "US01,A2,DN1,2026-06-20,USD,40\n", "ships.csv")
    assert cli.main(["import", "shipments", ships]) == 0
    assert OpenOrder.objects.filter(kind="shipment").count() == 1
    assert OpenOrder.objects.filter(kind="order").count() == 1  # another kind's list stays


def test_a_bad_row_rejects_the_file_naming_line_and_field(tmp_path, customers, capsys):
    good = write(tmp_path, "US01,A1,SO1,,USD,100.00\n")
    cli.main(["import", "open-orders", good])
    bad = write(
        tmp_path,
        "US01,A1,SO1,,USD,90.00\nUS01,ZZ,SO3,,USD,5\nUS01,A2,SO4,,USD,-1\nUS01,A2,SO5,,XXX,1\n",
        "bad.csv",
    )
    assert cli.main(["import", "open-orders", bad]) == 1
    err = capsys.readouterr().err
    assert "line 3, customer_ref: unknown customer 'ZZ'" in err
    assert "line 4, amount: must not be negative" in err
    assert "line 5, currency" in err
    assert list(OpenOrder.objects.values_list("order_ref", "amount")) == [("SO1", D("100.00"))]
    assert cli.main(["import", "open-orders", bad, "--partial"]) == 0
    assert list(OpenOrder.objects.values_list("order_ref", "amount")) == [("SO1", D("90.00"))]


def test_a_missing_column_is_named(tmp_path, customers, capsys):
    path = tmp_path / "x.csv"
    path.write_text("customer_ref,order_ref,amount\nA1,SO1,5\n", encoding="utf-8")
    assert cli.main(["import", "shipments", str(path)]) == 1
    assert "missing column(s) entity, currency" in capsys.readouterr().err
