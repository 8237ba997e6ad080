"""Reading the payer and the references out of free bank text: pure functions, no ORM.

camt gives the payer's name, account and references their own elements. Other formats put
everything into one text, in the bank's own layout:

- BAI2 type 16 text and its 88 continuations, with NACHA-style descriptors for ACH credits
  ("ORIG CO NAME:ACME TRADING ORIG ID:1234567890 DESC DATE:260615 CO ENTRY DESCR:PAYMENT
  SEC:CCD TRACE#:... IND ID:C00123 IND NAME:OPENAR DEMO"), Fedwire tags ("ORG=", "OBI=", "B/O:")
  and CTX/CCD+ addenda carrying ANSI X12 820 segments (``N1*PR*ACME~RMR*IV*1800022194*PI*1250``);
- MT940 ``:86:`` with the German ``?NN`` subfields (?20-?29 purpose, ?30 BLZ, ?31 account,
  ?32/?33 name) and SEPA keywords (EREF+, KREF+, MREF+, SVWZ+, ABWA+), the SWIFT-style
  ``/ORDP//NAME/.../REMI/...`` codes, or no structure at all;
- lockbox and customer-typed text: "ACME TRADING LLC INV 1800022194 1800022195".

``read(text)`` returns what it recognises: payer names (labelled ones first, then phrases that
may be a name), customer-number candidates, the purpose text to look for references in, pairs of
fragments a line break may have split, and the X12 820 remittance lines. Nothing here knows the
ledger: matching checks every candidate against its index, so a wrong guess costs a lookup.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# --------------------------------------------------------------------------- X12 820
# RMR01 qualifiers that name a receivable: invoice, credit/debit memo, bill of lading...
_RMR_INVOICE_QUALIFIERS = frozenset({"IV", "IK", "CM", "DM", "OI", "R7", "RV", "AP", "BM", "IR"})
_SEGMENT_TAGS = ("ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4",
                 "ENT", "RMR", "ADX", "NTE", "IT1", "SE", "GE", "IEA", "PER", "RDM")  # fmt: skip
_X12_START = re.compile(r"(?:^|[\s~\\])(?:ISA|ST|BPR|TRN|N1|ENT|RMR)\*")


@dataclass(frozen=True)
class RemittanceLine:
    """One RMR segment (and the ADX/REF/DTM segments after it): what the payer says it pays."""

    qualifier: str  # RMR01: IV invoice, CM credit memo, PO purchase order...
    reference: str  # RMR02
    paid: Decimal | None  # RMR04 (or the first amount written)
    invoiced: Decimal | None = None  # RMR05: the invoice's total
    discount: Decimal | None = None  # RMR06: discount taken
    adjustments: tuple[tuple[str, Decimal], ...] = ()  # ADX: (reason code, amount) pairs

    @property
    def names_a_receivable(self) -> bool:
        return self.qualifier in _RMR_INVOICE_QUALIFIERS


@dataclass(frozen=True)
class X12Remittance:
    payer_name: str = ""  # N1*PR
    payer_id: str = ""  # N1*PR*name*qualifier*id: often our customer number for them
    total: Decimal | None = None  # BPR02
    trace: str = ""  # TRN02
    lines: tuple[RemittanceLine, ...] = ()


def _amount(text: str) -> Decimal | None:
    text = text.replace(" ", "").replace(",", "")
    if not re.fullmatch(r"-?\d+(?:\.\d{1,5})?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        return None


def _segments(text: str) -> list[list[str]]:
    """X12 segments as lists of elements. The separators come from the ISA header when there is
    one (element at position 3, segment terminator at 105); otherwise ``*`` and ``~`` (or ``\\``
    or a new line), as banks print addenda. Spaces a bank's line break put inside an element are
    dropped from references and amounts by the callers."""
    # Banks reflow the text (spaces squeezed, records re-broken), so the fixed-width ISA header
    # cannot be trusted for its terminator: use the common ones.
    element = "*"
    terminator = next((t for t in ("~", "\\", "'") if t in text), "\n")
    tags = "|".join(_SEGMENT_TAGS)
    out: list[list[str]] = []
    for raw in text.split(terminator):
        raw = raw.strip()
        compact = raw.replace(" ", "")
        m = re.match(r"(" + tags + r")\*", compact)
        if m is not None:
            # A record break may have put a space inside the tag ("R MR*IV*...").
            cut = 0
            seen = 0
            while seen < len(m.group(1)):
                seen += raw[cut] != " "
                cut += 1
            elements = [m.group(1), *(e.strip() for e in raw[cut:].lstrip(" *").split(element))]
            if raw[cut:].lstrip(" ").startswith(element):
                out.append(elements)
            continue
        # Text before the first segment of a record ("ADDENDA: ISA*..."): keep from the tag.
        found = re.search(r"(?:^|\s)(" + tags + r")\s*" + re.escape(element), raw)
        if found is None:
            continue
        elements = [e.strip() for e in raw[found.start(1) :].split(element)]
        elements[0] = elements[0].replace(" ", "")
        out.append(elements)
    return out


def x12_820(text: str) -> X12Remittance | None:
    """The X12 820 remittance carried in a text (CTX/CCD+ addenda), or None when there is none.

    RMR*qualifier*reference*action*paid*invoiced*discount; an ADX after an RMR adjusts it
    (ADX*amount*reason code); N1*PR names the payer; BPR02 is the payment's total."""
    if _X12_START.search(text.upper()) is None:
        return None
    payer_name = payer_id = trace = ""
    total: Decimal | None = None
    lines: list[RemittanceLine] = []
    pending: dict[str, object] | None = None

    def flush() -> None:
        if pending is not None:
            lines.append(RemittanceLine(**pending))  # type: ignore[arg-type]

    for seg in _segments(text):
        tag = seg[0].upper()
        el = [*seg[1:], "", "", "", "", "", ""]
        if tag == "BPR":
            total = _amount(el[1])
        elif tag == "TRN":
            trace = el[1].replace(" ", "")
        elif tag == "N1" and el[0].upper() == "PR":
            payer_name = el[1]
            payer_id = el[3].replace(" ", "")
        elif tag == "RMR":
            flush()
            amounts = [a for a in (_amount(x) for x in el[2:6]) if a is not None]
            if el[2] and _amount(el[2]) is None:
                # The standard layout: action code (PI, PO...) then paid, invoiced, discount.
                paid, invoiced, discount = (_amount(el[3]), _amount(el[4]), _amount(el[5]))
            else:
                # The short form banks also print: RMR*IV*ref*paid[*invoiced*discount].
                padded = [*amounts, None, None, None]
                paid, invoiced, discount = padded[0], padded[1], padded[2]
            pending = {
                "qualifier": el[0].upper().replace(" ", ""),
                "reference": el[1].replace(" ", ""),
                "paid": paid,
                "invoiced": invoiced,
                "discount": discount,
                "adjustments": (),
            }
        elif tag == "ADX" and pending is not None:
            amount = _amount(el[0])
            if amount is not None:
                adjustments = pending["adjustments"]
                assert isinstance(adjustments, tuple)
                pending["adjustments"] = (*adjustments, (el[1].replace(" ", ""), amount))
        elif tag == "REF" and pending is not None and not pending["reference"]:
            pending["reference"] = el[1].replace(" ", "")
    flush()
    if not (lines or payer_name or total is not None):
        return None
    return X12Remittance(payer_name, payer_id, total, trace, tuple(lines))


def x12_text(text: str) -> str:
    """``text`` without its X12 segments (what a person or a bank wrote around them)."""
    m = _X12_START.search(text.upper())
    return text[: m.start()].strip() if m else text


# --------------------------------------------------------------------------- labels
# Labels banks print before the payer's name, account, id and purpose. Order matters: the
# first label found wins for a field.
_NAME_LABELS = ("ORIG CO NAME", "ORIGINATOR NAME", "ORIG NAME", "ORDP//NAME", "ORDP/NAME",
                "NAME", "BO1", "B/O", "BY ORDER OF", "ORG", "DEBTOR", "DBTR", "FROM",
                "ABWA", "REMITTER", "PAYER")  # fmt: skip
_ID_LABELS = ("IND ID", "CUST ID", "CUSTOMER ID", "CUSTOMER NO", "CUSTOMER", "CUST NO", "CUST",
              "CLIENTE", "NUM CLIENTE", "NO CLIENTE", "KUNDENNR", "KUNDE", "KD-NR", "KDNR",
              "ACCT NO", "ACCOUNT NO", "OUR ACCT", "YOUR ACCT", "KREF", "MREF")  # fmt: skip
# The ACH company id (ORIG ID) identifies the originator as steadily as an account number.
_ACCOUNT_LABELS = ("ORIG ACCT", "ORIGINATOR ACCT", "ORIG ID", "BO", "IBAN", "ACCT", "Z RACH.")
# PY: Citi's payment details after BO:/BO1: (by order of: account, name).
_PURPOSE_LABELS = ("REMI/USTD//", "REMI/STRD//", "REMI", "SVWZ", "OBI", "PY", "ENTRY DESCR",
                   "CO ENTRY DESCR", "PMT DET", "RMT", "ADDENDA", "RFB", "TYT.", "EREF",
                   "CREF", "DESC", "PAYMENT DETAILS", "DETAILS")  # fmt: skip
# Labels that end a labelled value (the names above and the other NACHA / wire / SEPA ones).
_ALL_LABELS = (
    *_NAME_LABELS, *_ID_LABELS, *_ACCOUNT_LABELS, *_PURPOSE_LABELS,
    "ORIG ID", "DESC DATE", "SEC", "TRACE#", "TRACE", "EED", "IND NAME", "CO ID", "ORIG BANK",
    "BNF", "BBI", "BBK", "IMAD", "OMAD", "SND BK", "SNDR REF", "RCV BK", "TRN", "PREF", "BIC",
    "CRED", "DEBT", "ABWE", "MARF", "CSID", "ORDP", "BENM", "ULTD", "ULTC", "ID", "ADDR",
    "TRTP", "PURP", "OD", "ID IPH", "TNR",
)  # fmt: skip
# "LABEL:" / "LABEL=" (NACHA, wires), "/LABEL/" (SWIFT-style :86:), "LABEL+" (SEPA keywords).
_LABEL = re.compile(
    r"(?:(?<![A-Z0-9])("
    + "|".join(sorted((re.escape(x) for x in _ALL_LABELS), key=len, reverse=True))
    + r")\s?(?::|=|\+)|/("
    + "|".join(sorted((re.escape(x) for x in _ALL_LABELS if "/" not in x), key=len, reverse=True))
    + r")/)"
)
_GERMAN = re.compile(r"^(?:\d{3})?\?\d{2}")
_LABEL_WORDS = frozenset(x for label in _ALL_LABELS if " " not in label for x in (label,))
# Two pieces before a ":" or "=" that a record break may have cut out of one label ("OB I=").
_SPLIT_LABEL = re.compile(r"(?<![A-Z0-9/])([A-Z#/.]{1,14}) ([A-Z#/.]{1,14})(?=\s?[:=+])")
# A wire's originator: "/account NAME" (Fedwire/CHIPS), or the account written first anyway.
_ORIGINATOR = re.compile(
    r"/\s*([A-Z0-9-]{4,34})(?:\s+|$)|([A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{6,34})\s+"
)


def split_originator(value: str) -> tuple[str, str]:
    """(account, name) of a wire's originator field: "/123456789 ACME CORP" or
    "123456789 ACME CORP" give ("123456789", "ACME CORP"); a name alone gives ("", name)."""
    m = _ORIGINATOR.match(value.strip())
    if m is None:
        return "", value.strip()
    return (m.group(1) or m.group(2)), value.strip()[m.end() :].strip()


def rejoin_labels(text: str) -> str:
    """``text`` with the labels a record break cut in two written whole again ("OB I=..." ->
    "OBI=..."); pieces that are labels or words of their own are left as they are."""

    def whole(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        if a + b in _LABEL_WORDS and b not in _LABEL_WORDS and f"{a} {b}" not in _ALL_LABELS:
            return a + b
        return m.group(0)

    return _SPLIT_LABEL.sub(whole, text)


@dataclass
class Reading:
    """What one text says about who paid and what for."""

    names: list[str] = field(default_factory=list)  # labelled payer names, best first
    phrases: list[str] = field(default_factory=list)  # unlabelled runs of words: maybe a name
    accounts: list[str] = field(default_factory=list)
    customer_numbers: list[str] = field(default_factory=list)  # labelled ids, best first
    purpose: str = ""  # text to look for references in (labels and names taken out)
    joined: list[tuple[str, str]] = field(default_factory=list)  # fragments a break split
    x12: X12Remittance | None = None


def _labelled(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs in the order written; text before the first label is ('', text)."""
    out: list[tuple[str, str]] = []
    marks = list(_LABEL.finditer(text))
    start = 0
    label = ""
    for m in marks:
        value = text[start : m.start()].strip(" /;,")
        if value or label:
            out.append((label, value))
        label = (m.group(1) or m.group(2)).replace(" ", " ")
        start = m.end()
    tail = text[start:].strip(" /;,")
    if tail or label:
        out.append((label, tail))
    return out


def german_subfields(text: str) -> dict[str, str]:
    """The ``?NN`` subfields of a German :86: (DFÜ-Abkommen), joined per number; a line break
    inside a subfield is dropped (banks break at 27 characters inside words and numbers)."""
    flat = text.replace("\r", "").replace("\n", "")
    parts = re.split(r"\?(\d{2})", flat)
    out: dict[str, str] = {}
    if parts[0][:3].isdigit():
        out["gvc"] = parts[0][:3]
    for key, value in zip(parts[1::2], parts[2::2], strict=False):
        if re.match(r"[A-Z]{4}\+", value) and out.get(key):
            value = " " + value  # a SEPA keyword starts a word, even inside one subfield run
        out[key] = out.get(key, "") + value
    return out


_STOP_WORDS = frozenset(
    """INV INVS INVOICE INVOICES INVOICE# INV# INVNO FACT FACTURA FACTURAS FACTS PAGO PAGOS PAYMENT
    PAYMENTS PMT PYMT PAY PAID REF REFS REFERENCE RE FOR AND TO THE OF OUR YOUR NO NR NUM NUMBER
    TRANSFER TRF TFR WIRE ACH CCD CTX PPD SEPA CREDIT DEBIT SUPPLIER VENDOR PROVEEDORES PROVEEDOR
    ACCOUNT ACCT CUSTOMER CUST CLIENTE RECHNUNG RECHNUNGEN RG RE-NR ZAHLUNG UEBERWEISUNG
    GUTSCHRIFT FATTURA FATTURE PAGAMENTO FACTURE FACTURES PAIEMENT VIREMENT LESS DISC DISCOUNT
    SHORTAGE DAMAGED GOODS DEDUCCION PROMOCION MEMO CM CN NOTA CREDITO BALANCE OPEN ITEMS
    SETTLEMENT REMITTANCE ADVICE EDI DATA ADDENDA""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'&.\-]*")


def _phrases(text: str) -> list[str]:
    """Runs of words with no digit in them, split at keywords: the places a payer's name can be
    in text nobody labelled ("ACME TRADING LLC INV 1800022194" -> "ACME TRADING LLC")."""
    runs: list[str] = []
    current: list[str] = []
    for raw in re.split(r"[\s,;:/+()]+", text):
        word = raw.strip(".-'")
        if not word:
            continue
        if (
            any(ch.isdigit() for ch in word)
            or word.upper() in _STOP_WORDS
            or not _WORD.fullmatch(word)
        ):
            if current:
                runs.append(" ".join(current))
                current = []
            continue
        # An abbreviation keeps its full stop ("CO.", "S.L."): a legal form written whole.
        current.append(word + "." if raw.rstrip("-'").endswith(".") and len(word) <= 4 else word)
    if current:
        runs.append(" ".join(current))
    return [r for r in runs if len(r.replace(" ", "")) >= 3]


_ALNUM_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*")


def split_pairs(text: str) -> list[tuple[str, str]]:
    """Neighbouring tokens a line break may have cut out of one reference ("18000 22194",
    "INVUS0000 1234", "INVU S00001234"): any two with a digit between them and no more than 35
    characters together. Matching joins them and believes the join only when the whole
    reference is an open item, so a wrong pair costs one lookup."""
    tokens = _ALNUM_TOKEN.findall(text)
    out: list[tuple[str, str]] = []
    for a, b in itertools.pairwise(tokens):
        if len(a) + len(b) > 35 or not any(ch.isdigit() for ch in a + b):
            continue
        if a.isalpha() and b.isalpha():
            continue
        out.append((a, b))
    return out


def read(text: str, *, name: str = "") -> Reading:
    """Everything ``text`` (a line's remittance, or the whole free text) says about the payer
    and what it pays. ``name`` is a payer name the format gave in a field of its own."""
    out = Reading()
    if name.strip():
        out.names.append(name.strip())
    if not text.strip():
        return out
    out.x12 = x12_820(text)
    if out.x12 is not None:
        if out.x12.payer_name:
            out.names.append(out.x12.payer_name)
        if out.x12.payer_id:
            out.customer_numbers.append(out.x12.payer_id)
        text = x12_text(text)
    if _GERMAN.match(text.replace("\n", "").strip()):
        sub = german_subfields(text.strip())
        first, second = sub.get("32", "").strip(), sub.get("33", "").strip()
        # A name longer than 27 characters runs on into ?33, often cut inside a word.
        for payer in dict.fromkeys((first + second, f"{first} {second}".strip(), first)):
            if payer:
                out.names.append(payer)
        if sub.get("31", "").strip():
            out.accounts.append(sub["31"].strip())
        purpose = ""
        for k in sorted(sub):
            if k[0] == "2":
                piece = sub[k]
                starts_keyword = re.match(r"[A-Z]{4}\+", piece) is not None
                purpose += (" " if starts_keyword else "") + piece
        purpose += " " + "".join(sub.get(k, "") for k in ("60", "61", "62", "63"))
        text = purpose.strip()
    purpose_parts: list[str] = []
    for label, value in _labelled(rejoin_labels(text.replace("\n", " "))):
        if not value:
            continue
        if label in ("ORG", "BO1", "B/O", "BY ORDER OF"):
            # A wire's originator: its account first when the bank passed it on.
            account, payer = split_originator(value)
            if account:
                out.accounts.append(account)
            if payer:
                out.names.append(payer)
        elif label in _NAME_LABELS:
            out.names.append(value)
        elif label in ("IND NAME",):
            continue  # the receiver (us) in an ACH credit
        elif label in _ID_LABELS:
            words = value.split()
            if len(words) > 1 and words[1].isalnum() and any(ch.isdigit() for ch in words[1]):
                # A record break inside the number ("C00003 11"): the whole one first.
                out.customer_numbers.append(words[0] + words[1])
            if words:
                out.customer_numbers.append(words[0])
            purpose_parts.append(value)
        elif label in _ACCOUNT_LABELS:
            out.accounts.append(value.split()[0] if value.split() else value)
        elif label in ("DESC DATE", "SEC", "TRACE#", "TRACE", "EED", "CO ID", "TRN",
                       "IMAD", "OMAD", "BIC", "CRED", "CSID", "TNR", "ID IPH", "ADDR", "SND BK",
                       "RCV BK", "ORIG BANK", "BBK", "BBI", "PREF", "TRTP", "PURP"):  # fmt: skip
            continue  # bank plumbing: never a reference of ours
        else:
            purpose_parts.append(value)
            if not label:
                out.phrases.extend(_phrases(value))
    out.purpose = re.sub(r"\bNOTPROVIDED\b", "", " ".join(purpose_parts)).strip()
    out.phrases = [p for p in out.phrases if p not in out.names]
    out.joined = split_pairs(text)
    return out
