"""The merge language of message templates: plain text with ``{{ field }}`` merge fields.

Pure, no database. A template is checked before it is saved (``template_problems``: unknown
fields named, syntax errors with their line) and filled with plain strings (``merge``). A merge
field is a bare name looked up in a dictionary of strings: there are no attributes, filters,
calls or tags, so a template cannot reach anything but the values it is handed
(``{{ customer.delete }}`` is refused on save, and rendered as nothing should one ever slip by).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_TOKEN = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# The body's items block stands for a table in HTML; in text it is written out.
ITEMS = "items"


@dataclass(frozen=True)
class MergeField:
    name: str
    description: object  # a lazy translation
    example: str
    body_only: bool = False


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("customer_name", _("The customer's name."), "Acme Industrial Ltd."),
    MergeField("customer_ref", _("The customer's account number."), "C-10045"),
    MergeField(
        "currency",
        _(
            "The currency the amounts are in: the customer's currency, or the one with the "
            "largest past-due amount when the customer owes nothing in its own."
        ),
        "EUR",
    ),
    MergeField(
        "balance",
        _("The open balance in that currency, written the message language's way."),
        "12,450.00",
    ),
    MergeField(
        "past_due",
        _("The past-due amount asked for in that currency (items in dispute are left out)."),
        "8,200.00",
    ),
    MergeField(
        "amount_to_pay",
        _("The past-due amount less open credits and unapplied payments, never below zero."),
        "7,950.00",
    ),
    MergeField(
        "days_past_due",
        _("How many days past due the account was when the strategy step fired."),
        "45",
    ),
    MergeField("date", _("The date of the message (the cycle date), as YYYY-MM-DD."), "2026-06-30"),
    MergeField(
        "sender",
        _("Who signs: the accounts receivable department, in the message's language."),
        "Accounts Receivable",
    ),
    MergeField("entity_name", _("The company the account belongs to."), "OpenAR Trading Ltd."),
    MergeField("collector_name", _("The collector who owns the account."), "Maria Lopez"),
    MergeField("collector_email", _("The collector's email address."), "maria.lopez@example.com"),
    MergeField(
        ITEMS,
        _(
            "The past-due items (every open item when none is past due), credits, unapplied "
            "payments, totals by currency and how to pay: a table in emails and letters. Body "
            "only, on a line of its own."
        ),
        "",
        body_only=True,
    ),
)
FIELD_NAMES = frozenset(f.name for f in MERGE_FIELDS)


@dataclass(frozen=True)
class Problem:
    """Why a template cannot be saved: ``line`` (1-based) and the merge field at fault, if any."""

    line: int
    message: str
    field: str = ""


@dataclass(frozen=True)
class _Part:
    text: str  # literal text, or the field name when ``is_field``
    is_field: bool
    line: int


def _parse(source: str) -> tuple[list[_Part], list[Problem]]:
    parts: list[_Part] = []
    problems: list[Problem] = []
    pos = 0
    line = 1
    while True:
        match = _TOKEN.search(source, pos)
        if match is None:
            parts.append(_Part(source[pos:], False, line))
            break
        literal = source[pos : match.start()]
        parts.append(_Part(literal, False, line))
        line += literal.count("\n")
        token = match.group()
        if token in ("{%", "{#"):
            problems.append(
                Problem(
                    line,
                    gettext(
                        "line %(line)s: '%(token)s' is not allowed: a template holds text and "
                        "merge fields such as {{ customer_name }} only"
                    )
                    % {"line": line, "token": token},
                )
            )
            closer = "%}" if token == "{%" else "#}"
            end = source.find(closer, match.end())
            newline = source.find("\n", match.end())
            if end == -1 or (newline != -1 and newline < end):
                end = match.end() - len(closer)
            parts.append(_Part(source[match.start() : end + len(closer)], False, line))
            pos = end + len(closer)
            continue
        if token != "{{":
            problems.append(
                Problem(
                    line,
                    gettext("line %(line)s: '%(token)s' without an opening '{{'")
                    % {"line": line, "token": token},
                )
            )
            parts.append(_Part(token, False, line))
            pos = match.end()
            continue
        close = source.find("}}", match.end())
        newline = source.find("\n", match.end())
        if close == -1 or (newline != -1 and newline < close):
            problems.append(
                Problem(
                    line, gettext("line %(line)s: '{{' is not closed with '}}'") % {"line": line}
                )
            )
            parts.append(_Part(token, False, line))
            pos = match.end()
            continue
        inner = source[match.end() : close].strip()
        if not inner:
            problems.append(
                Problem(
                    line, gettext("line %(line)s: an empty merge field '{{ }}'") % {"line": line}
                )
            )
        elif "{{" in inner:
            problems.append(
                Problem(line, gettext("line %(line)s: '{{' inside a merge field") % {"line": line})
            )
        else:
            parts.append(_Part(inner, True, line))
        pos = close + 2
    return parts, problems


@lru_cache(maxsize=256)
def _parts(source: str) -> tuple[_Part, ...]:
    """The parts of ``source``, parsed once per text (the daily cycle merges the same few
    templates into thousands of messages). Parts hold no translated text, so the cache is the
    same in every language; the problems, which are translated, are not cached."""
    return tuple(_parse(source)[0])


def template_problems(source: str, *, allow: Iterable[str] = FIELD_NAMES) -> list[Problem]:
    """Every problem of ``source``: syntax errors and unknown merge fields, each with its line.
    ``allow`` names the fields this text may use (the subject may not use ``items``)."""
    allowed = set(allow)
    parts, problems = _parse(source)
    for part in parts:
        if not part.is_field:
            continue
        name = part.text
        if name in allowed:
            continue
        if name in FIELD_NAMES:
            problems.append(
                Problem(
                    part.line,
                    gettext(
                        "line %(line)s: the merge field '%(field)s' can only be used in the body"
                    )
                    % {"line": part.line, "field": name},
                    name,
                )
            )
        elif _NAME.match(name):
            problems.append(
                Problem(
                    part.line,
                    gettext("line %(line)s: unknown merge field '%(field)s'")
                    % {"line": part.line, "field": name},
                    name,
                )
            )
        else:
            problems.append(
                Problem(
                    part.line,
                    gettext(
                        "line %(line)s: unknown merge field '%(field)s' (merge fields are plain "
                        "names such as customer_name: no attributes, filters or calls)"
                    )
                    % {"line": part.line, "field": name},
                    name,
                )
            )
    return sorted(problems, key=lambda p: p.line)


def fields_used(source: str) -> list[str]:
    """The merge fields ``source`` names, in order, once each."""
    seen: dict[str, None] = {}
    for part in _parts(source):
        if part.is_field:
            seen.setdefault(part.text, None)
    return list(seen)


@lru_cache(maxsize=256)
def _plan(source: str) -> tuple[tuple[str, str | None], ...]:
    """``source`` as (literal text, field name or None) pairs, literals run together; a field
    that is not a plain name is left out (it renders as nothing)."""
    plan: list[tuple[str, str | None]] = []
    literal = ""
    for part in _parts(source):
        if not part.is_field:
            literal += part.text
        elif _NAME.match(part.text):
            plan.append((literal, part.text))
            literal = ""
    plan.append((literal, None))
    return tuple(plan)


def merge(source: str, values: Mapping[str, str]) -> str:
    """``source`` with each merge field replaced by its value; a name that is not in ``values``
    (checked templates have none) becomes empty text, never a lookup."""
    out = []
    for literal, name in _plan(source):
        out.append(literal)
        if name is not None:
            out.append(str(values.get(name, "")))
    return "".join(out)
