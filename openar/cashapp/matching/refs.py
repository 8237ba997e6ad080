"""References and names as matching compares them: normalization, OCR look-alikes, ISO 11649
RF references, ranges, and the candidate references in a remittance text."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

RANGE_SPAN = 60

# Words that say nothing about who a company is.
_LEGAL_WORDS = frozenset(
    """inc incorporated llc ltd limited corp corporation co company plc gmbh ag bv nv sa sas sl
    slu srl ltda sapi de cv s a c v r l the y and cia spa sarl oy ab as kg u p i pty limitada
    sociedad anonima rl liability aps lda ohg kgaa sro kft bvba sprl""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*")
_AMOUNTISH = re.compile(r"^\d{1,3}(?:[.,]\d{3})*[.,]\d{1,2}$|^\d+[.,]\d{2}$")
_DATEISH = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_RF = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
_RANGE = re.compile(
    r"([A-Z]*[-/]?[0-9OIL]*\d)\s*(?:-|\u2013|TO|A|AL|THRU|THROUGH|HASTA)\s*([A-Z]*[-/]?\d+)\b"
)
_OCR = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8"})
_DIGITISH = frozenset("0123456789OQDILSB")

# --------------------------------------------------------------------------- references
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_CLEAN_REF = re.compile(r"[A-Z]*([0-9]+)")


def norm_ref(text: str) -> str:
    """Upper-case letters and digits only: 'inv-0012 34' -> 'INV001234'."""
    return _NOT_ALNUM.sub("", text.upper())


def _split_ref(ref: str) -> tuple[str, str]:
    """(prefix, numeric tail) of a normalized reference. The tail is the longest run of
    digit-like characters (O for 0, I/L for 1...) at the end, starting at a real digit; the
    look-alike letters before that real digit belong to the prefix (the S of 'INVUS')."""
    i = len(ref)
    while i > 0 and ref[i - 1] in _DIGITISH:
        i -= 1
    while i < len(ref) and not ref[i].isdigit():
        i += 1
    return ref[:i], ref[i:]


def ref_number(text: str) -> str:
    """The numeric core of a reference, read through OCR noise, without leading zeros:
    'INVUS00001234' -> '1234', 'INVUSO0O1234' -> '1234', '1234' -> '1234'."""
    return _split_ref(norm_ref(text))[1].translate(_OCR).lstrip("0")


def ref_prefix(text: str) -> str:
    """The letters before the numeric core: 'INVUS00001234' -> 'INVUS'."""
    return _split_ref(norm_ref(text))[0]


def ref_worth(ref: str) -> bool:
    """Whether a normalized token can be a document reference: a numeric core of three digits
    or more, or a short one zero-padded as ledgers number their first documents
    ('INVES00000078', '00000065': looked up whole, or as the end of a reference, never by the
    number alone)."""
    prefix, tail = _split_ref(ref)
    number = tail.translate(_OCR).lstrip("0")
    return len(number) >= 3 or (
        bool(number) and len(tail) >= (4 if prefix else 6) and tail.isdigit()
    )


def customer_tokens(remittance: str) -> list[str]:
    """Words that may be customer numbers: letters and digits with at least one digit."""
    return [
        n
        for raw in _TOKEN.findall(remittance.upper())
        if len(n := norm_ref(raw)) >= 3 and any(ch.isdigit() for ch in n)
    ]


def rf_valid(reference: str) -> bool:
    """ISO 11649 creditor reference check: 'RF18539007547034' is valid."""
    ref = norm_ref(reference)
    if not re.fullmatch(r"RF\d{2}[A-Z0-9]{1,21}", ref):
        return False
    moved = ref[4:] + ref[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def rf_make(payload: str) -> str:
    """Build an ISO 11649 reference for ``payload`` (used by the generator and tests)."""
    body = norm_ref(payload)
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


@dataclass(frozen=True, slots=True)
class RefToken:
    text: str  # as normalized: letters and digits
    number: str  # numeric core, no leading zeros
    prefix: str
    source: str  # "text", "rf", "range", "structured"


def extract_refs(remittance: str, creditor_reference: str = "") -> list[RefToken]:
    """Candidate document references in a line's remittance, structured reference and ranges."""
    found: dict[str, RefToken] = {}
    text = remittance.upper()

    def add(raw: str, source: str) -> None:
        n = norm_ref(raw)
        if len(n) < 3 or n in found:
            return
        if not ref_worth(n):
            return
        number = ref_number(n)
        found[n] = RefToken(n, number, ref_prefix(n), source)

    for structured in filter(None, [creditor_reference.upper()]):
        if rf_valid(structured):
            add(norm_ref(structured)[4:], "rf")
        else:
            add(structured, "structured")
    for rf in _RF.findall(text.replace(" ", "")):
        if rf_valid(rf):
            add(rf[4:], "rf")
    for m in _RANGE.finditer(text):
        first, last = m.group(1), m.group(2)
        a, b = ref_number(first), ref_number(last)
        if not a or not b or not b.isdigit():
            continue
        lo, hi = int(a), int(b)
        if hi < lo and len(b) < len(a):  # 'INV-1098 to 02' means 1098..1102
            hi = int(a[: len(a) - len(b)] + b)
        if lo < hi <= lo + RANGE_SPAN:
            prefix = ref_prefix(first)
            width = len(norm_ref(first)) - len(prefix)
            for k in range(lo, hi + 1):
                add(f"{prefix}{str(k).zfill(width)}", "range")
    tokens = _TOKEN.findall(text)
    for i, raw in enumerate(tokens):
        if _AMOUNTISH.match(raw) or _DATEISH.match(raw):
            continue
        if raw.isalpha():
            # 'INV 1234': a bare prefix followed by a number is one reference.
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if following[:1].isdigit() and not (
                _AMOUNTISH.match(following) or _DATEISH.match(following)
            ):
                add(raw + tokens[i + 1], "text")
            continue
        add(raw, "text")
        if "/" in raw or "." in raw:
            for part in re.split(r"[/.]", raw):
                add(part, "text")
    return list(found.values())


# --------------------------------------------------------------------------- names
# Legal forms as payers and banks write them, to one spelling: "S.A. de C.V." / "SA DE CV",
# "L.L.C." / "Limited Liability Co", "Inc." / "Incorporated"...
_FORM_WORDS = _LEGAL_WORDS - {"the", "y", "and"}
_FORM_SPELLINGS = {
    "incorporated": "inc", "corporation": "corp", "company": "co", "limited": "ltd",
    "limitedliabilityco": "llc", "limitedliabilitycompany": "llc", "sociedadanonima": "sa",
    "sociedadlimitada": "sl", "limitada": "ltda",
}  # fmt: skip


_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Letters Unicode does not decompose into a base letter and an accent, as banks' character sets
# (SWIFT's, BAI2's ASCII) write them: Straße -> STRASSE, Søren -> SOEREN, Łódź -> LODZ.
_FOLD = str.maketrans(
    {"ß": "ss", "ẞ": "ss", "æ": "ae", "ø": "oe", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
     "þ": "th", "\u0131": "i", "ĳ": "ij"}
)  # fmt: skip
# German umlauts are written ä or ae (the DFÜ rules German banks follow) or, by banks that drop
# accents, a: Müller, MUELLER and MULLER are one name. ä/ö/ü come out of NFKD as a/o/u; a vowel
# followed by e is folded the same way on both sides ("Mueller" -> "muller"), so every spelling
# compares equal (names that differ only there, "Rue"/"Ru", become one: the amount decides).
_UMLAUT_E = re.compile(r"(?<=[aou])e")


def _ascii_words(name: str) -> list[str]:
    """Lower-case ASCII words of a name: accents dropped (Ñ -> n, Ç -> c), ß/ø/æ/ł written as
    banks write them, and the German ae/oe/ue folded to a/o/u."""
    if name.isascii():  # NFKD leaves ASCII as it is: most names, at no cost
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", name.lower().translate(_FOLD))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if "e" in text:
        text = _UMLAUT_E.sub("", text)
    return [w for w in _NOT_WORD.split(text) if w]


# Matching asks again and again about the same few names (a payer's, the customers that share
# it) across the lines of a run: both answers are kept, keyed by the name as written.
@functools.lru_cache(maxsize=262144)
def legal_form(name: str) -> str:
    """The legal form a name ends with, in one spelling ('' when none): 'Acme S.A. de C.V.',
    'ACME SA DE CV' -> 'sadecv'; 'Acme Inc.', 'ACME INCORPORATED' -> 'inc'."""
    words = _ascii_words(name)
    tail: list[str] = []
    while words and words[-1] in _FORM_WORDS and len(tail) < 8:
        tail.insert(0, words.pop())
    if not words:  # a name made only of such words has no form to tell apart
        return ""
    form = "".join(tail)
    return _FORM_SPELLINGS.get(form, form)


@functools.lru_cache(maxsize=262144)
def norm_name(name: str) -> str:
    """Lower-case ASCII words without legal forms: 'Águila Foods S.A. de C.V.' -> 'aguila foods'."""
    return " ".join(w for w in _ascii_words(name) if w not in _LEGAL_WORDS)
