"""Hostile and broken statement files: each is refused with its position and reason, quickly,
and without reading what it points at (entity expansion, NUL bytes, huge fields, zip bombs)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import camt, parse_bytes, parse_data, parse_file
from openar.cli import main

from .conftest import STATEMENTS

OURS = STATEMENTS / "camt-openar"
V01 = (OURS / "camt.053.001.01-eur.xml").read_bytes()
SNS = STATEMENTS / "mt940-wolph" / "mt940_tests" / "jejik" / "sns.sta"


def test_billion_laughs_is_refused_before_parsing() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    data = V01.replace(
        b"<Document", f"<!DOCTYPE Document [{entities}]>\n<Document".encode(), 1
    ).replace(b"<Ustrd>INV 1800022194</Ustrd>", b"<Ustrd>&a9;</Ustrd>")
    started = time.perf_counter()
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="laughs.xml")
    assert time.perf_counter() - started < 1
    with pytest.raises(StatementError):
        parse_bytes(data, name="laughs.xml")  # through auto-detection too
    assert "document type declarations (<!DOCTYPE>, entities) are not allowed" in (
        caught.value.message
    )
    assert caught.value.position == "line 5"  # after the XML declaration and the comment


def test_nul_byte_in_xml_names_line_and_column() -> None:
    data = V01.replace(b"<Nm>ACME TRADING GMBH</Nm>", b"<Nm>ACME\x00TRADING GMBH</Nm>")
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="nul.xml")
    assert "malformed XML" in caught.value.message
    line = data[: data.find(b"\x00")].count(b"\n") + 1
    assert caught.value.position.startswith(f"line {line}, column ")


def test_nul_byte_in_mt940_names_line_and_column() -> None:
    data = SNS.read_bytes()
    at = data.find(b":86:")
    data = data[: at + 6] + b"\x00" + data[at + 6 :]
    with pytest.raises(StatementError) as caught:
        parse_bytes(data, name="sns.sta")
    line = data[:at].count(b"\n") + 1
    assert caught.value.message == (
        f"sns.sta: NUL byte in a mt940 file (a binary or damaged file) at line {line}, column 7"
    )
    assert caught.value.position == f"line {line}, column 7"


def test_huge_field_is_refused_with_its_path() -> None:
    data = V01.replace(b"INV 1800022194", b"X" * 20_000)
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="huge.xml")
    assert "Ustrd is 20000 characters long (at most 10000 are read)" in caught.value.message
    assert caught.value.position.endswith("/Stmt/Ntry[1]/TxDtls/RmtInf/Ustrd")


def test_huge_amount_is_refused_and_not_echoed_whole() -> None:
    data = V01.replace(b">1250.00<", b">" + b"9" * 5000 + b"<")
    with pytest.raises(StatementError) as caught:
        camt.parse(data, name="amount.xml")
    assert "is not an amount" in caught.value.message
    assert len(caught.value.message) < 300
    assert caught.value.position.endswith("/Stmt/Ntry[1]/Amt")


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return buffer.getvalue()


def test_zip_bomb_is_refused_by_ratio() -> None:
    bomb = zipped({"a.xml": V01, "b.xml": b"<" + b"A" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(StatementError) as caught:
        parse_data(bomb, name="bomb.zip")
    assert "member b.xml unzips to more than 100 times its compressed size" in (
        caught.value.message
    )
    assert "OPENAR_STATEMENT_ZIP_MAX_RATIO" in caught.value.message


@override_settings(OPENAR_STATEMENT_ZIP_MAX_BYTES=len(V01) + 1000)
def test_zip_larger_than_the_limit_is_refused() -> None:
    archive = zipped({"a.xml": V01, "b.xml": V01})
    with pytest.raises(StatementError) as caught:
        parse_data(archive, name="two.zip")
    assert f"larger than {len(V01) + 1000} bytes" in caught.value.message
    assert caught.value.position == "member b.xml"


@override_settings(OPENAR_STATEMENT_ZIP_MAX_MEMBERS=2)
def test_zip_with_too_many_members_is_refused() -> None:
    with pytest.raises(StatementError, match="holds 3 files; at most 2"):
        parse_data(zipped({f"{i}.xml": V01 for i in range(3)}), name="many.zip")


def test_zip_within_the_limits_is_read(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    path.write_bytes(zipped({"b.xml": V01, "a.xml": V01}))
    statements = parse_file(path)
    assert [s.extra["file"] for s in statements] == ["two.zip:a.xml", "two.zip:b.xml"]


def test_cli_refuses_a_zip_bomb_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zipped({"b.xml": b"<" + b"A" * (20 * 1024 * 1024)}))
    assert main(["statement", "parse", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["code"] == "bad_statement" and "zip bomb" in error["message"]
    assert "zip bomb" in captured.err
