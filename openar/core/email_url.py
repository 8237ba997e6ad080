"""``OPENAR_EMAIL_URL`` to Django's ``MAILERS`` entry, the way ``DATABASE_URL`` configures the
database.

- ``smtp://user:pass@host:587?tls=1`` SMTP, STARTTLS when ``tls=1``;
- ``smtps://user:pass@host:465`` SMTP over TLS;
- ``console://`` messages printed to standard output;
- ``file:///path/to/folder`` one ``.eml`` file per message in that folder.

``timeout=N`` (seconds, default 30) applies to SMTP. User and password are percent-decoded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FOLDER_BACKEND = "openar.comms.mailbackends.FolderBackend"
_TRUE = {"1", "true", "yes", "on"}


def email_url_config(url: str) -> dict[str, Any]:
    """The ``MAILERS["default"]`` entry for ``url``; ValueError naming what is wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ValueError(f"OPENAR_EMAIL_URL {url!r}: file:// needs a folder path")
        return {"BACKEND": FOLDER_BACKEND, "OPTIONS": {"file_path": path}}
    if scheme not in ("smtp", "smtps"):
        raise ValueError(
            f"OPENAR_EMAIL_URL {url!r}: unknown scheme {scheme!r} "
            "(expected smtp, smtps, console or file)"
        )
    if not parts.hostname:
        raise ValueError(f"OPENAR_EMAIL_URL {url!r}: no host")
    use_ssl = scheme == "smtps"
    use_tls = not use_ssl and query.get("tls", "").lower() in _TRUE
    try:
        port = parts.port or (465 if use_ssl else 587 if use_tls else 25)
    except ValueError:
        raise ValueError(f"OPENAR_EMAIL_URL {url!r}: the port is not a number") from None
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port,
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": float(query.get("timeout", "30")),
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
