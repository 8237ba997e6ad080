"""Bank files that would hang, crash or poison the import are refused quickly with their position
(issue 15, defects 2, 5, 9 and 10; the statement zip limits themselves are in
test_statement_hostile.py)."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import csvbank, mt940, ofx, parse_bytes, parse_data
from openar.cli import main

from .conftest import STATEMENTS

SNS = STATEMENTS / "mt940-wolph" / "mt940_tests" / "jejik" / "sns.sta"
OFX = STATEMENTS / "ofx-ofxtools" / "tests" / "data" / "stmtrs.ofx"
V01 = (STATEMENTS / "camt-openar" / "camt.053.001.01-eur.xml").read_bytes()
LAYOUT = {
    "columns": {"booking_date": "Date", "amount": "Amount", "remittance": "Text"},
    "options": {"currency": "EUR", "account": "DE89370400440532013000"},
}


# -- 9: MT940 field and file sizes -------------------------------------------------------------


def test_mt940_overlong_field_is_refused_before_parsing():
    data = SNS.read_bytes()
    at = data.find(b":86:")
    data = data[: at + 4] + b"X" * 400_000 + data[at + 4 :]
    started = time.perf_counter()
    with pytest.raises(StatementError) as caught:
        parse_bytes(data, name="sns.sta")
    assert time.perf_counter() - started < 0.5
    line = data[:at].count(b"\n") + 1
    assert caught.value.position == f"line {line}"
    assert "field :86: is 400" in caught.value.message
    assert f"at most {mt940.MAX_FIELD} are read" in caught.value.message


def test_mt940_field_at_the_limit_is_read():
    data = SNS.read_bytes()
    at = data.find(b":86:")
    data = data[: at + 4] + b"Y" * 5000 + data[at + 4 :]
    assert parse_bytes(data, name="sns.sta")


@override_settings(OPENAR_STATEMENT_MAX_BYTES=1000)
def test_statement_file_larger_than_the_limit_is_refused_unread():
    with pytest.raises(StatementError, match="OPENAR_STATEMENT_MAX_BYTES"):
        parse_bytes(SNS.read_bytes() * 3, name="big.sta")


# -- 10: OFX amounts are finite ----------------------------------------------------------------


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "inf", "sNaN", "1E400"])
@pytest.mark.parametrize("tag", ["TRNAMT", "BALAMT"])
def test_ofx_non_finite_amount_is_refused(tag, amount):
    data = re.sub(
        rf"<{tag}>[^<\r\n]*".encode(), f"<{tag}>{amount}".encode(), OFX.read_bytes(), count=1
    )
    with pytest.raises(StatementError) as caught:
        ofx.parse(data, name="stmtrs.ofx")
    assert "is not an amount" in caught.value.message
    assert caught.value.field == tag
    assert caught.value.position.startswith("line ")


def test_ofx_cli_refuses_nan_with_exit_1(tmp_path, capsys):
    path = tmp_path / "nan.ofx"
    path.write_bytes(re.sub(rb"<TRNAMT>[^<\r\n]*", b"<TRNAMT>NaN", OFX.read_bytes(), count=1))
    assert main(["statement", "parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert "is not an amount" in err and "Traceback" not in err


# -- 5: damaged zip content --------------------------------------------------------------------


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def _damage_first_member(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode())
    return data[:start] + b"\xff" * info.compress_size + data[start + info.compress_size :]


def test_damaged_zip_member_is_a_statement_error():
    with pytest.raises(StatementError, match="damaged zip archive"):
        parse_data(_damage_first_member(_zipped({"a.xml": V01})), name="bad.zip")


def test_damaged_zip_through_the_api_is_a_400(db, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="cash", roles=["cashapp"]))
    data = _damage_first_member(_zipped({"a.xml": V01}))
    response = client.post("/api/cash/statements", {"file": SimpleUploadedFile("s.zip", data)})
    assert response.status_code == 400, response.content
    assert "damaged zip archive" in response.json()["message"]


def test_zip_bomb_through_the_api_is_a_400(db, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="cash", roles=["cashapp"]))
    bomb = _zipped({"b.xml": b"<" + b"A" * (20 * 1024 * 1024)})
    response = client.post("/api/cash/statements", {"file": SimpleUploadedFile("s.zip", bomb)})
    assert response.status_code == 400, response.content
    assert "zip bomb" in response.json()["message"]


# -- 2 and 4 for CSV/XLSX bank exports ---------------------------------------------------------


def _xlsx(rows: list[list[object]], pad: int = 0) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Amount", "Text"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not pad:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", 8) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                blob = blob.replace(b"<sheetData>", b"<sheetData>" + b" " * pad, 1)
            dst.writestr(info.filename, blob)
    return out.getvalue()


@override_settings(OPENAR_XLSX_MAX_RATIO=50)
def test_bank_xlsx_zip_bomb_is_refused():
    data = _xlsx([["2026-06-30", "10.00", "INV1"]], pad=8_000_000)
    with pytest.raises(StatementError, match="OPENAR_XLSX_MAX_RATIO"):
        csvbank.parse(data, name="bomb.xlsx", layout=LAYOUT)


def test_bank_xlsx_within_limits_is_read():
    [statement] = csvbank.parse(_xlsx([["2026-06-30", "10.00", "INV1"]]), name="ok.xlsx",
                                layout=LAYOUT)  # fmt: skip
    assert len(statement.lines) == 1


def test_bank_csv_nul_character_is_refused():
    data = b"Date,Amount,Text\n2026-06-30,10.00,INV\x001\n"
    with pytest.raises(StatementError) as caught:
        csvbank.parse(data, name="nul.csv", layout=LAYOUT)
    assert "NUL" in caught.value.message and caught.value.position == "row 2"
