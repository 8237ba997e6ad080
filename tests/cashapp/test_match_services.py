"""`lines_match` and the review services on a real database: what applying cash writes."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from openar.activity.models import AccountEvent
from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.exports import export_cash_applications
from openar.cashapp.models import (
    CashApplication,
    CustomerAlias,
    MatchProposal,
    PayerAccount,
    StatementLine,
)
from openar.cashapp.selectors import line_detail, review_queue, unidentified_queue
from openar.cashapp.services import (
    bank_account_add,
    line_apply,
    line_assign_customer,
    line_mark_unidentified,
    line_put_on_account,
    lines_match,
    statement_import,
)
from openar.core.errors import Conflict, ValidationError
from openar.demo.bank_formats import write_camt053
from openar.demo.bank_statements import GeneratedStatement, Line
from openar.disputes.models import Deduction
from openar.ledger.models import Application, Document
from tests.factories import CustomerFactory, DocumentFactory, EntityFactory

DAY = dt.date(2026, 6, 30)
ACCOUNT = "US01USD0001"
D = Decimal


@pytest.fixture
def ledger(db):
    entity = EntityFactory(code="US01", currency="USD")
    bank_account_add(
        entity=entity, account_number=ACCOUNT, name="Main", currency="USD", actor="test"
    )
    apex = CustomerFactory(customer_ref="C0000001", name="Apex Foods Inc.", entity=entity)
    blue = CustomerFactory(customer_ref="C0000002", name="Blue Steel LLC", entity=entity)
    docs = {}
    for ref, customer, amount in [
        ("INVUS00000101", apex, "1000.00"),
        ("INVUS00000102", apex, "250.00"),
        ("INVUS00000103", apex, "400.00"),
        ("INVUS00000201", blue, "800.00"),
        ("INVUS00000202", blue, "800.00"),
    ]:
        docs[ref] = DocumentFactory(
            customer=customer, entity=entity, document_ref=ref, amount=D(amount),
            document_date=DAY - dt.timedelta(days=45), due_date=DAY - dt.timedelta(days=15),
        )  # fmt: skip
    return {"entity": entity, "apex": apex, "blue": blue, "docs": docs}


_seq = iter(range(1, 10_000))


def load(*lines: tuple[str, str, str, str]) -> list[StatementLine]:
    """Import one statement of (amount, payer name, payer account, remittance) lines."""
    n = next(_seq)
    rows = [
        Line(D(amount), "USD", DAY, DAY, f"BR{n}-{i}", f"E2E{n}-{i}", name, account, text)
        for i, (amount, name, account, text) in enumerate(lines)
    ]
    statement = GeneratedStatement(
        account=ACCOUNT, entity_code="US01", currency="USD", statement_id=f"S{n}",
        opening_balance=D("0.00"), opening_date=DAY, closing_date=DAY, lines=rows,
    )  # fmt: skip
    statement_import(data=write_camt053(statement), name=f"s{n}.xml", actor="test")
    return list(StatementLine.objects.filter(statement__statement_id=f"S{n}").order_by("line_no"))


def fresh(line: StatementLine) -> StatementLine:
    return StatementLine.objects.select_related("receipt").get(pk=line.pk)


def test_exact_references_are_applied_automatically(ledger) -> None:
    (line,) = load(("1250.00", "APEX FOODS", "", "INV INVUS00000101 INVUS00000102"))
    summary = lines_match(as_of=DAY, actor="test")
    assert (summary.lines, summary.auto_applied, summary.review) == (1, 1, 0)
    line = fresh(line)
    assert line.status == LineStatus.AUTO_APPLIED
    assert line.receipt.customer == ledger["apex"]
    inv = Document.objects.get(document_ref="INVUS00000101")
    assert inv.open_amount == 0 and inv.cleared_date == DAY
    assert Document.objects.get(document_ref="INVUS00000103").open_amount == D("400.00")
    apps = CashApplication.objects.filter(line=line)
    assert {a.mode for a in apps} == {ApplicationMode.AUTO}
    assert sum(a.application.amount for a in apps) == D("1250.00")
    assert MatchProposal.objects.get(line=line).rank == 1


def test_rerun_changes_nothing(ledger) -> None:
    load(("1000.00", "", "", "INVUS00000101"))
    lines_match(as_of=DAY, actor="test")
    again = lines_match(as_of=DAY, actor="test")
    assert again.lines == 0
    assert Application.objects.count() == 1


def test_short_payment_opens_a_deduction_and_an_event(ledger) -> None:
    (line,) = load(("900.00", "APEX FOODS", "", "INVUS00000101 DAMAGED"))
    lines_match(as_of=DAY, actor="test")
    assert fresh(line).status == LineStatus.AUTO_APPLIED
    inv = Document.objects.get(document_ref="INVUS00000101")
    assert inv.open_amount == D("100.00") and inv.cleared_date is None
    deduction = Deduction.objects.get()
    assert (deduction.amount, deduction.document, deduction.customer) == (
        D("100.00"), inv, ledger["apex"],
    )  # fmt: skip
    assert deduction.reason == "short payment"
    assert AccountEvent.objects.get(kind="short_payment").customer == ledger["apex"]


def test_overpayment_leaves_credit_on_account(ledger) -> None:
    (line,) = load(("1030.00", "", "", "INVUS00000101"))
    summary = lines_match(as_of=DAY, actor="test")
    assert summary.on_account == {"USD": D("30.00")}
    line = fresh(line)
    assert line.status == LineStatus.AUTO_APPLIED
    assert sum(a.amount for a in line.receipt.applications.all()) == D("1000.00")


def test_ambiguous_amount_waits_for_review_with_suggestions(ledger) -> None:
    PayerAccount.objects.create(account="ACC-BLUE", customer=ledger["blue"])
    (line,) = load(("800.00", "BLUE STEEL", "ACC-BLUE", "PAYMENT"))
    summary = lines_match(as_of=DAY, actor="test")
    assert summary.review == 1
    assert fresh(line).status == LineStatus.REVIEW
    proposals = list(MatchProposal.objects.filter(line=line))
    assert len(proposals) >= 2 and all(p.customer == ledger["blue"] for p in proposals)
    assert not Application.objects.exists()
    assert list(review_queue(as_of=DAY)) == [line]
    detail = line_detail(line)
    assert detail.line == line
    assert len(detail.proposals) == len(proposals)
    assert {d.document_ref for d in detail.open_items} == {"INVUS00000201", "INVUS00000202"}


def test_unknown_payer_is_unidentified(ledger) -> None:
    (line,) = load(("77.00", "J SMITH", "999", "THANKS"))
    summary = lines_match(as_of=DAY, actor="test")
    assert summary.unidentified == 1
    assert fresh(line).status == LineStatus.UNIDENTIFIED
    assert list(unidentified_queue(as_of=DAY)) == [line]


def test_manual_split_and_errors(ledger) -> None:
    (line,) = load(("1300.00", "SOMEONE", "", ""))
    lines_match(as_of=DAY, actor="test")
    docs = ledger["docs"]
    both = [(docs["INVUS00000101"], D("1000.00")), (docs["INVUS00000103"], D("400.00"))]
    with pytest.raises(ValidationError, match=r"only 1300\.00") as err:
        line_apply(line=line, allocations=both, actor="test")
    assert err.value.code == "over_application"
    with pytest.raises(ValidationError, match="outside the payer") as err:
        line_apply(
            line=line,
            allocations=[
                (docs["INVUS00000101"], D("500.00")),
                (docs["INVUS00000201"], D("500.00")),
            ],
            actor="test",
            customer=ledger["apex"],
        )
    assert err.value.code == "foreign_customer"
    with pytest.raises(Conflict, match=r"only 250\.00"):
        line_apply(line=line, allocations=[(docs["INVUS00000102"], D("300.00"))], actor="test")
    row = line_apply(
        line=line,
        allocations=[(docs["INVUS00000101"], D("1000.00")), (docs["INVUS00000102"], D("250.00"))],
        on_account=D("50.00"),
        actor="test",
    )
    assert row.status == LineStatus.ON_ACCOUNT  # 50.00 left on account
    assert {a.mode for a in CashApplication.objects.filter(line=row)} == {ApplicationMode.MANUAL}
    assert Document.objects.get(document_ref="INVUS00000102").open_amount == 0
    with pytest.raises(Conflict, match="already applied to INVUS00000101"):
        line_apply(line=row, allocations=[(docs["INVUS00000101"], D("1.00"))], actor="test")
    row = line_apply(line=row, allocations=[(docs["INVUS00000103"], D("50.00"))], actor="test")
    assert row.status == LineStatus.APPLIED
    with pytest.raises(Conflict, match="already"):
        line_apply(line=row, allocations=[(docs["INVUS00000103"], D("1.00"))], actor="test")


def test_another_currency_without_a_stored_rate_is_refused(ledger) -> None:
    # A payment clears documents in another currency only at a stored rate (through FX:
    # tests/cashapp/test_review_fx.py); one split never mixes currencies.
    eur = DocumentFactory(
        customer=ledger["apex"], entity=ledger["entity"], currency="EUR", document_ref="EUR1"
    )
    (line,) = load(("100.00", "", "", ""))
    with pytest.raises(ValidationError) as err:
        line_apply(line=line, allocations=[(eur, D("100.00"))], actor="test")
    assert err.value.code == "no_fx_rate"
    assert not eur.applications.exists()


def test_assigning_a_customer_is_learnt(ledger) -> None:
    (line,) = load(("250.00", "APEX TREASURY CENTER", "DE-ACC-77", "PAYMENT"))
    lines_match(as_of=DAY, actor="test")
    assert fresh(line).status in (LineStatus.UNIDENTIFIED, LineStatus.REVIEW)
    line_assign_customer(line=line, customer="C0000001", actor="test")
    assert PayerAccount.objects.get(account="DE-ACC-77").customer == ledger["apex"]
    assert CustomerAlias.objects.get(customer=ledger["apex"]).alias == "APEX TREASURY CENTER"
    best = MatchProposal.objects.filter(line=line).first()
    assert best is not None and best.customer == ledger["apex"]
    # Matching again keeps to the named payer: its single 250.00 item.
    lines_match(as_of=DAY, actor="test", line_ids=[line.pk])
    line = fresh(line)
    assert line.status == LineStatus.AUTO_APPLIED
    assert line.receipt.applications.get().document.document_ref == "INVUS00000102"
    # Next time the same payer pays, by account alone, it goes straight through.
    (second,) = load(("400.00", "APEX TREASURY CENTER", "DE-ACC-77", ""))
    lines_match(as_of=DAY, actor="test", line_ids=[second.pk])
    second = fresh(second)
    assert second.status == LineStatus.AUTO_APPLIED
    assert second.receipt.applications.get().document.document_ref == "INVUS00000103"


def test_put_on_account_and_mark_unidentified(ledger) -> None:
    first, second = load(("10.00", "", "", ""), ("20.00", "", "", ""))
    row = line_put_on_account(line=first, customer=ledger["blue"], actor="test")
    assert row.status == LineStatus.ON_ACCOUNT
    assert row.receipt.customer == ledger["blue"]
    assert not Application.objects.exists()
    assert line_mark_unidentified(line=second, actor="test").status == LineStatus.UNIDENTIFIED


def test_export_applications_for_the_erp(ledger, tmp_path) -> None:
    load(("1250.00", "", "", "INVUS00000101 INVUS00000102"))
    lines_match(as_of=DAY, actor="test")
    path = tmp_path / "apps.csv"
    assert export_cash_applications(path) == 2
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == [
        "bank_reference", "receipt_ref", "customer_ref", "document_ref", "amount", "mode",
    ]  # fmt: skip
    assert {(r["document_ref"], r["amount"], r["mode"], r["customer_ref"]) for r in rows} == {
        ("INVUS00000101", "1000.00", "auto", "C0000001"),
        ("INVUS00000102", "250.00", "auto", "C0000001"),
    }
    assert all(r["bank_reference"].startswith("BR") for r in rows)


def test_reset_clears_cash_rows_so_the_ledger_can_be_reset(ledger) -> None:
    from openar.cashapp.services import cashapp_data_reset
    from openar.ledger.models import Receipt

    load(("900.00", "APEX FOODS", "ACC-9", "INVUS00000101"))
    lines_match(as_of=DAY, actor="test")
    assert cashapp_data_reset(actor="test") == 1
    assert not StatementLine.objects.exists() and not Deduction.objects.exists()
    Application.objects.all().delete()
    Receipt.objects.all().delete()  # nothing PROTECTs them any more


def test_applying_a_short_proposal_by_hand_opens_the_deduction(ledger) -> None:
    # Short over several items: below the threshold, so it waits for a person.
    (line,) = load(("1100.00", "APEX FOODS", "", "INVUS00000101 INVUS00000102"))
    lines_match(as_of=DAY, actor="test")
    assert fresh(line).status == LineStatus.REVIEW
    best = MatchProposal.objects.get(line=line, rank=1)
    assert best.method == "ref_short" and best.difference_amount == D("-150.00")
    allocations = [(a["document_id"], D(a["amount"])) for a in best.allocations]
    row = line_apply(line=line, allocations=allocations, actor="test", customer=best.customer)
    assert row.status == LineStatus.APPLIED
    deduction = Deduction.objects.get()
    assert deduction.amount == D("150.00") and deduction.reason == "short payment"
    assert deduction.document == Document.objects.get(document_ref="INVUS00000102")
    assert AccountEvent.objects.filter(kind="short_payment", customer=ledger["apex"]).exists()
