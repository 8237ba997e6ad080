"""``OPENAR_IMAP_URL`` to the mailbox to read, the way ``OPENAR_EMAIL_URL`` configures sending.

- ``imap://user:pass@host:143/INBOX`` plain IMAP (``?starttls=1`` upgrades the connection);
- ``imaps://user:pass@host:993/INBOX`` IMAP over TLS;
- ``file:///path/to/folder`` a folder of ``.eml`` files named by number (``000001.eml``...),
  read in that order: the demo's mailbox, or mail exported from another system.

The path is the folder (default ``INBOX``); user, password and folder are percent-decoded.
``timeout=N`` (seconds, default 30). An empty setting means no mailbox is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool
    starttls: bool
    timeout: float
    path: str = ""  # a folder of .eml files instead of a server

    @property
    def key(self) -> str:
        """Names the mailbox in the database (where its last UID is kept): no password."""
        if self.path:
            return f"file:{self.path}"[:200]
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:200]


def imap_url_config(url: str) -> ImapSettings:
    """The mailbox named by ``url``; ValueError naming what is wrong (never the password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    shown = _without_password(url)
    if scheme == "file":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ValueError(f"OPENAR_IMAP_URL {shown!r}: no folder (file:///path/to/folder)")
        return ImapSettings("", 0, "", "", path, False, False, 0.0, path=path)
    if scheme not in ("imap", "imaps"):
        raise ValueError(
            f"OPENAR_IMAP_URL {shown!r}: unknown scheme {scheme!r} (expected imap, imaps or file)"
        )
    if not parts.hostname:
        raise ValueError(f"OPENAR_IMAP_URL {shown!r}: no host")
    if not parts.username:
        raise ValueError(f"OPENAR_IMAP_URL {shown!r}: no user (imap://user:password@host/...)")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    ssl = scheme == "imaps"
    try:
        port = parts.port or (993 if ssl else 143)
    except ValueError:
        raise ValueError(f"OPENAR_IMAP_URL {shown!r}: the port is not a number") from None
    try:
        timeout = float(query.get("timeout", "30"))
    except ValueError:
        raise ValueError(f"OPENAR_IMAP_URL {shown!r}: timeout is not a number") from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=folder,
        ssl=ssl,
        starttls=not ssl and query.get("starttls", "").lower() in _TRUE,
        timeout=timeout,
    )


def _without_password(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
