"""Write-offs: asked for with a reason, approved by someone else within their approval limit
(collector < 500, credit < 2500, manager < 10,000, above: an administrator); on approval the
items' open amounts fall (the as-of aging still shows them before the day) and journal lines
go to the ERP; bad input names its field and changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal as D

import pytest

from openar import cli
from openar.activity.models import ContactLog
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.credit.models import WriteOff
from openar.credit.services import write_off_decide, write_off_request
from openar.ledger.models import Document
from openar.ledger.selectors import AgingFilters, aging_report
from tests.factories import CustomerFactory, DocumentFactory, UserFactory
from tests.strategy.helpers import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        name: UserFactory(username=name, roles=roles, is_superuser=name == "root")
        for name, roles in (
            ("col", ["collector"]), ("col2", ["collector"]), ("cred", ["credit"]),
            ("mgr", ["manager"]), ("root", []), ("cash", ["cashapp"]),
        )
    }  # fmt: skip


@pytest.fixture
def items():
    cust = CustomerFactory(customer_ref="WO1")
    return [
        DocumentFactory(customer=cust, document_ref="INV-A", amount=D("300.00")),
        DocumentFactory(customer=cust, document_ref="INV-B", amount=D("12000.00")),
    ]


def ask(people, items, amounts, who="col", reason="Small balance"):
    return write_off_request(
        customer=items[0].customer,
        items=[
            {"entity": "US01", "document_ref": d.document_ref, "amount": a}
            for d, a in zip(items, amounts, strict=False)
        ],
        reason=reason, actor=people[who], as_of=AS_OF,
    )  # fmt: skip


def test_approved_within_the_limit_the_open_amount_falls(people, items):
    w = ask(people, items[:1], ["120.00"])
    assert (w.amount, w.reporting_amount, w.status) == (D("120.00"), D("120.00"), "pending")
    with pytest.raises(PermissionDenied) as own:
        write_off_decide(write_off=w, approve=True, actor=people["col"], as_of=AS_OF)
    assert own.value.field == "decided_by"
    write_off_decide(write_off=w, approve=True, actor=people["col2"], as_of=AS_OF, note="ok")
    w.refresh_from_db()
    assert (w.status, w.decided_by.username, w.posted_on) == ("approved", "col2", AS_OF)
    assert Document.objects.get(document_ref="INV-A").open_amount == D("180.00")
    filters = AgingFilters(customer_ref="WO1")
    assert aging_report(as_of=AS_OF - dt.timedelta(1), filters=filters).total == D("12300.00")
    assert aging_report(as_of=AS_OF, filters=filters).total == D("12180.00")
    notes = " ".join(ContactLog.objects.values_list("note", flat=True))
    assert "Write-off of 120.00 USD asked for by col (INV-A): Small balance" in notes
    assert "Write-off of 120.00 USD approved by col2: ok" in notes
    with pytest.raises(Conflict):
        write_off_decide(write_off=w, approve=False, actor=people["mgr"], as_of=AS_OF)


def test_the_approval_chain_by_amount(people, items):
    small = ask(people, items, ["300.00", "200.00"], who="cred")  # 500: not under 500
    with pytest.raises(PermissionDenied) as caught:
        write_off_decide(write_off=small, approve=True, actor=people["col"], as_of=AS_OF)
    assert caught.value.field == "amount" and "Credit analyst approves it" in caught.value.message
    big = ask(people, items[1:], ["10500.00"], who="cred")
    with pytest.raises(PermissionDenied):
        write_off_decide(write_off=big, approve=True, actor=people["mgr"], as_of=AS_OF)
    write_off_decide(write_off=small, approve=True, actor=people["mgr"], as_of=AS_OF)
    write_off_decide(write_off=big, approve=True, actor=people["root"], as_of=AS_OF)
    left = Document.objects.order_by("document_ref").values_list("open_amount", flat=True)
    assert list(left) == [D("0.00"), D("1300.00")]
    assert Document.objects.get(document_ref="INV-A").cleared_date == AS_OF


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ([{"entity": "US01", "document_ref": "INV-A", "amount": "300.01"}], "items[0].amount"),
        ([{"entity": "US01", "document_ref": "INV-A", "amount": "-5"}], "items[0].amount"),
        ([{"entity": "US01", "document_ref": "NOPE", "amount": "5"}], "items[0].document_ref"),
        ([], "items"),
    ],
)
def test_bad_requests_name_the_field_and_change_nothing(people, items, entries, field):
    with pytest.raises(ValidationError) as caught:
        write_off_request(customer=items[0].customer, items=entries, reason="x",
                          actor=people["col"], as_of=AS_OF)  # fmt: skip
    assert caught.value.field == field
    assert not WriteOff.objects.exists()


def test_who_may_ask(people, items):
    with pytest.raises(PermissionDenied):
        ask(people, items[:1], ["1"], who="cash")
    with pytest.raises(ValidationError) as caught:
        ask(people, items[:1], ["1"], reason=" ")
    assert caught.value.field == "reason"


def test_the_posting_export_writes_journal_lines(people, items, tmp_path, settings):
    settings.OPENAR_WRITE_OFF_ACCOUNTS = {"expense": "6850", "receivable": "1200"}
    w = ask(people, items[:1], ["120.00"])
    ask(people, items[1:], ["50.00"])  # pending: not posted
    write_off_decide(write_off=w, approve=True, actor=people["mgr"], as_of=AS_OF)
    target = tmp_path / "postings.csv"
    assert cli.main(["export", "write-offs", str(target)]) == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["account"], r["debit"], r["credit"]) for r in rows] == [
        ("6850", "120.00", ""), ("1200", "", "120.00"),
    ]  # fmt: skip
    assert rows[0]["entity"] == "US01" and rows[0]["posting_date"] == AS_OF.isoformat()
    assert rows[0]["write_off_id"] == str(w.pk) and rows[0]["document_ref"] == "INV-A"
    assert list(rows[0]) == [
        "entity", "posting_date", "write_off_id", "customer_ref", "document_ref", "account",
        "debit", "credit", "currency", "reason",
    ]  # fmt: skip
