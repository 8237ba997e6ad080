"""SAP FBL5N-style and Oracle Receivables-style exports, detected by their headers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openar.ingest.services import import_file
from openar.ledger.models import Document
from tests.ingest.helpers import write

SAP = (
    "Company Code,Account,Document Number,Document Type,Document Date,Net Due Date,"
    "Amount in Doc. Curr.,Document currency,Amount in Local Currency,Local Currency,"
    "Clearing Document,Clearing date,Reference,Assignment,Dunning block\n"
    'US01,0000C1,1800000001,RV,01.05.2026,31.05.2026,"1,234.56",USD,"1,234.56",USD,,,R-1,A-1,\n'
    "US01,C1,1400000002,DG,02.05.2026,02.05.2026,100.00-,USD,100.00-,USD,,,,,\n"
    "MX01,C3,1800000003,RV,01.06.2026,16.07.2026,20000.00,MXN,20000.00,MXN,,,,,A\n"
    "US01,C1,1800000004,RV,01.01.2026,31.01.2026,50.00,USD,50.00,USD,1500000001,10.02.2026,,,\n"
)

ORACLE = (
    "Operating Unit,Customer Number,Customer Name,Transaction Number,Class,Transaction Date,"
    "Due Date,Amount Due Original,Amount Due Remaining,Currency,Purchase Order,Reference\n"
    "US01,C1,Acme Corp,10001,INV,05-JAN-2026,04-FEB-2026,1000.00,250.00,USD,PO-9,\n"
    "US01,C2,Acme West,10002,CM,06-JAN-2026,06-JAN-2026,-75.00,-75.00,USD,,\n"
    "OpenAR Mexico,C3,Tacos SA,10003,DM,07-JAN-2026,06-FEB-2026,500.00,500.00,MXN,,\n"
)


def test_sap_export_detected_and_loaded(customers, tmp_path):
    result = import_file(kind="items", path=write(tmp_path, "fbl5n.csv", SAP))
    assert result.format == "sap"
    assert (result.created, result.rejected) == (4, 0), result.errors
    inv = Document.objects.get(document_ref="1800000001")
    assert inv.customer.customer_ref == "C1"  # SAP's leading zeros are dropped
    assert (inv.amount, inv.open_amount) == (Decimal("1234.56"), Decimal("1234.56"))
    assert inv.document_date == dt.date(2026, 5, 1) and inv.due_date == dt.date(2026, 5, 31)
    assert inv.attributes["sap_document_type"] == "RV" and inv.attributes["assignment"] == "A-1"
    cm = Document.objects.get(document_ref="1400000002")
    assert cm.document_type == "credit_memo" and cm.amount == Decimal("-100.00")
    assert Document.objects.get(document_ref="1800000003").attributes["dunning_block"] == "A"
    cleared = Document.objects.get(document_ref="1800000004")
    assert cleared.open_amount == 0 and cleared.cleared_date == dt.date(2026, 2, 10)
    assert import_file(kind="items", path=write(tmp_path, "fbl5n.csv", SAP)).unchanged == 4


def test_oracle_export_detected_and_loaded(customers, tmp_path):
    result = import_file(kind="items", path=write(tmp_path, "ar.csv", ORACLE))
    assert result.format == "oracle"
    assert (result.created, result.rejected) == (3, 0), result.errors
    inv = Document.objects.get(document_ref="10001")
    assert (inv.amount, inv.open_amount, inv.po_number) == (
        Decimal("1000.00"), Decimal("250.00"), "PO-9",
    )  # fmt: skip
    assert inv.document_date == dt.date(2026, 1, 5)
    assert Document.objects.get(document_ref="10002").document_type == "credit_memo"
    dm = Document.objects.get(document_ref="10003")
    assert dm.document_type == "debit_memo" and dm.entity.code == "MX01"  # entity by name


def test_erp_rows_get_the_same_checks(customers, tmp_path):
    bad = ORACLE.replace("05-JAN-2026", "31-FEB-2026").replace(",PMT,", ",PMT,")
    bad += "US01,C1,Acme Corp,10009,PMT,05-JAN-2026,04-FEB-2026,10.00,10.00,USD,,\n"
    result = import_file(kind="items", path=write(tmp_path, "ar.csv", bad))
    assert result.status == "rejected"
    assert {(e.line, e.field) for e in result.errors} == {
        (2, "document_date"),
        (5, "document_type"),
    }
    assert Document.objects.count() == 0


def test_sap_layout_without_company_code_needs_entity(customers, tmp_path):
    text = "\n".join(line.split(",", 1)[1] for line in SAP.splitlines()[:2]) + "\n"
    result = import_file(kind="items", path=write(tmp_path, "no_cc.csv", text), fmt="sap")
    assert result.status == "rejected" and result.errors[0].field == "Company Code (or --entity)"
    ok = import_file(
        kind="items", path=write(tmp_path, "no_cc.csv", text), fmt="sap", entity="US01"
    )
    assert ok.created == 1, ok.errors
