"""Hostile import files are refused cleanly, naming line and field, and change nothing (issue 15,
defects 2, 4, 5, 11, 16)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from openar.cli import main
from openar.ingest.services import import_file
from openar.ledger.models import Customer
from tests.ingest.helpers import CUSTOMERS_HEADER, customers_csv, write

GOOD = "C9,Good Co,,US01,USD,100,30,en,US,,,,"


def errors_of(result):
    return [(e.line, e.field, e.message) for e in result.errors]


# -- 4: NUL bytes -----------------------------------------------------------------------------


def test_nul_byte_in_a_field_is_refused_naming_line_and_field(entities, tmp_path):
    path = customers_csv(tmp_path, GOOD, "C1,Acme\x00Corp,,US01,USD,100,30,en,US,,,,")
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    assert errors_of(result) == [(3, "name", "holds a NUL character; remove it")]
    assert Customer.objects.count() == 0


def test_nul_byte_partial_load_keeps_the_good_rows(entities, tmp_path):
    path = customers_csv(tmp_path, GOOD, "C1,Acme\x00Corp,,US01,USD,100,30,en,US,,,ap\x00@x,")
    result = import_file(kind="customers", path=path, partial=True)
    assert result.status == "partial" and result.rejected == 1
    assert [(e.line, e.field) for e in result.errors] == [(3, "name"), (3, "email")]
    assert list(Customer.objects.values_list("customer_ref", flat=True)) == ["C9"]


def test_nul_byte_through_the_api_is_rejected(entities, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="boss", roles=["admin"]))
    body = (CUSTOMERS_HEADER + "\nC1,Acme\x00Corp,,US01,USD,100,30,en,US,,,,\n").encode()
    response = client.post(
        "/api/imports/customers",
        {"file": io.BytesIO(body)},
    )
    assert response.status_code == 422, response.content
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(2, "name")]
    assert Customer.objects.count() == 0


# -- 11: header with an empty or duplicate column name -----------------------------------------


def test_header_with_an_empty_column_name_is_refused(entities, tmp_path):
    header = CUSTOMERS_HEADER.replace(",name,", ",,")
    path = write(tmp_path, "c.csv", header + "\nC1,Acme,,US01,USD,100,30,en,US,,,,\n")
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    assert errors_of(result) == [
        (1, "column 2", "line 1: column 2 of the header has no name; name every column")
    ]
    assert main(["import", "customers", str(path)]) == 1
    assert Customer.objects.count() == 0


def test_header_with_a_duplicate_column_name_is_refused(entities, tmp_path):
    header = CUSTOMERS_HEADER + ",segment"
    path = write(tmp_path, "c.csv", header + "\nC1,Acme,,US01,USD,100,30,en,US,,key,,,small\n")
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    assert [(e.line, e.field) for e in result.errors] == [(1, "segment")]
    assert "appears twice" in result.errors[0].message
    assert Customer.objects.count() == 0


def test_a_trailing_separator_after_the_header_names_no_column(entities, tmp_path):
    path = write(tmp_path, "c.csv", CUSTOMERS_HEADER + ",\n" + GOOD + ",\n")
    assert import_file(kind="customers", path=path).status == "loaded"


# -- 16: internal marker names are not reachable from input ------------------------------------


@pytest.mark.parametrize("column", ["__extra__", "__formulas__"])
def test_marker_named_columns_are_plain_columns(entities, tmp_path, column):
    path = write(
        tmp_path,
        "c.csv",
        f"{CUSTOMERS_HEADER},{column}\nC1,Acme,,US01,USD,100,30,en,US,,,,,x=1@A1=2\n",
    )
    result = import_file(kind="customers", path=path)
    assert result.status == "loaded", errors_of(result)
    assert Customer.objects.get().attributes.get(column) == "x=1@A1=2"


def test_an_exported_escape_reads_back(entities, tmp_path):
    path = customers_csv(tmp_path, "C1,'=1+2,,US01,USD,100,30,en,US,,,,'+1 555")
    assert import_file(kind="customers", path=path).status == "loaded"
    customer = Customer.objects.get()
    assert (customer.name, customer.phone) == ("=1+2", "+1 555")


# -- 5 and 2: damaged workbooks and zip bombs ---------------------------------------------------


def _workbook(tmp_path: Path, rows: list[list[str]], name: str = "c.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(CUSTOMERS_HEADER.split(","))
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _member_data_offset(data: bytes, member: str) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    return start, info.compress_size


def _corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    member = "xl/worksheets/sheet1.xml"
    start, size = _member_data_offset(bytes(data), member)
    if how == "deflate":
        data[start : start + size] = bytes([0xFF]) * size  # not a deflate stream
    elif how == "method":
        # Compression method 99 (AES) in the local and the central header: NotImplementedError.
        local = data.rfind(b"PK\x03\x04", 0, start)
        data[local + 8 : local + 10] = struct.pack("<H", 99)
        central = data.find(b"PK\x01\x02")
        while central != -1:
            name_len = struct.unpack("<H", data[central + 28 : central + 30])[0]
            if data[central + 46 : central + 46 + name_len] == member.encode():
                data[central + 10 : central + 12] = struct.pack("<H", 99)
                break
            central = data.find(b"PK\x01\x02", central + 4)
    elif how == "truncated":
        data = data[: start + size // 2]
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["deflate", "method", "truncated"])
def test_damaged_workbook_is_a_clean_rejection(entities, tmp_path, how, capsys):
    path = _workbook(tmp_path, [GOOD.split(",")])
    _corrupt(path, how)
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    assert result.errors[0].field == "file"
    assert Customer.objects.count() == 0
    assert main(["import", "customers", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_damaged_workbook_through_the_api_is_rejected(entities, tmp_path, client):
    from tests.factories import UserFactory

    path = _workbook(tmp_path, [GOOD.split(",")])
    _corrupt(path, "deflate")
    client.force_login(UserFactory(username="boss", roles=["admin"]))
    with path.open("rb") as fh:
        response = client.post("/api/imports/customers", {"file": fh})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "file"
    assert Customer.objects.count() == 0


def _bomb(tmp_path: Path) -> Path:
    """A workbook whose sheet unzips to about 8 MB from well under 100 KB."""
    path = tmp_path / "bomb.xlsx"
    good = _workbook(tmp_path, [GOOD.split(",")], name="seed.xlsx")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000, 1)
            out.writestr(info.filename, data)
    return path


def test_xlsx_zip_bomb_is_refused_by_ratio(entities, tmp_path, settings):
    settings.OPENAR_XLSX_MAX_RATIO = 50
    path = _bomb(tmp_path)
    assert path.stat().st_size < 100_000
    result = import_file(kind="customers", path=path)
    assert result.status == "rejected"
    assert "OPENAR_XLSX_MAX_RATIO" in result.errors[0].message
    assert Customer.objects.count() == 0


def test_xlsx_larger_than_the_limit_unzipped_is_refused(entities, tmp_path, settings):
    settings.OPENAR_XLSX_MAX_BYTES = 1_000_000
    result = import_file(kind="customers", path=_bomb(tmp_path))
    assert result.status == "rejected"
    assert "OPENAR_XLSX_MAX_BYTES" in result.errors[0].message


def test_xlsx_within_the_limits_loads(entities, tmp_path):
    result = import_file(kind="customers", path=_workbook(tmp_path, [GOOD.split(",")]))
    assert result.status == "loaded", errors_of(result)
