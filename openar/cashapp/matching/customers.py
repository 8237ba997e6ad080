"""Who paid: the customers a line points at and the evidence that names each.

The payer may be named by its bank account, a customer number, a name in a field of its own
(camt ``Dbtr/Nm``) or only inside free text (BAI2 88 records, MT940 ``:86:``, ACH addenda):
``remittance.read`` finds the labelled names, ids and phrases, and each is checked here against
the index (exact name, an alias, the start of a name cut short, a close spelling)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openar.cashapp.matching.index import MatchIndex
from openar.cashapp.matching.refs import (
    _FORM_SPELLINGS,
    _LEGAL_WORDS,
    _OCR,
    RefToken,
    _ascii_words,
    _split_ref,
    customer_tokens,
    legal_form,
    norm_name,
    norm_ref,
)
from openar.cashapp.matching.rules import LineFacts
from openar.cashapp.remittance import Reading

# A cut-short name is believed from this many characters (normalized, legal forms dropped).
MIN_PREFIX = 9
MAX_PHRASE_WORDS = 6


def _phrase_keys(phrase: str) -> list[str]:
    """Normalized runs of 1..MAX_PHRASE_WORDS words of a phrase, longest first."""
    words = norm_name(phrase).split()
    keys: list[str] = []
    for size in range(min(len(words), MAX_PHRASE_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            key = " ".join(words[start : start + size])
            if size > 1 or len(key) >= 6:
                keys.append(key)
    return keys


def _customer_candidates(
    index: MatchIndex,
    line: LineFacts,
    tokens: Sequence[RefToken],
    reading: Reading | None = None,
) -> list[tuple[int, str]]:
    """(customer id, evidence) pairs, strongest evidence first; several for a shared name."""
    if line.customer_id is not None and line.customer_id in index.customers:
        return [(line.customer_id, "assigned")]
    found: list[tuple[int, str]] = []
    seen: set[int] = set()

    def add(cid: int, evidence: str) -> None:
        info = index.customers.get(cid)
        if info is None or info.entity_id != line.entity_id or cid in seen:
            return
        seen.add(cid)
        found.append((cid, evidence))

    accounts = [line.counterparty_account, *(reading.accounts if reading else ())]
    for raw in accounts:
        account = norm_ref(raw)
        if account and account in index.payer_accounts:
            add(index.payer_accounts[account], "payer_account")
    if reading is not None:
        # An account number a record break split in two.
        for a, b in reading.joined:
            joined = norm_ref(a + b)
            if joined in index.payer_accounts:
                add(index.payer_accounts[joined], "payer_account")
    numbers = [norm_ref(x) for x in (reading.customer_numbers if reading else ())]
    for word in [*numbers, *customer_tokens(line.remittance)]:
        # Formats without a counterparty field (BAI2) carry the payer's account in the text.
        if word in index.payer_accounts:
            add(index.payer_accounts[word], "payer_account")
        prefix, tail = _split_ref(word)
        cid = index.customer_by_ref.get(word) or index.customer_by_ref.get(
            prefix + tail.translate(_OCR)
        )
        if cid is not None:
            add(cid, "customer_number")
    names = [line.counterparty_name, *(reading.names if reading else ())]
    for name in dict.fromkeys(n for n in names if n):
        _by_name(index, norm_name(name), add, written=name)
    if reading is not None and not any(e.startswith(("name", "alias")) for _, e in found):
        # Unlabelled text: a run of its words that is exactly a customer's name.
        for phrase in reading.phrases:
            for key in _phrase_keys(phrase):
                named = index.names.get(key, []) + index.aliases.get(key, [])
                same, near, other = _split_by_form(index, key, named, phrase)
                for cid in same:
                    add(cid, "name_in_text")
                for cid in near:
                    add(cid, "name_near_form")
                for cid in other:
                    add(cid, "name_other_form")
                if named:
                    break
    return found


def _split_by_form(
    index: MatchIndex, key: str, named: list[int], written: str
) -> tuple[list[int], list[int], list[int]]:
    """Accounts that share a name apart from their legal form ("Apex Supply Inc." and "Apex
    Supply LLC"), split into those whose form the payer wrote (in any spelling, with the
    subsidiaries named through them), those whose form only begins with it, and the others.
    When the payer wrote no form, or a form none of them has, they are all the first kind."""
    named = list(dict.fromkeys(named))
    form = legal_form(written) if len(named) > 1 else ""
    if not form:
        return named, [], []
    # A form cut short where the bank's field ended ("WESTERN FARMS CO" for Western Farms
    # Corp., 16 characters) is the start of the account's own, as good as the form itself.
    # One written with its closing full stop ("CO.", "S.L.") was written whole: the accounts
    # of that very form come first, those whose form only begins so (Corp., S.L.U.) next.
    cut = "".join(_form_words(written))
    whole = written.rstrip().endswith(".")
    same: list[int] = []
    near: list[int] = []
    for cid in named:
        info = index.customers.get(cid)
        if info is None or norm_name(info.name) != key:
            continue
        if legal_form(info.name) == form:
            same.append(cid)
        elif "".join(_form_words(info.name)).startswith(cut):
            (near if whole else same).append(cid)
    if not same:
        same, near = near, []
    if not same:
        return named, [], []
    kept = {index.group_top(cid) for cid in same}
    same += [c for c in named if c not in same and c not in near and index.group_top(c) in kept]
    return same, near, [c for c in named if c not in same and c not in near]


def _form_words(name: str) -> list[str]:
    """The words of the legal form a name ends with, as written ('corp' of 'Acme Corp.')."""
    words = _ascii_words(name)
    tail: list[str] = []
    while len(words) > 1 and words[-1] in _LEGAL_WORDS and words[-1] not in ("and", "y"):
        tail.insert(0, words.pop())
    return tail


def _after(written: str, shorter: str) -> str:
    """The letters of ``written`` after the words that make ``shorter`` (its normalized
    start), run together: "ATLAS PACKAGING LIMITED LI ABILITY C" after "atlas packaging" is
    "limitedliabilityc"."""
    words = _ascii_words(written)
    for k in range(1, len(words) + 1):
        if norm_name(" ".join(words[:k])) == shorter:
            return "".join(words[k:])
    return ""


def _form_starts(name: str, cut: str) -> bool:
    """Whether the legal form of ``name``, as written or spelt out, begins with ``cut``."""
    form = legal_form(name)
    spellings = {"".join(_form_words(name)), form}
    spellings.update(long for long, short in _FORM_SPELLINGS.items() if short == form)
    return any(f.startswith(cut) for f in spellings if f)


def _own_named(index: MatchIndex, key: str, ids: list[int]) -> list[int]:
    """Of ``ids``, the accounts whose own name is ``key`` (not subsidiaries named through it)."""
    return [c for c in ids if (i := index.customers.get(c)) and norm_name(i.name) == key]


def _cut_names(key: str, written: str) -> list[str]:
    """What a name cut short may have been, longest first: the words before a legal form the
    bank cut or a record break split ("ATLAS PACKAGING LIMITED LI ABILITY C", "CONSTRUCTORA
    GUADALUPE S. DE R.L. D"), and the name without its last word, cut inside it."""
    out: list[str] = []
    words = _ascii_words(written)
    for at in range(2, len(words)):
        if words[at] in _LEGAL_WORDS:
            before = norm_name(" ".join(words[:at]))
            if before and before != key:
                out.append(before)
            break
    if len(key.split()) > 2:
        out.append(" ".join(key.split()[:-1]))
    return list(dict.fromkeys(out))


def _rejoined(written: str) -> list[str]:
    """``written`` with each pair of neighbouring words joined in turn, as a bank's record
    break may have split one word in two."""
    words = written.split()
    return [
        " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
        for i in range(len(words) - 1)
    ]


def _by_name(
    index: MatchIndex, key: str, add: Callable[[int, str], None], *, written: str = ""
) -> None:
    if not key:
        return
    for cid in index.aliases.get(key, ()):
        add(cid, "alias")
    named = index.names.get(key, [])
    same, near, other = _split_by_form(index, key, named, written)
    # The one account of the name (in the form written, when it tells accounts apart).
    own = _own_named(index, key, same) if other or near else same
    for cid in same:
        add(cid, "name" if len(own) == 1 and cid in own else "name_shared")
    for cid in near:
        add(cid, "name_near_form")
    for cid in other:
        add(cid, "name_other_form")
    if named or index.aliases.get(key):
        return
    for shorter in _cut_names(key, written or key):
        named = index.names.get(shorter, [])
        # What was cut may be the start of a legal form ("EAGLE SYSTEMS LL", "... LIMITED LI
        # ABILITY C"): the accounts whose form begins so come first.
        rest = _after(written or key, shorter)
        same = [
            c
            for c in named
            if rest and (i := index.customers.get(c)) and _form_starts(i.name, rest)
        ]
        for cid in same:
            add(cid, "name_prefix")
        for cid in named:
            add(cid, "name_other_form" if same else "name_prefix")
        if named:
            return
    # A record break inside a word ("HORIZON SUPPLY INCORPORAT ED", "HORIZON SUP PLY"): the
    # two pieces joined name an account exactly.
    for rejoined in _rejoined(written or key):
        joined_key = norm_name(rejoined)
        if joined_key != key and (index.names.get(joined_key) or index.aliases.get(joined_key)):
            _by_name(index, joined_key, add, written=rejoined)
            return
    # A name cut inside a word ("CONSTRUCTORA GUA") begins the real one, and that says more
    # than a close spelling of another ("constructora laguna"); a misspelt name is close to
    # the real one. Both are weak: the amount decides between the accounts they name.
    starts = index.names_starting(key) if len(key) >= MIN_PREFIX else []
    close = index.fuzzy_name(key)
    if close is not None and (not starts or close in starts):
        for cid in index.aliases.get(close, []) + index.names.get(close, []):
            add(cid, "name_fuzzy")
    for start in starts:
        for cid in index.aliases.get(start, []) + index.names.get(start, []):
            add(cid, "name_prefix")
