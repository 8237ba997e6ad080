from __future__ import annotations

import pytest

from openar.ingest.services import import_file
from openar.ledger.services import entity_add
from tests.ingest.helpers import customers_csv


@pytest.fixture
def entities(db):
    entity_add(code="US01", name="OpenAR US", currency="USD", actor="test")
    entity_add(code="MX01", name="OpenAR Mexico", currency="MXN", actor="test")


@pytest.fixture
def customers(entities, tmp_path):
    path = customers_csv(
        tmp_path,
        "C1,Acme Corp,,US01,USD,10000.00,30,en,US,ana,key,ap@acme.test,555",
        "C2,Acme West,C1,US01,USD,5000,30,en,US,ana,standard,,",
        "C3,Tacos SA,,MX01,MXN,200000,45,es,MX,,small,,",
    )
    result = import_file(kind="customers", path=path)
    assert result.status == "loaded", result.errors
    return result
