from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openar.api_auth.services import token_create
from openar.core.roles import Role
from openar.ingest.models import ImportBatch
from openar.ledger.models import Customer, Document, Entity
from tests.clock import ON_TODAY
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]

CUSTOMERS = (
    "customer_ref,name,parent_ref,entity,currency,credit_limit,payment_terms_days,language,"
    "country,collector,segment,email,phone,region\n"
    "K100,Kappa Ltd,,US01,USD,5000.00,30,en,US,newcollector,key,ap@kappa.test,,west\n"
    "K101,Kappa West,K100,US01,USD,,45,en,US,,smb,,,west\n"
)
ITEMS_HEADER = (
    "entity,customer_ref,document_ref,document_type,document_date,due_date,currency,amount,"
    "open_amount,cleared_date,reference,po_number,disputed\n"
)
GOOD_ITEMS = ITEMS_HEADER + (
    "US01,K100,I-1,invoice,2026-05-01,2026-05-31,USD,1200.00,1200.00,,,PO-1,false\n"
    "US01,K100,I-2,credit_memo,2026-05-10,2026-05-10,USD,-100.00,-100.00,,,,false\n"
    "US01,K101,I-3,invoice,2026-04-01,2026-05-01,USD,300.00,0.00,2026-05-20,,,false\n"
)
BAD_ITEMS = ITEMS_HEADER + (
    "US01,K100,I-1,invoice,2026-05-01,2026-05-31,USD,1200.00,1200.00,,,PO-1,false\n"
    "US01,K100,I-2,invoice,2026-13-45,2026-05-31,USD,50.00,50.00,,,,false\n"
    "US01,NOBODY,I-3,invoice,2026-05-01,2026-05-31,USD,50.00,50.00,,,,false\n"
)


def _csv(text: str, name: str = "upload.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.OPENAR_UPLOAD_DIR = tmp_path / "uploads"


def _post(client: Client, kind: str, text: str, query: str = "", **form):
    return client.post(f"/api/imports/{kind}{query}", {"file": _csv(text), **form})


def _load_customers(api) -> None:
    response = _post(api, "customers", CUSTOMERS, "?create_entities=true")
    assert response.status_code == 200, response.content


def test_customers_upload_creates_rows_and_a_batch(api, manager, tmp_path):
    response = _post(api, "customers", CUSTOMERS, "?create_entities=true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {
        k: body[k] for k in ("file", "rows", "created", "updated", "unchanged", "rejected")
    } == {
        "file": "upload.csv",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert body["errors"] == []
    # The service's extra keys pass through the API unchanged.
    assert (body["kind"], body["format"], body["status"]) == ("customers", "openar", "loaded")
    assert (body["entities_created"], body["collectors_created"]) == (["US01"], ["newcollector"])
    assert Entity.objects.filter(code="US01").exists()
    kappa = Customer.objects.get(customer_ref="K100")
    assert (kappa.name, kappa.credit_limit, kappa.collector.username) == (
        "Kappa Ltd",
        Decimal("5000.0000"),
        "newcollector",
    )
    assert kappa.attributes == {"region": "west"}
    assert Customer.objects.get(customer_ref="K101").parent == kappa
    # The upload is a temporary file: nothing is left behind in the upload folder.
    assert list((tmp_path / "uploads").iterdir()) == []

    batch = api.get(f"/api/imports/{body['batch_id']}")
    assert batch.status_code == 200
    stored = batch.json()
    assert (stored["kind"], stored["status"], stored["created"], stored["actor"]) == (
        "customers",
        "loaded",
        2,
        manager.username,
    )
    assert stored["file_name"] == "upload.csv"


def test_items_upload_and_reload_changes_nothing(api):
    _load_customers(api)
    first = _post(api, "items", GOOD_ITEMS)
    assert first.status_code == 200, first.content
    assert (first.json()["created"], first.json()["rejected"]) == (3, 0)
    assert Document.objects.get(document_ref="I-1").open_amount == Decimal("1200.00")
    # The snapshot behind the customer list was refreshed after the load.
    row = api.get("/api/customers?search=K100").json()["items"][0]
    assert row["balance"] == "1100.00"

    again = _post(api, "items", GOOD_ITEMS)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        3,
    )
    assert Document.objects.count() == 3


def test_bad_file_is_422_with_line_and_field_and_writes_nothing(api):
    _load_customers(api)
    response = _post(api, "items", BAD_ITEMS)
    assert response.status_code == 422
    body = response.json()
    assert (body["rows"], body["created"], body["rejected"]) == (3, 0, 2)
    by_line = {(e["line"], e["field"]) for e in body["errors"]}
    assert (3, "document_date") in by_line
    assert (4, "customer_ref") in by_line
    assert Document.objects.count() == 0
    assert ImportBatch.objects.get(pk=body["batch_id"]).status == "rejected"


def test_partial_loads_the_good_rows(api):
    _load_customers(api)
    response = _post(api, "items", BAD_ITEMS, partial="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 2)
    assert [e["line"] for e in body["errors"]] == [3, 4]
    assert list(Document.objects.values_list("document_ref", flat=True)) == ["I-1"]


def test_dry_run_counts_but_writes_nothing(api):
    _load_customers(api)
    response = _post(api, "items", GOOD_ITEMS, "?dry_run=true")
    assert response.status_code == 200
    assert response.json()["created"] == 3
    assert Document.objects.count() == 0


def test_missing_required_column_is_422(api):
    _load_customers(api)
    response = _post(api, "items", ITEMS_HEADER.replace(",due_date", "") + "x\n")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"line": 1, "field": "due_date"} in [
        {"line": e["line"], "field": e["field"]} for e in errors
    ]


def test_only_import_roles_may_import(db, client_for):
    collector = UserFactory(username="col9", roles=[Role.COLLECTOR])
    token = token_create(username=collector.username, name="col9", actor="test")[1]
    response = client_for(token).post("/api/imports/customers", {"file": _csv(CUSTOMERS)})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Customer.objects.exists()


def test_cashapp_and_credit_may_import(db, client_for):
    for role in (Role.CASHAPP, Role.CREDIT):
        user = UserFactory(username=f"u-{role}", roles=[role])
        token = token_create(username=user.username, name=f"t-{role}", actor="test")[1]
        response = _post(client_for(token), "customers", CUSTOMERS, "?create_entities=true")
        assert response.status_code == 200, response.content


def test_bad_parameters_are_400(api):
    response = _post(api, "planets", CUSTOMERS)
    assert (response.status_code, response.json()["field"]) == (400, "kind")
    response = _post(api, "customers", CUSTOMERS, "?format=netsuite")
    assert (response.status_code, response.json()["field"]) == (400, "format")
    response = _post(api, "customers", CUSTOMERS, "?format=sap")
    assert (response.status_code, response.json()["code"]) == (400, "unsupported_format")
    response = _post(api, "customers", CUSTOMERS, partial="perhaps")
    assert (response.status_code, response.json()["field"]) == (400, "partial")
    response = _post(api, "customers", CUSTOMERS, "?dry_run=perhaps")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    response = api.post("/api/imports/customers", {})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": response.json()["message"],
        "field": "file",
    }


def test_unknown_batch_is_404(api):
    response = api.get("/api/imports/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
