"""Import pages: upload shows a dry-run preview, confirm loads the same file; roles enforced."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openar.ingest.models import ImportBatch
from openar.ledger.models import Customer, Document
from openar.ledger.services import entity_add
from tests.clock import ON_TODAY
from tests.ingest.helpers import CUSTOMERS_HEADER, ITEMS_HEADER

pytestmark = ON_TODAY

CUSTOMERS = "\n".join(
    [
        CUSTOMERS_HEADER,
        "C1,Acme Corp,,US01,USD,10000.00,30,en,US,ana,key,ap@acme.test,555",
        "C2,Acme West,C1,US01,USD,5000,30,en,US,ana,standard,,",
        "C3,Tacos SA,,MX01,MXN,200000,45,es,MX,,small,,",
    ]
).encode()


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, db):
    settings.OPENAR_UPLOAD_DIR = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    entity_add(code="US01", name="OpenAR US", currency="USD", actor="test")


def login(client, django_user_model, *roles: str):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="u-" + "-".join(roles or ["none"]))
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "customers.csv", **options):
    data = {"kind": "customers", "fmt": "", "file": SimpleUploadedFile(name, content)}
    data.update(options)
    return client.post("/imports/", data)


def test_preview_counts_and_writes_nothing_then_confirm_loads(client, django_user_model):
    user = login(client, django_user_model, "manager")
    preview = upload(client, CUSTOMERS, create_entities="on")
    assert preview.status_code == 200
    summary = preview.context["summary"]
    assert (summary["rows"], summary["created"], summary["rejected"]) == (3, 3, 0)
    page = preview.content.decode()
    assert 'id="stat-created">3<' in page
    assert "Confirm import" in page
    assert not Customer.objects.exists()  # a preview is a dry run

    token = preview.context["token"]
    result = client.post("/imports/confirm/", {"token": token})
    assert result.status_code == 200
    assert result.context["summary"]["created"] == 3
    assert "The file was loaded." in result.content.decode()
    assert sorted(Customer.objects.values_list("customer_ref", flat=True)) == ["C1", "C2", "C3"]
    assert Customer.objects.get(customer_ref="C3").entity.code == "MX01"  # created on request
    batch = ImportBatch.objects.filter(status="loaded").get()
    assert batch.actor == user and batch.file_name == "customers.csv"

    # The token is spent: a second confirm does not load the file again.
    again = client.post("/imports/confirm/", {"token": token})
    assert again.status_code == 302
    assert ImportBatch.objects.filter(status="loaded").count() == 1

    listing = client.get("/imports/").content.decode()
    assert "customers.csv" in listing and "Loaded" in listing


def test_bad_rows_are_listed_and_cannot_be_confirmed(client, django_user_model):
    login(client, django_user_model, "credit")
    response = upload(client, CUSTOMERS)  # MX01 does not exist and may not be created
    assert response.context["summary"]["rejected"] == 1
    assert response.context["confirmable"] is False
    page = response.content.decode()
    assert 'id="error-table"' in page
    assert "MX01" in page
    assert "Confirm import" not in page
    assert [e["line"] for e in response.context["errors"]] == [4]
    assert not Customer.objects.exists()


def test_partial_load_writes_good_rows(client, django_user_model):
    login(client, django_user_model, "cashapp")
    preview = upload(client, CUSTOMERS, partial="on")
    assert preview.context["confirmable"] is True
    result = client.post("/imports/confirm/", {"token": preview.context["token"]})
    assert result.context["summary"]["created"] == 2
    assert result.context["summary"]["rejected"] == 1
    assert sorted(Customer.objects.values_list("customer_ref", flat=True)) == ["C1", "C2"]


def test_items_upload_with_missing_column_shows_the_file_error(client, django_user_model):
    login(client, django_user_model, "admin")
    header = ITEMS_HEADER.replace(",due_date", "")
    response = upload(client, (header + "\n").encode(), name="items.csv", kind="items")
    assert response.status_code == 200
    assert response.context["confirmable"] is False
    assert any(e["field"] == "due_date" for e in response.context["errors"])
    assert not Document.objects.exists()


def test_wrong_extension_is_refused_by_the_form(client, django_user_model):
    login(client, django_user_model, "manager")
    response = upload(client, b"hello", name="notes.pdf")
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_collector_may_see_imports_but_not_upload(client, django_user_model):
    login(client, django_user_model, "collector")
    page = client.get("/imports/").content.decode()
    assert 'id="upload-form"' not in page
    assert upload(client, CUSTOMERS).status_code == 403
    assert client.post("/imports/confirm/", {"token": "x"}).status_code == 403
    assert not ImportBatch.objects.exists()
