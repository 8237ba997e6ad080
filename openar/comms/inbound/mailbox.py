"""The IMAP client: new messages by UID, marked read only once stored.

UIDs only grow within a folder's UIDVALIDITY, so "every UID above the last one stored" is exactly
what is new: nothing is read twice, and a message that arrives while a run is going is read by
the next. Messages are fetched with ``BODY.PEEK[]`` (which leaves them unread) and flagged
``\\Seen`` after the database has them: a run that dies in between leaves them unread, and the
next run, finding them stored, only marks them.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openar.comms.inbound.imap_url import ImapSettings

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCH_UID = re.compile(rb"UID (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read: the server is down, refused the login, or has no such folder.
    The message says which, for the person who runs ``openar comms fetch``."""


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mailbox:
    """One connection to one folder. Use as a context manager."""

    def __init__(self, config: ImapSettings) -> None:
        self.config = config
        self.conn: Any = None
        self.uidvalidity = 0

    def __enter__(self) -> Mailbox:
        c = self.config
        where = f"{c.host}:{c.port}"
        try:
            if c.ssl:
                self.conn = imaplib.IMAP4_SSL(
                    c.host, c.port, ssl_context=ssl.create_default_context(), timeout=c.timeout
                )
            else:
                self.conn = imaplib.IMAP4(c.host, c.port, timeout=c.timeout)
                if c.starttls:
                    self.conn.starttls(ssl_context=ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"cannot connect to the mail server {where}: {exc}") from None
        try:
            self.conn.login(c.user, c.password)
        except imaplib.IMAP4.error as exc:
            self._close()
            raise MailboxError(
                f"the mail server {where} refused the login of {c.user!r}: {_said(exc)}"
            ) from None
        except OSError as exc:
            self._close()
            raise MailboxError(f"the mail server {where} dropped the connection: {exc}") from None
        try:
            typ, _data = self.conn.select(_quote(c.folder))
        except (imaplib.IMAP4.error, OSError) as exc:
            typ, _data = "NO", [str(exc).encode()]
        if typ != "OK":
            self._close()
            raise MailboxError(f"the mail server {where} has no folder {c.folder!r} for {c.user!r}")
        self.uidvalidity = self._uidvalidity()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._close()

    def _close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.conn.state == "SELECTED":
                self.conn.close()
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the run's outcome is already decided; a broken goodbye changes nothing
        self.conn = None

    def _uidvalidity(self) -> int:
        values = self.conn.untagged_responses.get("UIDVALIDITY") or []
        for value in values:
            if value and str(value, "ascii", "replace").isdigit():
                return int(value)
        typ, data = self.conn.status(_quote(self.config.folder), "(UIDVALIDITY)")
        match = _UIDVALIDITY.search(data[0] or b"") if typ == "OK" and data else None
        return int(match.group(1)) if match else 0

    def new_uids(self, after: int) -> list[int]:
        """UIDs above ``after``, oldest first (``n:*`` always answers the newest, even below)."""
        try:
            typ, data = self.conn.uid("SEARCH", None, f"UID {after + 1}:*")
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError(f"the mail server did not list the new messages: {exc}") from None
        if typ != "OK":
            raise MailboxError(f"the mail server did not list the new messages: {data!r}")
        uids = {int(u) for chunk in data if chunk for u in chunk.split()}
        return sorted(u for u in uids if u > after)

    def fetch(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        """``(uid, raw message)`` for each of ``uids``, leaving them unread."""
        for uid in uids:
            try:
                typ, data = self.conn.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
            except (imaplib.IMAP4.error, OSError) as exc:
                raise MailboxError(f"the mail server did not send message {uid}: {exc}") from None
            if typ != "OK":
                raise MailboxError(f"the mail server did not send message {uid}: {data!r}")
            for item in data:
                if isinstance(item, tuple) and len(item) == 2:
                    found = _FETCH_UID.search(item[0])
                    if found is None or int(found.group(1)) == uid:
                        yield uid, item[1]
                        break

    def mark_seen(self, uid: int) -> None:
        try:
            typ, data = self.conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
        except (TimeoutError, imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError(f"the mail server did not mark message {uid} read: {exc}") from None
        if typ != "OK":
            raise MailboxError(
                f"the mail server did not mark message {uid} read: {_said_data(data)}"
            )


class FolderMailbox:
    """A folder of ``.eml`` files named by number (``000001.eml``), the number standing for the
    UID: the demo's mailbox, or mail exported from elsewhere. Files are only read, never moved:
    the mailbox's last UID says how far it was read."""

    uidvalidity = 1

    def __init__(self, config: ImapSettings) -> None:
        self.folder = Path(config.path)

    def __enter__(self) -> FolderMailbox:
        if not self.folder.is_dir():
            raise MailboxError(f"no mail folder {self.folder}")
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def _files(self) -> dict[int, Path]:
        return {int(p.stem): p for p in self.folder.glob("*.eml") if p.stem.isdigit()}

    def new_uids(self, after: int) -> list[int]:
        return sorted(uid for uid in self._files() if uid > after)

    def fetch(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        files = self._files()
        for uid in uids:
            try:
                yield uid, files[uid].read_bytes()
            except (KeyError, OSError) as exc:
                raise MailboxError(f"cannot read message {uid} in {self.folder}: {exc}") from None

    def mark_seen(self, uid: int) -> None:
        return None  # the files stay as they are; the last UID read is kept in the database


def open_mailbox(config: ImapSettings) -> Mailbox | FolderMailbox:
    """The mailbox ``config`` names: an IMAP folder, or a folder of files."""
    return FolderMailbox(config) if config.path else Mailbox(config)


def _said(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text)


def _said_data(data: Any) -> str:
    first = data[0] if isinstance(data, list) and data else data
    return first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first)
