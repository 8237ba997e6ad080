"""Importing FX rates converts the documents that were loaded before their rate existed, through
the ledger's service, in the import's transaction: a refused or previewed file converts nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from openar.cli import main
from openar.core.models import AuditEvent
from openar.ingest.services import import_file
from openar.ledger.models import Document, FxRate
from tests.ingest.helpers import items_csv, write

FX_HEADER = "date,from_currency,to_currency,rate\n"
ITEMS = (
    "US01,C1,INV-MX1,invoice,2026-06-10,2026-07-10,MXN,2000.00,1500.00,,,,",
    "US01,C1,INV-MX0,invoice,2026-05-01,2026-05-31,MXN,400.00,,,,,",
    "US01,C1,INV-EU1,invoice,2026-06-10,2026-07-10,EUR,100.00,,,,,",
    "US01,C1,INV-US1,invoice,2026-06-10,2026-07-10,USD,300.00,,,,,",
)


def _functional(ref: str) -> tuple:
    doc = Document.objects.get(document_ref=ref)
    return (doc.functional_amount, doc.functional_open_amount, doc.fx_rate, doc.fx_rate_date)


def _load_items(tmp_path) -> None:
    result = import_file(kind="items", path=items_csv(tmp_path, *ITEMS))
    assert result.status == "loaded", result.errors


def test_rates_imported_after_the_items_convert_them(customers, tmp_path):
    _load_items(tmp_path)
    assert _functional("INV-MX1") == (None, None, None, None)  # no MXN rate yet

    path = write(tmp_path, "fx.csv", FX_HEADER + "2026-06-01,MXN,USD,0.05\n")
    result = import_file(kind="fx-rates", path=path, actor="test")
    assert (result.status, result.created, result.documents_converted) == ("loaded", 1, 1)
    assert _functional("INV-MX1") == (
        Decimal("100.00"), Decimal("75.00"), Decimal("0.05"), dt.date(2026, 6, 1)
    )  # fmt: skip
    # Dated before the first rate, or in a currency without one: still waiting for a rate.
    assert _functional("INV-MX0")[0] is None
    assert _functional("INV-EU1")[0] is None
    assert _functional("INV-US1")[0] == Decimal("300.00")
    event = AuditEvent.objects.get(action="documents.convert")
    assert "1 documents converted" in event.summary

    # The same figures a load of the items makes now that the rate exists: reloading the file
    # changes nothing.
    again = import_file(kind="items", path=items_csv(tmp_path, *ITEMS, name="again.csv"))
    assert (again.updated, again.unchanged) == (0, len(ITEMS))

    # A rate through the USD pivot reaches the EUR document; converted ones are left alone.
    later = write(tmp_path, "fx2.csv", FX_HEADER + "2026-06-05,EUR,USD,1.1\n")
    assert import_file(kind="fx-rates", path=later).documents_converted == 1
    assert _functional("INV-EU1")[:2] == (Decimal("110.00"), Decimal("110.00"))
    assert _functional("INV-MX1")[2] == Decimal("0.05")


def test_refused_or_previewed_rates_convert_nothing(customers, tmp_path):
    _load_items(tmp_path)
    bad = write(tmp_path, "bad.csv", FX_HEADER + "2026-06-01,MXN,USD,0.05\n2026-06-02,MXN,USD,-1\n")
    refused = import_file(kind="fx-rates", path=bad)
    assert refused.status == "rejected"
    assert [(e.line, e.field) for e in refused.errors] == [(3, "rate")]
    assert refused.documents_converted == 0
    good = write(tmp_path, "good.csv", FX_HEADER + "2026-06-01,MXN,USD,0.05\n")
    preview = import_file(kind="fx-rates", path=good, dry_run=True)
    assert (preview.status, preview.documents_converted) == ("previewed", 1)
    assert not FxRate.objects.exists()
    assert not Document.objects.filter(currency="MXN", functional_amount__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="documents.convert").exists()


def test_cli_reports_the_converted_documents(customers, tmp_path, capsys):
    _load_items(tmp_path)
    path = write(tmp_path, "fx.csv", FX_HEADER + "2026-06-01,MXN,USD,0.05\n")
    assert main(["import", "fx-rates", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents_converted"] == 1


def test_upload_preview_says_how_many_documents_get_their_amounts(
    customers, tmp_path, settings, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.template.loader import render_to_string
    from django.utils import translation

    from tests.factories import UserFactory

    settings.OPENAR_UPLOAD_DIR = tmp_path / "uploads"
    _load_items(tmp_path)
    client.force_login(UserFactory(username="boss", roles=["manager"]))
    rates = (FX_HEADER + "2026-06-01,MXN,USD,0.05\n").encode()
    page = client.post(
        "/imports/",
        {"kind": "fx-rates", "fmt": "", "file": SimpleUploadedFile("fx.csv", rates)},
    ).content.decode()
    assert 'id="documents-converted"' in page
    assert "1 document loaded before its rate now has its amount" in page
    assert not Document.objects.filter(currency="MXN", functional_amount__isnull=False).exists()
    with translation.override("es"):
        html = render_to_string("ingest/_summary.html", {"summary": {"documents_converted": 2}})
    assert "2 documentos cargados antes de su tipo de cambio" in html
