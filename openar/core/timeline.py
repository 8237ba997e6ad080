"""The account timeline: everything that happened on an account, contributed by each app.

An app registers a source in ``AppConfig.ready()`` (``register_timeline_source``): a function
``(customer, limit) -> list[Entry]`` reading its own rows in one query, newest first, and the
kinds it writes. Activity renders the timeline on the account page; no app imports another's
rows to draw it (DESIGN.md: higher apps put their panels on lower pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Entry:
    """One thing that happened: when, of which kind (a filter key), what, by whom."""

    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    tone: str = ""  # "ok", "warn", "danger" or "" (a badge colour)


@dataclass(frozen=True)
class TimelineKind:
    key: str
    label: Any  # a lazy translation: the filter's name
    order: int


@dataclass
class Source:
    key: str
    fetch: Callable[[Any, int], list[Entry]]
    kinds: list[TimelineKind] = field(default_factory=list)


_SOURCES: dict[str, Source] = {}


def register_timeline_source(
    *, key: str, fetch: Callable[[Any, int], list[Entry]], kinds: Iterable[TimelineKind]
) -> None:
    _SOURCES[key] = Source(key, fetch, list(kinds))


def timeline_kinds() -> list[TimelineKind]:
    """Every kind a source writes, in filter order."""
    kinds = {k.key: k for s in _SOURCES.values() for k in s.kinds}
    return sorted(kinds.values(), key=lambda k: (k.order, k.key))


def at_day(day: dt.date) -> dt.datetime:
    """A business date on the timeline: noon of that day (sorts after the morning's calls)."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12, 0))


def account_timeline(
    customer: Any, *, kinds: Iterable[str] | None = None, limit: int = 100
) -> list[Entry]:
    """The newest ``limit`` entries of the chosen ``kinds`` (all when None), newest first; one
    query per source that has a chosen kind."""
    wanted = set(kinds) if kinds else None
    entries: list[Entry] = []
    for source in sorted(_SOURCES.values(), key=lambda s: s.key):
        if wanted is not None and not wanted.intersection(k.key for k in source.kinds):
            continue
        entries.extend(
            e for e in source.fetch(customer, limit) if wanted is None or e.kind in wanted
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
