"""The match index: every open item and customer matching needs, loaded once per run."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process

from openar.cashapp.matching.refs import _CLEAN_REF, norm_name, norm_ref, ref_number

FUZZY_NAME_CUTOFF = 90


# --------------------------------------------------------------------------- the index
@dataclass(slots=True)
class Item:
    id: int
    customer_id: int
    ref: str
    doc_type: str
    currency: str
    open: Decimal  # current open amount; lowered in memory as lines apply to it
    due: dt.date
    doc_date: dt.date
    number: str = ""  # numeric core of the reference (set by the index)


def _put(table: dict[str, Item | tuple[Item, ...]], key: str, item: Item) -> None:
    found = table.get(key)
    if found is None:
        table[key] = item
    elif isinstance(found, Item):
        table[key] = (found, item)
    else:
        table[key] = (*found, item)


def _get(table: dict[str, Item | tuple[Item, ...]], key: str) -> tuple[Item, ...]:
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, Item) else found


@dataclass(slots=True)
class CustomerInfo:
    id: int
    ref: str
    name: str
    parent_id: int | None
    entity_id: int
    currency: str


@dataclass
class MatchIndex:
    """Everything matching needs, loaded once per run (no query per line)."""

    # One item per key almost always: stored bare, a tuple only when keys collide (a million
    # open items must fit in memory).
    items_by_ref: dict[str, Item | tuple[Item, ...]] = field(default_factory=dict)
    items_by_number: dict[str, Item | tuple[Item, ...]] = field(default_factory=dict)
    items_by_customer: dict[int, list[Item]] = field(default_factory=lambda: defaultdict(list))
    customers: dict[int, CustomerInfo] = field(default_factory=dict)
    customer_by_ref: dict[str, int] = field(default_factory=dict)
    payer_accounts: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    aliases: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _name_choices: list[str] | None = None
    _fuzzy_cache: dict[str, str | None] = field(default_factory=dict)
    _tops: dict[int, int] = field(default_factory=dict)

    def add_item(self, item: Item) -> None:
        ref = item.ref
        clean = _CLEAN_REF.fullmatch(ref)  # 'INVUS00001234': the common case, one regex
        if clean is not None:
            key, number = ref, clean.group(1).lstrip("0")
        else:
            key = norm_ref(ref)
            number = ref_number(key)
        item.number = number
        _put(self.items_by_ref, key, item)
        if number:
            _put(self.items_by_number, number, item)
        self.items_by_customer[item.customer_id].append(item)

    def add_rows(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """``add_item`` for many (id, customer_id, ref, doc_type, currency, open, due, issued)
        rows, inlined: a million open items load in seconds. Dates and codes are shared."""
        by_ref, by_number, by_customer = (
            self.items_by_ref,
            self.items_by_number,
            self.items_by_customer,
        )
        clean = _CLEAN_REF.fullmatch
        shared: dict[Any, Any] = {}
        keep = shared.setdefault
        new = Item
        n = 0
        for pk, cid, ref, doc_type, currency, open_amount, due, issued in rows:
            m = clean(ref)
            if m is not None:
                key, number = ref, m.group(1).lstrip("0")
            else:
                key = norm_ref(ref)
                number = ref_number(key)
            it = new(
                pk,
                cid,
                ref,
                keep(doc_type, doc_type),
                keep(currency, currency),
                open_amount,
                keep(due, due),
                keep(issued, issued),
                number,
            )
            if key in by_ref:
                _put(by_ref, key, it)
            else:
                by_ref[key] = it
            if number:
                if number in by_number:
                    _put(by_number, number, it)
                else:
                    by_number[number] = it
            listed = by_customer.get(cid)
            if listed is None:
                by_customer[cid] = [it]
            else:
                listed.append(it)
            n += 1
        return n

    def add_customer(self, info: CustomerInfo) -> None:
        self.customers[info.id] = info
        self.customer_by_ref[norm_ref(info.ref)] = info.id
        key = norm_name(info.name)
        if key:
            self.names[key].append(info.id)
        if info.parent_id is not None:
            self.children[info.parent_id].append(info.id)

    def add_alias(self, alias: str, customer_id: int) -> None:
        key = norm_name(alias)
        if key and customer_id not in self.aliases[key]:
            self.aliases[key].append(customer_id)

    def finish(self) -> None:
        """Order each customer's items oldest due first (the order people apply cash in)."""
        for items in self.items_by_customer.values():
            items.sort(key=lambda it: (it.due, it.id))
        # A parent's name also names its subsidiaries (a group pays from one account).
        for parent_id, kids in self.children.items():
            parent = self.customers.get(parent_id)
            if parent is not None:
                key = norm_name(parent.name)
                for kid in kids:
                    if kid not in self.names[key]:
                        self.names[key].append(kid)

    def group_of(self, customer_id: int) -> set[int]:
        """The customer, its parent chain's top and every account below that top."""
        members: set[int] = set()
        stack = [self.group_top(customer_id)]
        while stack:
            node = stack.pop()
            if node in members:
                continue
            members.add(node)
            stack.extend(self.children.get(node, ()))
        return members

    def group_top(self, customer_id: int) -> int:
        """The top of the customer's parent chain (cached)."""
        top = self._tops.get(customer_id)
        if top is None:
            top = customer_id
            seen = {top}
            while (info := self.customers.get(top)) is not None and info.parent_id is not None:
                if info.parent_id in seen:
                    break
                top = info.parent_id
                seen.add(top)
            self._tops[customer_id] = top
        return top

    def names_starting(self, key: str, *, limit: int = 50) -> list[str]:
        """Name keys that begin with ``key``: a name a bank cut short (16 characters in an ACH
        batch header, 27 in a German ?32, 35 in MT940) is the start of the real one."""
        if self._name_choices is None:
            self._name_choices = sorted(set(self.names) | set(self.aliases))
        choices = self._name_choices
        out: list[str] = []
        at = bisect_left(choices, key)
        while at < len(choices) and choices[at].startswith(key) and len(out) < limit:
            out.append(choices[at])
            at += 1
        return out

    def fuzzy_name(self, key: str) -> str | None:
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        if self._name_choices is None:
            self._name_choices = sorted(set(self.names) | set(self.aliases))
        best = process.extractOne(
            key, self._name_choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_NAME_CUTOFF
        )
        result = best[0] if best else None
        self._fuzzy_cache[key] = result
        return result
