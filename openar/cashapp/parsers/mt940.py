"""SWIFT MT940 (statement) and MT942 (interim report) files.

The ``mt-940`` library reads the tags (:61: amounts, dates, references; :60F:/:62F: balances). We
split the file into messages ourselves (so errors can name a line and each message becomes one
Statement) and read the structured :86: layouts ourselves: German ``?20``-``?63`` subfields with
``EREF+``/``SVWZ+`` keywords, Dutch/SEPA ``/EREF/ /NAME/ /REMI/`` slashes, and free text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import mt940 as mt940_lib

from openar.cashapp.domain import (
    Balance,
    Statement,
    StatementError,
    StatementLine,
    StatementWarning,
)
from openar.core.money import is_currency

FORMAT = "mt940"

_TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
_MT942_TAGS = ("13D", "34F", "90D", "90C")


_FIRST_TAG = re.compile(
    r"^\s*(?:\{1:|:(?:20|21|25P?|28C?|60[FM]?|61|62[FM]?|64|65|86|NS|13D?|34F|90[CD]):)"
)


def sniff(head: bytes) -> bool:
    """A SWIFT message: the first line is a block header ``{1:`` or one of the MT940/MT942 tags
    (so portal exports and snippets that start at :25:, :60F:, :61: or :86: are recognised)."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    if re.search(r"^:20:", text, re.MULTILINE) and re.search(r"^:(25|61|28C?):", text, re.M):
        return True  # a header line or two (ABNANL2A / 940) before the first :20:
    return bool(_FIRST_TAG.match(text.lstrip("\r\n -")))


# Currencies withdrawn from ISO 4217 (replaced by the euro) that old German statements still use
# (DEM in cmxl/mt940.sta). They parse, flagged in ``Statement.extra["withdrawn_currency"]``; an
# import into a bank account of another currency refuses them.
WITHDRAWN_CURRENCIES = {
    "ATS": 2, "BEF": 0, "DEM": 2, "ESP": 0, "FIM": 2, "FRF": 2, "GRD": 0, "IEP": 2, "ITL": 0,
    "LUF": 0, "NLG": 2, "PTE": 0,
}  # fmt: skip


def _decode(data: bytes) -> str:
    """UTF-8, else the DOS code page 852 when C1 bytes (0x80-0x9F, control characters in
    Latin-1) appear, as in Raiffeisen's Hungarian export ("\\x94sszevont" is "összevont"), else
    Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if any(0x80 <= byte <= 0x9F for byte in data):
        return data.decode("cp852")
    return data.decode("latin-1")


def _messages(text: str) -> list[tuple[int, str]]:
    """(first line number, text) for each message, split at every :20: tag."""
    starts = [m.start() for m in re.finditer(r"^:20:", text, re.MULTILINE)]
    if not starts:
        if not _TAG.search(text):
            raise StatementError("no SWIFT tags; not an MT940/MT942 file", position="line 1")
        return [(1, text)]  # a statement without :20: (some bank portal exports)
    chunks = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunks.append((text.count("\n", 0, start) + 1, text[start:end]))
    return chunks


# The longest field read: SWIFT allows 6 x 65 characters in :86: (390), banks write more, and
# the library's parse time grows with a field's length, so a longer one is refused unread.
MAX_FIELD = 10_000


def _refuse_long_fields(text: str, *, name: str) -> None:
    starts = [m.start() for m in _TAG.finditer(text)]
    for start, end in zip(starts, [*starts[1:], len(text)], strict=False):
        if end - start > MAX_FIELD:
            tag = _TAG.match(text, start)
            raise StatementError(
                f"{name}: field :{tag.group(1) if tag else '?'}: is {end - start} characters long "
                f"(at most {MAX_FIELD} are read)",
                position=f"line {text.count(chr(10), 0, start) + 1}",
                field=f":{tag.group(1) if tag else '?'}:",
            )


def _tags(chunk: str) -> set[str]:
    return {m.group(1) for m in _TAG.finditer(chunk)}


def _line_of(chunk: str, first_line: int, needle: str) -> int:
    index = chunk.find(needle)
    return first_line + (chunk.count("\n", 0, index) if index >= 0 else 0)


def _balance(data: dict[str, Any], *keys: str) -> tuple[Decimal | None, dt.date | None, str]:
    for key in keys:
        balance = data.get(key)
        if balance is not None:
            amount = balance.amount
            return Decimal(amount.amount), _date(balance.date), amount.currency or ""
    return None, None, ""


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return dt.date(value.year, value.month, value.day)


def parse(data: bytes, *, name: str, check_balances: bool = True) -> list[Statement]:
    """A statement whose lines do not add up from opening to closing balance carries an
    ``unbalanced`` warning (the import refuses it unless told to accept it).
    ``check_balances=False`` skips that check and also reads statements that lack their closing
    balance (anonymised test files and tag snippets)."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_long_fields(text, name=name)
    return [
        _statement(chunk, first_line, name, check_balances) for first_line, chunk in _messages(text)
    ]


def _statement(chunk: str, first_line: int, name: str, check_balances: bool) -> Statement:
    tags = _tags(chunk)
    is_mt942 = bool(tags & set(_MT942_TAGS)) and not tags & {"60F", "60M"}
    if check_balances and tags & {"60F", "60M"} and not tags & {"62F", "62M"}:
        raise StatementError(
            f"{name}: statement without a :62F:/:62M: closing balance (truncated?)",
            position=f"line {first_line + chunk.count(chr(10))}",
        )
    # Without the library's own :86: post-processor, which would consume the raw details that
    # parse_details() reads (and keep only the German subfields it knows).
    try:
        parsed, transactions = _library_parse(chunk)
    except Exception as exc:  # the library raises bare ValueError/RuntimeError subclasses
        raise StatementError(
            f"{name}: {_first_line(exc)}", position=f"line {_failing_line(chunk, first_line, exc)}"
        ) from exc
    info = parsed.data
    opening, opening_date, currency = _balance(
        info, "final_opening_balance", "intermediate_opening_balance"
    )
    closing, closing_date, closing_currency = _balance(
        info, "final_closing_balance", "intermediate_closing_balance"
    )
    currency = currency or closing_currency or str(info.get("currency") or "")
    account = str(info.get("account_identification") or "")
    if not currency and is_currency(account[-3:]) and account[-4:-3].isdigit():
        currency = account[-3:]  # some banks append the currency to :25: (12345678/9223382012EUR)
    if not currency:
        for transaction in transactions:
            amount = transaction.data.get("amount")
            if amount is not None and amount.currency:
                currency = amount.currency
                break
    fragment = not tags & {"60F", "60M", "62F", "62M", "34F"}
    if not currency and fragment:
        # A fragment (no balances) names no currency: an import must take it from
        # the bank account it is loaded into.
        pass
    elif not is_currency(currency) and currency not in WITHDRAWN_CURRENCIES:
        raise StatementError(
            f"{name}: unknown currency {currency!r}",
            position=f"line {_line_of(chunk, first_line, ':60')}",
            field="currency",
        )
    lines = [_line(transaction.data, currency) for transaction in transactions]
    warnings: list[StatementWarning] = []
    if check_balances and opening is not None and closing is not None:
        total = opening + sum((line.amount for line in lines), Decimal(0))
        if total != closing:
            warnings.append(
                StatementWarning(
                    code="unbalanced",
                    message=(
                        f"{name}: opening balance {opening} plus lines {total - opening} is "
                        f"{total}, but the closing balance is {closing} (difference "
                        f"{closing - total} {currency})"
                    ),
                    position=f"line {_line_of(chunk, first_line, ':62')}",
                    statement_id=str(info.get("statement_number") or ""),
                    currency=currency,
                    difference=f"{closing - total:f}",
                )
            )
    extra: dict[str, Any] = {
        "transaction_reference": info.get("transaction_reference") or "",
        "line": first_line,
    }
    if currency in WITHDRAWN_CURRENCIES:
        extra["withdrawn_currency"] = True
    if fragment:
        extra["fragment"] = True
    statement_number = str(info.get("statement_number") or "")
    sequence = str(info.get("sequence_number") or "")
    return Statement(
        format="mt942" if is_mt942 else FORMAT,
        statement_id=f"{statement_number}/{sequence}" if sequence else statement_number,
        account=str(info.get("account_identification") or ""),
        currency=currency,
        lines=lines,
        opening_balance=opening,
        closing_balance=closing,
        opening_date=opening_date,
        closing_date=closing_date,
        extra=extra,
        balances=[Balance(currency, opening, closing, opening_date, closing_date)]
        if currency and (opening is not None or closing is not None)
        else [],
        warnings=warnings,
    )


class _LongReferenceStatement(mt940_lib.tags.Statement):
    """:61: with a customer reference longer than the 16 characters SWIFT allows (ASN Bank puts
    the counterparty IBAN there); used only when the standard pattern fails."""

    pattern = mt940_lib.tags.Statement.pattern.replace(
        "((?!//)[^\\n]){0,16}", "((?!//)[^\\n]){0,34}"
    )


def _library_parse(chunk: str) -> tuple[Any, list[Any]]:
    # Without the library's own :86: post-processor, which would consume the raw details that
    # parse_details() reads (and keep only the German subfields it knows).
    processors: dict[str, list[Any]] = {"post_transaction_details": []}
    parsed = mt940_lib.models.Transactions(processors=processors)
    try:
        return parsed, parsed.parse(chunk)
    except RuntimeError:
        parsed = mt940_lib.models.Transactions(
            processors=processors, tags={61: _LongReferenceStatement()}
        )
        return parsed, parsed.parse(chunk)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _failing_line(chunk: str, first_line: int, exc: Exception) -> int:
    """The line of the tag the library could not read (its message quotes the value)."""
    match = re.search(r"from '([^'\n]{4,})", str(exc))
    if match:
        index = chunk.find(match.group(1)[:40])
        if index >= 0:
            return first_line + chunk.count("\n", 0, index)
    return first_line


def _line(data: dict[str, Any], currency: str) -> StatementLine:
    amount = Decimal(data["amount"].amount)  # the library signs it by C/D/RC/RD
    details = str(data.get("transaction_details") or "")
    fields = parse_details(details)
    bank_reference = str(data.get("bank_reference") or "")
    customer_reference = str(data.get("customer_reference") or "")
    end_to_end = fields.get("end_to_end_id", "")
    if not end_to_end and customer_reference.upper() != "NONREF":
        end_to_end = customer_reference
    extra: dict[str, Any] = {
        "status": data.get("status"),
        "customer_reference": customer_reference,
        "transaction_type": data.get("id") or "",
    }
    if data.get("extra_details"):
        extra["extra_details"] = data["extra_details"]
    for key in ("mandate_id", "creditor_id", "gvc_text"):
        if fields.get(key):
            extra[key] = fields[key]
    return StatementLine(
        booking_date=_date(data.get("entry_date") or data.get("guessed_entry_date")),
        value_date=_date(data.get("date")),
        amount=amount,
        currency=currency,
        bank_reference=bank_reference,
        end_to_end_id=end_to_end,
        counterparty_name=fields.get("name", ""),
        counterparty_account=fields.get("account", ""),
        remittance=fields.get("remittance", details.replace("\n", " ").strip()),
        creditor_reference=fields.get("creditor_reference", ""),
        transaction_code=fields.get("gvc", "") or str(data.get("id") or ""),
        extra=extra,
    )


_SEPA_KEYWORDS = ("EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC")
_SLASH_KEYS = (
    "EREF", "PREF", "IBAN", "BIC", "NAME", "REMI", "MARF", "CSID", "ORDP", "BENM", "ID", "ADDR",
    "TRTP", "RTRN", "CNTP", "ULTC", "ULTD", "ISDT", "PURP", "CREF", "SVCL", "ULTB",
)  # fmt: skip


def parse_details(details: str) -> dict[str, str]:
    """Counterparty, references and purpose from a :86: field, where the bank structures it."""
    flat = details.replace("\n", "")
    if re.match(r"^\d{3}\?", flat) or flat.startswith("?"):
        return _german(flat)
    if re.search(r"/(EREF|REMI|NAME|BENM|ORDP|TRTP)/", flat):
        return _slashes(flat)
    return {}


def _german(flat: str) -> dict[str, str]:
    """DFÜ-Abkommen layout: GVC code, ?00 booking text, ?10 primanota, ?20-?29 and ?60-?63 purpose,
    ?30 BLZ/BIC, ?31 account/IBAN, ?32-?33 name, ?34 return code."""
    result: dict[str, str] = {"gvc": flat[:3] if flat[:3].isdigit() else ""}
    parts = re.split(r"\?(\d{2})", flat[3:] if result["gvc"] else flat)
    sub: dict[str, list[str]] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        sub.setdefault(key, []).append(value)
    pieces = [value for key in sorted(sub) if key[0] == "2" for value in sub[key]]
    purpose = "".join(pieces)
    # ?60-?63 continue the purpose text but carry no SEPA keywords of their own.
    additional = "".join(value for key in ("60", "61", "62", "63") for value in sub.get(key, []))
    name = "".join(sub.get("32", []) + sub.get("33", [])).strip()
    result["gvc_text"] = "".join(sub.get("00", [])).strip()
    result["name"] = name
    result["account"] = "".join(sub.get("31", [])).strip()
    keyed = _split_keywords(purpose, pieces)
    if len(keyed) > 1:
        values: dict[str, str] = {}
        for key, value in zip(keyed[1::2], keyed[2::2], strict=False):
            values[key] = (values.get(key, "") + value).strip()
        result["end_to_end_id"] = values.get("EREF", "")
        if result["end_to_end_id"].upper() == "NOTPROVIDED":
            result["end_to_end_id"] = ""
        result["mandate_id"] = values.get("MREF", "")
        result["creditor_id"] = values.get("CRED", "")
        remittance = values.get("SVWZ", "") or (keyed[0] + "".join(keyed[2::2])).strip()
    else:
        remittance = purpose.strip()
    result["remittance"] = " ".join(part for part in (remittance, additional.strip()) if part)
    return result


_KEYWORD = re.compile(r"(" + "|".join(_SEPA_KEYWORDS) + r")\+")


def _split_keywords(purpose: str, pieces: list[str]) -> list[str]:
    """``[text before, KEY, value, KEY, value...]`` like ``re.split``. A keyword counts where a
    subfield starts or after a non-capital: "5DF620F?22MREF+" splits, "...AMREF+" inside a word
    does not, and a keyword cut across subfields ("?24...34 S?25VWZ+") is still found."""
    starts = set()
    offset = 0
    for piece in pieces:
        starts.add(offset)
        offset += len(piece)
    parts: list[str] = []
    last = 0
    for match in _KEYWORD.finditer(purpose):
        at = match.start()
        if at in starts or at == 0 or not purpose[at - 1].isupper():
            parts.extend([purpose[last:at], match.group(1)])
            last = match.end()
    parts.append(purpose[last:])
    return parts


def _slashes(flat: str) -> dict[str, str]:
    """SEPA layout used by ING, ABN AMRO, Rabobank...: /EREF/x/NAME/y/REMI/z (sub-keys such as
    /BENM//NAME/ and /REMI/USTD//text/ nest one level)."""
    pattern = r"/(" + "|".join(_SLASH_KEYS) + r")/"
    parts = re.split(pattern, flat)
    values: dict[str, str] = {}
    last_party = ""
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        value = value.strip()
        if key in {"BENM", "ORDP", "CNTP"}:
            last_party = key
        if key == "NAME" and last_party not in {"", "BENM", "ORDP", "CNTP"}:
            continue
        if key == "NAME" and "NAME" in values and values["NAME"]:
            continue  # the first NAME (the party) wins over an ultimate party's
        values[key] = value
    result: dict[str, str] = {}
    eref = values.get("EREF", "")
    result["end_to_end_id"] = "" if eref.upper() == "NOTPROVIDED" else eref
    result["name"] = values.get("NAME", "")
    result["account"] = values.get("IBAN", "")
    remi = values.get("REMI", "")
    remi = re.sub(r"^(USTD|STRD)//", "", remi).strip("/ ")
    if remi.startswith("CUR/"):
        remi = remi.removeprefix("CUR/")
    result["remittance"] = remi
    marf = values.get("MARF", "")
    if marf:
        result["mandate_id"] = marf
    if values.get("CSID"):
        result["creditor_id"] = values["CSID"]
    return result
