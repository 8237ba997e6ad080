"""MT940/MT942 parsing against the real files in tests/data/bank-statements/mt940-wolph.

The .yml beside each .sta is what the ``mt-940`` library produced for it, dumped as python-tagged
YAML. We read it with a SafeLoader that turns the python tags into plain values (Decimal, date,
dicts) and compare every transaction: amount, C/D mark, value and entry dates, references and the
German :86: subfields (counterparty name and IBAN, end-to-end reference, purpose).

The dumps come from an older library release: where its ``:61:`` reading ran the customer
reference into the bank reference (``NONREF//B4E07XM0``) or found no SEPA keyword (``None``),
ours is compared with what the file says instead (see ``_references``)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from openar.cashapp.domain import StatementError
from openar.cashapp.parsers import mt940, parse_bytes

DATA = Path(__file__).resolve().parents[1] / "data" / "bank-statements"
MT940 = DATA / "mt940-wolph" / "mt940_tests"
BALANCED = ["jejik/sns.sta", "jejik/generic.sta", "jejik/rabobank-iban.sta", "mBank/mt940.sta",
            "sberbank/171011_01234945.sta", "self-provided/february_30.sta"]  # fmt: skip
# Anonymised test files whose balances do not add up: read with check_balances=False.
UNBALANCED = [
    "jejik/abnamro.sta", "jejik/ing.sta", "jejik/knab.sta", "jejik/postfinance.sta",
    "jejik/rabobank.sta", "jejik/triodos.sta", "self-provided/raiffeisen-cmi.sta",
]  # fmt: skip
# Not statements at all: the library's dump is empty, we refuse them.
NOT_STATEMENTS = ["self-provided/empty_non_swift.sta", "self-provided/invalid_statement.sta"]
WITH_EXPECTED = sorted(
    str(path.relative_to(MT940))
    for path in MT940.glob("*/*.sta")
    if path.with_suffix(".yml").exists() and str(path.relative_to(MT940)) not in NOT_STATEMENTS
)


class _DumpLoader(yaml.SafeLoader):
    """Reads the library's python-tagged dumps without executing anything."""


def _python_object(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        args = loader.construct_sequence(node, deep=True)
        if suffix == "decimal.Decimal":
            return Decimal(args[0])
        if suffix in {"mt940.models.Date", "mt940.models.DateTime"} and isinstance(args[0], bytes):
            raw = args[0]  # a pickled date: year (2 bytes), month, day
            return dt.date(raw[0] * 256 + raw[1], raw[2], raw[3])
        return args
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_DumpLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _python_object)
_DumpLoader.add_multi_constructor("tag:yaml.org,2002:python/object:", _python_object)
_DumpLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda *_: None)


def _expected(sta: str) -> dict[str, Any]:
    text = (MT940 / sta).with_suffix(".yml").read_text(encoding="utf-8")
    # Each transaction points back at its parent (a recursive anchor SafeLoader cannot build).
    text = re.sub(r"(?m)^\s+transactions: \*id\d+\n", "", text)
    loaded = yaml.load(text, Loader=_DumpLoader)  # a SafeLoader subclass
    assert isinstance(loaded, dict), sta
    return loaded


def _parse(sta: str) -> list[Any]:
    """Auto-detected, as an import would; files that cannot balance are read unchecked."""
    data = (MT940 / sta).read_bytes()
    try:
        statements = parse_bytes(data, name=sta)
    except StatementError as exc:
        if "balance" not in str(exc):
            raise
        statements = mt940.parse(data, name=sta, check_balances=False)
    return statements


def _references(expected: dict[str, Any]) -> tuple[str | None, str | None]:
    customer, bank = expected.get("customer_reference"), expected.get("bank_reference")
    if customer and "//" in customer and bank is None:
        customer, bank = customer.split("//", 1)  # cut at 16 characters
    if bank:
        bank = bank.splitlines()[0]  # the old release ran on into the supplementary details
    return customer, bank


@pytest.mark.parametrize("sta", WITH_EXPECTED)
def test_real_file_matches_the_expected_output(sta):
    expected = _expected(sta)
    statements = _parse(sta)
    assert all(s.format in {"mt940", "mt942"} for s in statements)
    lines = [line for statement in statements for line in statement.lines]
    transactions = [t["data"] for t in expected.get("transactions") or []]
    assert len(lines) == len(transactions)
    for index, (line, want) in enumerate(zip(lines, transactions, strict=True)):
        where = f"{sta} line {index}"
        assert line.amount == want["amount"]["amount"], where
        assert line.extra["status"] == want["status"], where
        assert line.value_date == want["date"], where
        assert line.booking_date == (want.get("entry_date") or want.get("guessed_entry_date"))
        customer, bank = _references(want)
        if customer is not None:
            assert line.extra["customer_reference"].rstrip("/") == customer.rstrip("/"), where
        if bank is not None:
            assert line.bank_reference.startswith(bank), where
        if want.get("applicant_name"):
            assert line.counterparty_name == want["applicant_name"], where
        if want.get("applicant_iban"):
            assert line.counterparty_account == want["applicant_iban"], where
        if want.get("end_to_end_reference"):
            assert line.end_to_end_id == want["end_to_end_reference"].strip(), where
        if want.get("purpose"):
            # ours goes on with the ?60-?63 continuation the library keeps apart
            assert line.remittance.startswith(want["purpose"].strip()), where
        if want.get("transaction_code"):
            assert line.transaction_code == want["transaction_code"], where
        details = want.get("transaction_details") or ""
        if details and not mt940.parse_details(details):  # free text: all of it is remittance
            assert " ".join(line.remittance.split()) == " ".join(details.split()), where
    data = expected.get("data") or {}
    if data.get("final_opening_balance") and statements:  # the dump keeps one statement's
        opening = data["final_opening_balance"]["amount"]["amount"]
        assert opening in {statement.opening_balance for statement in statements}
    if data.get("account_identification") and statements:
        assert data["account_identification"] in {statement.account for statement in statements}


def test_every_real_file_is_compared():
    assert len(WITH_EXPECTED) >= 45


@pytest.mark.parametrize("sta", NOT_STATEMENTS)
def test_files_without_swift_content_are_refused(sta):
    with pytest.raises(StatementError, match=r"at line \d+"):
        parse_bytes((MT940 / sta).read_bytes(), name=sta, fmt="mt940")


@pytest.mark.parametrize(
    "sta",
    ["cmxl/statement_line.sta", "cmxl/account_identification_iban.sta", "betterplace/empty_86.sta",
     "self-provided/sparkassen.sta", "betterplace/missing_crlf_at_end.sta", "jejik/abnamro.sta",
     "jejik/ing.sta", "mBank/mt940.sta"],
)  # fmt: skip
def test_auto_detection_finds_snippets_and_headed_files(sta):
    data = (MT940 / sta).read_bytes()
    assert mt940.sniff(data[:4096])


def test_snippet_without_currency_is_a_fragment():
    [statement] = parse_bytes((MT940 / "cmxl/statement_line.sta").read_bytes(), name="s.sta")
    assert statement.currency == ""
    assert statement.extra["fragment"] is True
    assert statement.lines[0].amount == Decimal("-1.62")


def test_currency_appended_to_the_account_is_used():
    [statement] = parse_bytes((MT940 / "betterplace/currency_in_25.sta").read_bytes(), name="c")
    assert statement.currency == "EUR"


def test_withdrawn_currency_dem_parses_flagged():
    statements = parse_bytes((MT940 / "cmxl/mt940.sta").read_bytes(), name="mt940.sta")
    dem = [s for s in statements if s.currency == "DEM"]
    assert dem and all(s.extra["withdrawn_currency"] for s in dem)
    assert all("withdrawn_currency" not in s.extra for s in statements if s.currency != "DEM")


def test_german_details_split_purpose_from_continuation():
    [statement] = mt940.parse(
        (MT940 / "self-provided/details_60-63.sta").read_bytes(), name="d", check_balances=False
    )
    line = statement.lines[0]
    assert line.end_to_end_id == "123/123/12345-----L110"
    assert line.counterparty_name == "Finanzamt Muenchen Abteilung Erhebung"
    assert "ABWA: Finanzamt Muenchen" in line.remittance


def test_long_customer_reference_asn_bank():
    path = MT940 / "ASNB" / "0708271685_09022020_164516.940.txt"
    statements = parse_bytes(path.read_bytes(), name=path.name)
    lines = [line for statement in statements for line in statement.lines]
    assert lines and all(line.currency == "EUR" for line in lines)
    assert lines[0].extra["customer_reference"].startswith("NL47INGB")


@pytest.mark.parametrize("sta", UNBALANCED)
def test_unbalanced_real_files_are_flagged_by_default(sta):
    statements = mt940.parse((MT940 / sta).read_bytes(), name=sta)
    warnings = [w for s in statements for w in s.unbalanced]
    assert warnings, sta
    assert all("closing balance" in w.message and w.position.startswith("line ") for w in warnings)
    unchecked = mt940.parse((MT940 / sta).read_bytes(), name=sta, check_balances=False)
    assert [s.lines for s in unchecked] == [s.lines for s in statements]
    assert not any(s.warnings for s in unchecked)


def test_mt942_is_recognised():
    [statement] = mt940.parse((MT940 / "mBank/mt942.sta").read_bytes(), name="mt942.sta")
    assert statement.format == "mt942"
    assert statement.currency == "PLN"


def test_sns_references_dates_and_remittance():
    statements = mt940.parse((MT940 / "jejik/sns.sta").read_bytes(), name="sns.sta")
    line = statements[0].lines[0]
    assert line.amount == Decimal("-20.00")
    assert str(line.value_date) == "2012-06-07"
    assert str(line.booking_date) == "2012-06-08"
    assert "marechal s dit is een test" in line.remittance


def test_edited_unbalanced_statement_is_flagged():
    data = (MT940 / "jejik/sns.sta").read_bytes()
    text = data.decode("latin-1")
    closing = re.search(r":62F:[CD]\d{6}EUR([\d,]+)", text)
    assert closing
    edited = text.replace(closing.group(0), closing.group(0)[:-1] + "9", 1)
    statements = mt940.parse(edited.encode("latin-1"), name="sns.sta")
    (warning,) = [w for s in statements for w in s.unbalanced]
    assert "but the closing balance is" in warning.message
    assert re.fullmatch(r"line \d+", warning.position)


def test_truncated_file_is_refused():
    data = (MT940 / "jejik/sns.sta").read_bytes()
    truncated = data[: data.find(b":62F:")]
    with pytest.raises(StatementError, match=r"truncated.* at line \d+"):
        mt940.parse(truncated, name="sns.sta")


def test_unknown_currency_is_refused():
    data = (MT940 / "jejik/sns.sta").read_bytes().replace(b"EUR", b"XQZ")
    with pytest.raises(StatementError, match=r"unknown currency 'XQZ' at line \d+"):
        mt940.parse(data, name="sns.sta")
