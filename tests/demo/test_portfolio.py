"""The demo portfolio: deterministic files, realistic shape, and a clean load."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from openar.demo.portfolio import FILES, OPEN_ITEMS_FILE, demo_data, generate_files

AS_OF = dt.date(2026, 6, 30)
CUSTOMERS = 60


def _generate(tmp_path: Path, seed: int, name: str) -> dict:
    return generate_files(
        customers=CUSTOMERS, collectors=None, seed=seed, as_of=AS_OF, output_dir=tmp_path / name
    )


def _hashes(summary: dict) -> dict[str, str]:
    return {
        kind: hashlib.sha256(Path(path).read_bytes()).hexdigest()
        for kind, path in summary["files"].items()
    }


def _rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> dict:
    return _generate(tmp_path_factory.mktemp("demo"), 7, "a")


def test_same_seed_gives_identical_files(portfolio, tmp_path):
    again = _generate(tmp_path, 7, "b")
    assert _hashes(again) == _hashes(portfolio)


def test_another_seed_gives_another_portfolio(portfolio, tmp_path):
    other = _generate(tmp_path, 8, "c")
    assert _hashes(other)["items"] != _hashes(portfolio)["items"]
    assert _hashes(other)["customers"] != _hashes(portfolio)["customers"]


def test_files_have_the_openar_headers(portfolio):
    expected = {
        "customers": "customer_ref,name,parent_ref,entity,currency,credit_limit,"
        "payment_terms_days,language,country,collector,segment,email,phone,address",
        "items": "entity,customer_ref,document_ref,document_type,document_date,due_date,"
        "currency,amount,open_amount,cleared_date,reference,po_number,disputed",
        "receipts": "entity,receipt_ref,customer_ref,receipt_date,currency,amount,method,"
        "remittance",
        "applications": "entity,receipt_ref,document_ref,amount,applied_date",
        "fx-rates": "date,from_currency,to_currency,rate",
    }
    for kind, header in expected.items():
        first = Path(portfolio["files"][kind]).read_text(encoding="utf-8").splitlines()[0]
        assert first == header, kind
    assert set(FILES) <= set(portfolio["files"])


def test_portfolio_shape(portfolio):
    customers = _rows(portfolio["files"]["customers"])
    items = _rows(portfolio["files"]["items"])
    assert len(customers) == CUSTOMERS
    assert portfolio["collectors"] == 1
    assert {c["collector"] for c in customers} == {"collector1"}
    # Several entities and currencies, languages that match the entity's country.
    assert {i["currency"] for i in items} >= {"USD", "MXN", "CRC", "PHP", "EUR"}
    for c in customers:
        assert (c["entity"], c["country"]) in {
            ("US01", "US"), ("MX01", "MX"), ("ES01", "ES"), ("CR01", "CR"), ("PH01", "PH")
        }  # fmt: skip
        assert c["language"] == ("en" if c["country"] in ("US", "PH") else "es")
        assert int(c["payment_terms_days"]) in (30, 45, 60)
        assert Decimal(c["credit_limit"]) > 0
    # Parent accounts come before their subsidiaries.
    seen: set[str] = set()
    children = 0
    for c in customers:
        if c["parent_ref"]:
            assert c["parent_ref"] in seen
            children += 1
        seen.add(c["customer_ref"])
    assert children >= 2
    assert {c["segment"] for c in customers} >= {"key", "standard", "small"}
    # Credit memos are negative, disputes exist, history is there with cleared dates.
    types = defaultdict(list)
    for i in items:
        types[i["document_type"]].append(i)
    assert all(Decimal(i["amount"]) < 0 for i in types["credit_memo"])
    assert types["credit_memo"] and types["invoice"]
    assert any(i["disputed"] == "true" for i in items)
    assert portfolio["history_items"] > portfolio["open_items"] > 0
    for i in items:
        if i["cleared_date"]:
            assert Decimal(i["open_amount"]) == 0
            assert i["cleared_date"] <= AS_OF.isoformat()
        assert i["document_date"] <= AS_OF.isoformat()


def test_amounts_respect_minor_units_and_refs_are_unique(portfolio):
    amount = re.compile(r"^-?\d+\.\d{2}$")  # every demo currency has two decimals
    refs: set[tuple[str, str]] = set()
    for i in _rows(portfolio["files"]["items"]):
        assert amount.match(i["amount"]) and amount.match(i["open_amount"]), i
        key = (i["entity"], i["document_ref"])
        assert key not in refs
        refs.add(key)
    receipts: set[tuple[str, str]] = set()
    for r in _rows(portfolio["files"]["receipts"]):
        assert amount.match(r["amount"])
        assert r["receipt_date"] <= AS_OF.isoformat()
        key = (r["entity"], r["receipt_ref"])
        assert key not in receipts
        receipts.add(key)
    for rate in _rows(portfolio["files"]["fx-rates"]):
        assert len(rate["rate"].split(".")[1]) <= 10
        assert Decimal(rate["rate"]) > 0


def test_cash_is_consistent(portfolio):
    """Receipts equal what they apply; documents are never over-applied; short payments and
    partial payments leave open balances; some cash is unidentified."""
    receipts = {(r["entity"], r["receipt_ref"]): r for r in _rows(portfolio["files"]["receipts"])}
    items = {(i["entity"], i["document_ref"]): i for i in _rows(portfolio["files"]["items"])}
    by_receipt: dict = defaultdict(Decimal)
    by_document: dict = defaultdict(Decimal)
    for a in _rows(portfolio["files"]["applications"]):
        receipt = receipts[(a["entity"], a["receipt_ref"])]
        assert a["applied_date"] == receipt["receipt_date"]
        by_receipt[(a["entity"], a["receipt_ref"])] += Decimal(a["amount"])
        by_document[(a["entity"], a["document_ref"])] += Decimal(a["amount"])
    for key, total in by_receipt.items():
        assert total == Decimal(receipts[key]["amount"])
    for key, total in by_document.items():
        assert total <= Decimal(items[key]["amount"])
    paid_short = [
        k for k, total in by_document.items() if Decimal(items[k]["open_amount"]) > 0 and total
    ]
    assert paid_short, "some items are partly paid"
    assert any(
        r["remittance"].startswith(("PAYMENT INV", "PAGO FACTURAS")) for r in receipts.values()
    )
    unapplied = [k for k in receipts if k not in by_receipt]
    assert unapplied


def test_behaviours_differ(portfolio):
    """Some accounts have nothing past due, some have items 120+ days past due."""
    oldest: dict[str, int] = {}
    for i in _rows(Path(portfolio["files"]["items"]).parent / OPEN_ITEMS_FILE):
        if Decimal(i["open_amount"]) <= 0:
            continue
        days = (AS_OF - dt.date.fromisoformat(i["due_date"])).days
        oldest[i["customer_ref"]] = max(oldest.get(i["customer_ref"], -999), days)
    customers = {c["customer_ref"] for c in _rows(portfolio["files"]["customers"])}
    not_past_due = [c for c in customers if oldest.get(c, -1) <= 0]
    very_late = [c for c in customers if oldest.get(c, -1) > 120]
    assert len(not_past_due) >= 3
    assert len(very_late) >= 3


@pytest.mark.django_db
def test_demo_data_loads_cleanly(tmp_path, capsys):
    from django.contrib.auth import get_user_model

    from openar.comms.parties import postal_block
    from openar.ledger.models import Customer, CustomerAging, Document, Entity, Receipt
    from openar.ledger.selectors import aging_report

    summary = demo_data(
        customers=CUSTOMERS,
        collectors=2,
        seed=11,
        as_of=AS_OF,
        output_dir=str(tmp_path / "load"),
        load=True,
        reset=True,
    )
    for kind, outcome in summary["loaded"].items():
        assert outcome["rejected"] == 0, kind
        assert outcome["created"] == outcome["rows"] > 0, kind
    assert "OPENAR_DEMO_MODE is off" in capsys.readouterr().err
    assert Entity.objects.count() == 5
    assert Customer.objects.count() == CUSTOMERS
    assert Customer.objects.filter(parent__isnull=False).exists()
    assert Document.objects.filter(disputed=True).exists()
    assert Receipt.objects.filter(customer__isnull=True).exists() or summary["receipts"] > 0
    assert set(Customer.objects.values_list("collector__username", flat=True)) == {
        "collector1",
        "collector2",
    }
    users = get_user_model().objects
    # Outside demo mode the demo users have no password anyone knows (issue 15, defect 14).
    for username in ("admin", "manager", "collector1", "collector2", "research", "cashapp"):
        user = users.get(username=username)
        assert not user.has_usable_password() and not user.check_password("demo")
    assert users.get(username="admin").is_superuser
    # Letters carry a postal address in the customer's country; a few customers have no email.
    for customer in Customer.objects.all():
        block = postal_block(customer.name, customer.attributes, customer.country)
        assert len(block.splitlines()) >= 4, customer.customer_ref
    assert Customer.objects.filter(email="").exists()
    assert Customer.objects.exclude(email="").count() > CUSTOMERS * 0.8
    assert CustomerAging.objects.count() > 0
    report = aging_report(as_of=AS_OF)
    assert report.total > 0
    assert report.totals["120+"] > 0
    assert not report.unconverted

    # Loading again on top of the same data after a reset gives the same totals.
    again = demo_data(
        customers=CUSTOMERS,
        collectors=2,
        seed=11,
        as_of=AS_OF,
        output_dir=str(tmp_path / "load"),
        load=True,
        reset=True,
    )
    assert again["open_items"] == summary["open_items"]
    assert aging_report(as_of=AS_OF).total == report.total


@pytest.mark.django_db
def test_demo_users_are_idempotent_and_printed(capsys):
    from django.contrib.auth import get_user_model

    from openar.core.roles import has_role
    from openar.demo.users import ensure_demo_users, print_demo_logins

    first = ensure_demo_users(3)
    second = ensure_demo_users(3)
    assert first == second
    assert first == [
        "admin", "manager", "collector1", "collector2", "collector3", "research", "cashapp",
        "credit",
    ]  # fmt: skip
    users = get_user_model().objects
    assert users.filter(username__in=first).count() == 8
    collector = users.get(username="collector2")
    assert collector.first_name and collector.last_name
    assert has_role(collector, "collector") and not has_role(collector, "manager")
    assert has_role(users.get(username="cashapp"), "cashapp")
    print_demo_logins("http://127.0.0.1:8000/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    assert "password: demo" in out
    assert "collector1 .. collector3" in out
    for name in ("admin", "manager", "research", "cashapp", "credit"):
        assert name in out


@pytest.mark.django_db
def test_serve_prints_the_demo_logins_only_in_demo_mode(capsys, settings):
    """`openar serve` runs the banners apps register; the demo's lists the logins in demo mode."""
    from openar.core.commands import _SERVE_BANNERS
    from openar.demo.apps import _demo_logins_banner

    assert _demo_logins_banner in _SERVE_BANNERS
    settings.OPENAR_DEMO_MODE = False
    _demo_logins_banner("http://127.0.0.1:8000/")
    assert capsys.readouterr().out == ""
    settings.OPENAR_DEMO_MODE = True
    _demo_logins_banner("http://127.0.0.1:8000/")
    assert "OpenAR demo: http://127.0.0.1:8000/" in capsys.readouterr().out


def test_addresses_are_written_as_each_country_writes_them():
    import random

    from openar.demo.addresses import postal_address

    rng = random.Random(3)
    mx = postal_address("MX", rng).splitlines()
    assert re.match(r"^\d{5} .+, .+$", mx[-1])  # "03100 Ciudad de México, CDMX"
    us = postal_address("US", rng).splitlines()
    assert re.match(r"^[A-Za-z .]+, [A-Z]{2} \d{5}$", us[-1])  # "Austin, TX 78701"
    cr = postal_address("CR", rng).splitlines()
    assert len(cr) == 3 and re.match(r"^\d{5} ", cr[-1])
    ph = postal_address("PH", rng).splitlines()
    assert re.search(r" \d{4}$", ph[1])
    es = postal_address("ES", rng).splitlines()
    assert re.match(r"^\d{5} ", es[-1])
