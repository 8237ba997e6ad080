"""The generator's statements written as banks write them: camt.053, MT940 and BAI2.

The same payments come out in each format, with the free text each format really carries
(chosen per line from ``Line.style``, so every run and every format agrees):

- camt.053: the payer's name, account and references in their own elements;
- MT940: ``:86:`` in the German ?-subfield layout (?20-?29 purpose in 27-character pieces with
  EREF+/KREF+/SVWZ+ keywords, ?31 account, ?32/?33 name cut at 27), in the SWIFT-style
  ``/EREF//ORDP//NAME//REMI/`` layout, or unstructured (name and text as typed, broken every
  65 characters, inside words and references); the end-to-end id rides in the :61: customer
  reference;
- BAI2: type 16 text with 88 continuations every 80 characters: ACH CCD with NACHA
  descriptors (company name cut at 16) and a CCD+ addenda, CTX with an X12 820 advice (N1*PR,
  RMR per invoice with the amount paid, ADX for a short payment), wires with the originator's
  account (Fedwire/CHIPS "ORG=/account NAME OBI=...", Citi "BO:account BO1:NAME PY:...") or,
  a fifth of them, by name only ("BY ORDER OF:... OBI=..."), or plain text.
Our own writers; the parsers read them back (tested).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openar.core.money import format_amount, minor_units
from openar.demo.bank_statements import Generated, GeneratedStatement, Line

FORMATS = ("camt", "mt940", "bai2")


def _amt(value: Decimal, currency: str) -> str:
    return format_amount(abs(value), currency)


def write_camt053(statement: GeneratedStatement) -> bytes:
    """ISO 20022 camt.053.001.02 with one entry (and one TxDtls) per line."""
    cur = statement.currency
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        "<BkToCstmrStmt>",
        f"<GrpHdr><MsgId>{escape(statement.statement_id)}</MsgId>"
        f"<CreDtTm>{statement.closing_date.isoformat()}T20:00:00</CreDtTm></GrpHdr>",
        f"<Stmt><Id>{escape(statement.statement_id)}</Id>"
        f"<CreDtTm>{statement.closing_date.isoformat()}T20:00:00</CreDtTm>",
        f"<Acct><Id>{_account_xml(statement.account)}</Id><Ccy>{cur}</Ccy></Acct>",
    ]
    for code, value, day in (
        ("OPBD", statement.opening_balance, statement.opening_date),
        ("CLBD", statement.closing_balance, statement.closing_date),
    ):
        out.append(
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="{cur}">{_amt(value, cur)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if value >= 0 else 'DBIT'}</CdtDbtInd>"
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )
    for line in statement.lines:
        credit = line.amount > 0
        party = "Dbtr" if credit else "Cdtr"
        parties = ""
        if line.counterparty_name or line.counterparty_account:
            parties = "<RltdPties>"
            if line.counterparty_name:
                parties += f"<{party}><Nm>{escape(line.counterparty_name)}</Nm></{party}>"
            if line.counterparty_account:
                parties += (
                    f"<{party}Acct><Id>{_account_xml(line.counterparty_account)}</Id></{party}Acct>"
                )
            parties += "</RltdPties>"
        remittance = ""
        if line.remittance or line.creditor_reference:
            remittance = "<RmtInf>"
            if line.remittance:
                remittance += f"<Ustrd>{escape(line.remittance)}</Ustrd>"
            if line.creditor_reference:
                remittance += (
                    "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                    "<Issr>ISO</Issr></Tp>"
                    f"<Ref>{escape(line.creditor_reference)}</Ref></CdtrRefInf></Strd>"
                )
            remittance += "</RmtInf>"
        e2e = line.end_to_end_id or "NOTPROVIDED"
        out.append(
            f'<Ntry><Amt Ccy="{cur}">{_amt(line.amount, cur)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{line.booking_date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{line.value_date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly>"
            f"<Cd>{'RCDT' if credit else 'CCRD'}</Cd>"
            f"<SubFmlyCd>{'ESCT' if credit else 'CHRG'}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            "<NtryDtls><TxDtls><Refs>"
            f"<AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>"
            f"<EndToEndId>{escape(e2e)}</EndToEndId></Refs>"
            f"{parties}{remittance}</TxDtls></NtryDtls></Ntry>"
        )
    out += ["</Stmt>", "</BkToCstmrStmt>", "</Document>", ""]
    return "\n".join(out).encode("utf-8")


def _account_xml(account: str) -> str:
    if account[:2].isalpha() and account[2:4].isdigit() and len(account) >= 15:
        return f"<IBAN>{escape(account)}</IBAN>"
    return f"<Othr><Id>{escape(account)}</Id></Othr>"


def _swift(text: str) -> str:
    """The SWIFT character set: letters, digits and a few signs; nothing else survives."""
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-?:().,'+ ")
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if ch in allowed)


def _mt_amount(value: Decimal, currency: str) -> str:
    return _amt(value, currency).replace(".", ",")


def _text(line: Line) -> str:
    """The remittance as the payer typed it (the RF reference written out when structured)."""
    return line.remittance or (f"RFB {line.creditor_reference}" if line.creditor_reference else "")


def _style(line: Line, salt: str) -> random.Random:
    return random.Random(f"{line.style}-{salt}")


def _german(line: Line, rng: random.Random) -> str:
    """DFÜ layout: GVC, ?00 booking text, ?20-?29 purpose in 27-character pieces, ?30/?31 the
    payer's bank and account, ?32/?33 its name cut at 27 characters each."""
    purpose = ""
    if line.end_to_end_id and rng.random() < 0.7:
        purpose += f"EREF+{line.end_to_end_id}"
    if line.payer_id and rng.random() < 0.5:
        purpose += f"KREF+{line.payer_id}"
    text = _swift(_text(line)).replace("?", " ")
    purpose += f"SVWZ+{text}" if text else ""
    pieces = [purpose[i : i + 27] for i in range(0, len(purpose), 27)][:10]
    out = "166?00SEPA-UEBERWEISUNG?109310"
    out += "".join(f"?2{k}{piece}" for k, piece in enumerate(pieces))
    if line.counterparty_account:
        out += f"?30DEMOBICXXXX?31{line.counterparty_account}"
    name = _swift(line.counterparty_name).replace("?", " ")
    if name:
        out += f"?32{name[:27]}"
        if name[27:54]:
            out += f"?33{name[27:54]}"
    return out


def _slashes(line: Line, rng: random.Random) -> str:
    details = ""
    if line.end_to_end_id:
        details += f"/EREF/{line.end_to_end_id}"
    if line.counterparty_name:
        details += f"/ORDP//NAME/{_swift(line.counterparty_name)[:35]}"
    if line.counterparty_account:
        details += f"/IBAN/{line.counterparty_account}"
    remi = _text(line)
    details += f"/REMI/{_swift(remi).replace('/', ' ')}" if remi else "/REMI/"
    return details


def _unstructured(line: Line, rng: random.Random) -> str:
    """What a bank with no layout prints: the name (cut at 35), maybe the account, the text."""
    parts = [_swift(line.counterparty_name).upper()[:35]]
    if line.counterparty_account and rng.random() < 0.5:
        parts.append(line.counterparty_account)
    parts.append(_swift(_text(line)).replace("/", " ").replace(":", " "))
    if line.payer_id and rng.random() < 0.5:
        parts.append(f"CUST {line.payer_id}")
    return " ".join(p for p in parts if p)


def write_mt940(statement: GeneratedStatement) -> bytes:
    """SWIFT MT940: each line's :86: in the German, the SWIFT-style or no layout; 65-character
    lines, at most 6 of them (the rest is cut, as banks do)."""
    cur = statement.currency

    def bal(tag: str, value: Decimal, day: dt.date) -> str:
        mark = "C" if value >= 0 else "D"
        return f":{tag}:{mark}{day:%y%m%d}{cur}{_mt_amount(value, cur)}"

    out = [
        f":20:{statement.statement_id[:16]}",
        f":25:{statement.account}",
        f":28C:{statement.closing_date:%j}/1",
        bal("60F", statement.opening_balance, statement.opening_date),
    ]
    for line in statement.lines:
        mark = "C" if line.amount > 0 else "D"
        customer_ref = line.end_to_end_id[:16] or "NONREF"
        out.append(
            f":61:{line.value_date:%y%m%d}{line.booking_date:%m%d}{mark}"
            f"{_mt_amount(line.amount, cur)}NTRF{customer_ref}//{line.bank_reference[:16]}"
        )
        rng = _style(line, "mt940")
        roll = rng.random()
        if not line.end_to_end_id:
            details = _slashes(line, rng)
        elif roll < 0.45:
            details = _german(line, rng)
        elif roll < 0.7:
            details = _slashes(line, rng)
        else:
            details = _unstructured(line, rng)
        chunks = [details[i : i + 65] for i in range(0, len(details), 65)][:6]
        out.append(":86:" + "\n".join(chunks))
    out.append(bal("62F", statement.closing_balance, statement.closing_date))
    out.append("-")
    return ("\r\n".join(out) + "\r\n").encode("ascii", "replace")


_ISA = (
    "ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*OPENARDEMO     *{day:%y%m%d}*1200*U*"
    "00401*{control:09d}*0*P*>~"
)


def _x12(line: Line, day: dt.date) -> str:
    """A CTX payment's X12 820: the payer, one RMR per document with what it pays (an ADX
    when it pays less than open), and the total."""
    name = _swift(line.counterparty_name).upper()[:35]
    sender = "".join(ch for ch in name if ch.isalnum())[:15]
    segs = [
        _ISA.format(sender=sender, day=day, control=line.style % 10**9),
        "ST*820*0001~",
        f"BPR*C*{line.amount}*C*ACH*CTX~",
        f"TRN*1*{line.end_to_end_id}~",
        f"N1*PR*{name}" + (f"*91*{line.payer_id}~" if line.payer_id else "~"),
        "ENT*1~",
    ]
    for ref, paid, open_amount in line.advice:
        segs.append(f"RMR*{'CM' if open_amount < 0 else 'IV'}*{ref}*PI*{paid}*{open_amount}~")
        if 0 < paid < open_amount:
            segs.append(f"ADX*{paid - open_amount}*{'01' if paid > 0 else '02'}~")
    segs.append(f"SE*{len(segs)}*0001~")
    return "".join(segs)


def _bai2_text(line: Line, day: dt.date) -> str:
    rng = _style(line, "bai2")
    roll = rng.random()
    # A slash stays only where the layout puts one ("ORG=/account"): in BAI2 a record ending
    # in one would read as the record's end.
    name = _swift(line.counterparty_name).upper().replace("/", " ")
    text = _swift(_text(line)).upper().replace("/", " ")
    if line.amount < 0:
        return f"{name} {text}".strip()
    if roll < 0.4:
        # ACH credit: NACHA batch header fields as US banks print them; CCD+ addenda (80).
        nacha = (
            f"ORIG CO NAME:{name[:16]} ORIG ID:{orig_id(line.counterparty_account)} "
            f"DESC DATE:{day:%y%m%d} CO ENTRY DESCR:PAYMENT  SEC:"
        )
        if line.advice and rng.random() < 0.35:
            return (
                nacha + f"CTX TRACE#:{line.style % 10**15:015d} EED:{day:%y%m%d} "
                "IND NAME:OPENAR DEMO INC " + _x12(line, day)
            )
        ind = f"IND ID:{line.payer_id} " if line.payer_id else ""
        addenda = f" ADDENDA:{text[:80]}" if text else ""
        return (
            nacha + f"CCD TRACE#:{line.style % 10**15:015d} EED:{day:%y%m%d} "
            f"{ind}IND NAME:OPENAR DEMO INC{addenda}"
        )
    if roll < 0.65:
        # A wire names its originator with the account it was sent from, when the sending bank
        # passes it on: Fedwire/CHIPS text as US banks print it ("ORG=/account NAME OBI=..."),
        # Citi's labels ("BO:account BO1:NAME", the details in "PY:"); or by name only.
        wire = rng.random()
        account = _swift(line.counterparty_account).replace("/", "")
        if account and wire < 0.55:
            return f"ORG=/{account} {name[:35]} OBI={text}"
        if account and wire < 0.8:
            return f"BO:{account} BO1:{name[:35]} PY:{text}"
        return f"BY ORDER OF:{name[:35]} OBI={text}"
    parts = [name[:35]]
    if line.counterparty_account and rng.random() < 0.5:
        parts.append(f"ACCT {line.counterparty_account}")
    parts.append(text)
    return " ".join(p for p in parts if p)


def orig_id(account: str) -> str:
    """The ACH company id a payer's bank sends (10 characters, from its account: steady)."""
    digits = "".join(ch for ch in account if ch.isdigit()) or "0"
    return "1" + digits[-9:].rjust(9, "0")


def _records(first: str, text: str, *, hard: bool) -> list[str]:
    """A 16 record and its 88 continuations, each at most 80 characters: wrapped between words,
    or (``hard``) cut wherever the 80 fall, inside words and references, as some banks do."""
    if hard:
        room = 80 - len(first)
        rest = text[room:]
        return [first + text[:room], *(f"88,{rest[i : i + 77]}" for i in range(0, len(rest), 77))]
    records = [first]
    for word in text.split():
        limit = 80 - len(records[-1])
        gap = 0 if records[-1].endswith(",") else 1
        if len(word) + gap <= limit:
            records[-1] += (" " if gap else "") + word
            continue
        # A word longer than a record (an X12 run without spaces) is cut where it must be.
        while len(word) > 77:
            records.append(f"88,{word[:77]}")
            word = word[77:]
        records.append(f"88,{word}")
    return records


def write_bai2(statements: Sequence[GeneratedStatement], *, created: dt.datetime) -> bytes:
    """BAI2 with one group per statement and one account per statement; control totals,
    record counts, and the detail text carried on in 88 records of at most 80 characters,
    broken wherever the 80 fall (inside words and references)."""
    records: list[str] = [f"01,OPENAR,DEMOBANK,{created:%y%m%d},{created:%H%M},1,80,,2/"]
    file_total = 0
    groups = 0
    for statement in statements:
        cur = statement.currency
        scale = 10 ** minor_units(cur)

        def minor(value: Decimal, scale: int = scale) -> int:
            return int(value * scale)

        group = [f"02,OPENAR,DEMOBANK,1,{statement.closing_date:%y%m%d},,{cur},2/"]
        opening, closing = minor(statement.opening_balance), minor(statement.closing_balance)
        account = [f"03,{statement.account},{cur},010,{opening},,,015,{closing},,/"]
        total = opening + closing
        for line in statement.lines:
            amount = abs(minor(line.amount))
            total += amount
            text = _bai2_text(line, statement.closing_date)
            # 165 preauthorized ACH credit, 195 incoming wire/other credit, 698 misc. fees.
            code = ("165" if text.startswith("ORIG CO") else "195") if line.amount > 0 else "698"
            text = " ".join(text.replace(",", " ").split())
            first = f"16,{code},{amount},0,{line.bank_reference},{line.end_to_end_id},"
            account.extend(_records(first, text, hard=_style(line, "wrap").random() < 0.3))
        account.append(f"49,{total},{len(account) + 1}/")
        group += account
        group.append(f"98,{total},1,{len(group) + 1}/")
        records += group
        file_total += total
        groups += 1
    records.append(f"99,{file_total},{groups},{len(records) + 1}/")
    return ("\n".join(records) + "\n").encode("ascii", "replace")


def write_files(result: Generated, out: Path, *, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write each statement once, in the formats in turn (camt, then MT940, then BAI2...); with
    one format, every statement in that format."""
    out.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    written: list[Path] = []
    bai2: list[GeneratedStatement] = []
    for i, statement in enumerate(result.statements):
        fmt = formats[i % len(formats)]
        stem = f"{statement.statement_id}"
        if fmt == "camt":
            path = out / f"{stem}.camt053.xml"
            path.write_bytes(write_camt053(statement))
            written.append(path)
        elif fmt == "mt940":
            path = out / f"{stem}.sta"
            path.write_bytes(write_mt940(statement))
            written.append(path)
        elif fmt == "bai2":
            bai2.append(statement)
        else:
            raise ValueError(f"unknown statement format {fmt!r}")
    if bai2:
        path = out / f"{bai2[0].statement_id}.bai2"
        created = dt.datetime.combine(bai2[0].closing_date, dt.time(20, 0))
        path.write_bytes(write_bai2(bai2, created=created))
        written.append(path)
    return written


def measure_formats(
    result: Generated,
    directory: Path,
    *,
    as_of: dt.date,
    formats: Iterable[str] = FORMATS,
    actor: str = "benchmark",
) -> dict[str, dict[str, Any]]:
    """The same payments written in each format in turn, imported and matched, measured against
    the truth and rolled back: one quality report per format (auto rate, precision, seconds)."""
    from django.db import transaction

    from openar.cashapp.services import lines_match, statement_import
    from openar.demo.bank_statements import evaluate

    out: dict[str, dict[str, Any]] = {}
    for fmt in formats:
        with transaction.atomic():
            files = write_files(result, directory / fmt, formats=(fmt,))
            started = time.perf_counter()
            for path in files:
                statement_import(path=path, actor=actor)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            summary = lines_match(as_of=as_of, actor=actor)
            seconds = time.perf_counter() - started
            quality = evaluate(result)
            quality.update(
                import_seconds=round(imported, 2),
                seconds=round(seconds, 2),
                timings=summary.timings,
                matched_lines=summary.lines,
            )
            out[fmt] = quality
            transaction.set_rollback(True)
    return out
