"""When and how a message may go out: pure rules, no database.

The send window and quiet days apply in the customer's time zone; the frequency cap counts the
emails a customer received in the last seven days; refused sends wait longer each attempt; the
reply token routes an answer back to its account (and cannot be guessed for another account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# A reasonable zone per country when the customer record names none (the capital's).
COUNTRY_ZONES = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo",
    "AR": "America/Argentina/Buenos_Aires",
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "CR": "America/Costa_Rica",
    "PE": "America/Lima",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "IT": "Europe/Rome",
    "CH": "Europe/Zurich",
    "SE": "Europe/Stockholm",
    "PL": "Europe/Warsaw",
    "JP": "Asia/Tokyo",
    "CN": "Asia/Shanghai",
    "IN": "Asia/Kolkata",
    "SG": "Asia/Singapore",
    "PH": "Asia/Manila",
    "AU": "Australia/Sydney",
}

BACKOFF_FIRST = dt.timedelta(minutes=5)
BACKOFF_MAX = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10  # then the message fails and a person looks at it


@dataclass(frozen=True)
class SendWindow:
    start: dt.time
    end: dt.time
    quiet_days: frozenset[int]  # weekday numbers, Monday 0

    def contains(self, local: dt.datetime) -> bool:
        return local.weekday() not in self.quiet_days and self.start <= local.time() < self.end

    def next_opening(self, local: dt.datetime) -> dt.datetime:
        """The first moment at or after ``local`` inside the window (same time zone)."""
        if self.contains(local):
            return local
        day = local
        if local.time() >= self.start:
            day = local + dt.timedelta(days=1)
        for _ in range(8):
            candidate = day.replace(
                hour=self.start.hour, minute=self.start.minute, second=0, microsecond=0
            )
            if candidate.weekday() not in self.quiet_days and candidate >= local:
                return candidate
            day = day + dt.timedelta(days=1)
        return local  # every day quiet: the setting is refused before this can happen


def parse_window(window: str, quiet_days: str) -> SendWindow:
    """``"08:00-18:00"`` and ``"sat,sun"`` to a ``SendWindow``; ValueError naming the setting."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", window or "")
    if not match:
        raise ValueError(f"OPENAR_EMAIL_WINDOW {window!r}: expected HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 == 0:
        h2, m2 = 23, 59
    try:
        start, end = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        raise ValueError(f"OPENAR_EMAIL_WINDOW {window!r}: not a time of day") from None
    if end <= start:
        raise ValueError(f"OPENAR_EMAIL_WINDOW {window!r}: the end must come after the start")
    days: set[int] = set()
    for name in (quiet_days or "").split(","):
        name = name.strip().lower()[:3]
        if not name:
            continue
        if name not in DAY_NAMES:
            raise ValueError(f"OPENAR_EMAIL_QUIET_DAYS: unknown day {name!r}")
        days.add(DAY_NAMES.index(name))
    if len(days) == 7:
        raise ValueError("OPENAR_EMAIL_QUIET_DAYS: every day is quiet")
    return SendWindow(start, end, frozenset(days))


def customer_zone(*, time_zone: str, country: str, default: str) -> ZoneInfo:
    """The customer's own zone, else its country's, else ``default``."""
    for name in (time_zone, COUNTRY_ZONES.get((country or "").upper(), ""), default):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th refused try: 5 min, 10, 20... at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def cap_frees_at(
    sent_times: list[dt.datetime], *, cap: int, now: dt.datetime
) -> dt.datetime | None:
    """None when one more email keeps the customer within ``cap`` per 7 days, else the moment
    it may go."""
    week = dt.timedelta(days=7)
    recent = sorted(t for t in sent_times if t > now - week)
    if cap <= 0:
        return None
    if len(recent) < cap:
        return None
    return recent[len(recent) - cap] + week


def reply_token(customer_id: int, secret: str) -> str:
    """``c<id>-<8 hex>``: names the account, and the check digits stop a forged one."""
    digest = hmac.new(secret.encode(), f"customer:{customer_id}".encode(), hashlib.sha256)
    return f"c{customer_id}-{digest.hexdigest()[:8]}"


_TOKEN = re.compile(r"\bc(\d{1,18})-([0-9a-f]{8})\b")


def customer_from_token(text: str, secret: str) -> int | None:
    """The account a reply token found in ``text`` (an address) names, if the token is genuine."""
    for match in _TOKEN.finditer(text or ""):
        customer_id = int(match.group(1))
        if hmac.compare_digest(reply_token(customer_id, secret), match.group(0)):
            return customer_id
    return None
