"""The ERP's own PDF of an invoice, where the entity says where to find it: a folder pattern
(``/srv/erp/{entity}/{document_ref}.pdf``) or a URL pattern
(``https://erp.example.com/invoices/{document_ref}.pdf``).

Placeholders: ``{entity}`` (entity code), ``{customer_ref}``, ``{document_ref}`` and ``{year}``
(of the document date). Every value must be a plain file name (no ``/``, ``\\``, ``..`` or control
characters), and the file found must lie inside the pattern's fixed folder, so a document number
cannot lead the lookup anywhere else. A file over ``OPENAR_ERP_PDF_MAX_BYTES`` or that is not a PDF
is not used. Whatever is not found or refused is said in ``ErpLookup.note``; the caller then
writes the copy from the ledger's data.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PLACEHOLDERS = ("entity", "customer_ref", "document_ref", "year")
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ErpLookup:
    content: bytes | None  # the PDF, when found and usable
    note: str  # where it came from, or why it was not used


def pattern_errors(pattern: str) -> str:
    """Why ``pattern`` cannot be used (empty when it can)."""
    pattern = pattern.strip()
    if not pattern:
        return ""
    unknown = sorted({f for f in _FIELD.findall(pattern) if f not in PLACEHOLDERS})
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}} (use {', '.join(PLACEHOLDERS)})"
    if "{document_ref}" not in pattern:
        return "the pattern must contain {document_ref}"
    if pattern.startswith(("http://", "https://")):
        return ""
    if not pattern.startswith("/"):
        return "a folder pattern must be an absolute path (or use an http(s):// URL)"
    if "{" in _fixed_folder(pattern).as_posix():
        return "the folder part must come before any placeholder"
    return ""


def _fixed_folder(pattern: str) -> Path:
    """The folder above the first placeholder: every file looked up must lie inside it."""
    head = pattern.split("{", 1)[0]
    return Path(head if head.endswith("/") else os.path.dirname(head) or "/")


def _safe(value: str) -> bool:
    return bool(value) and value not in (".", "..") and not _UNSAFE.search(value)


def erp_invoice_pdf(
    *, pattern: str, entity: str, customer_ref: str, document_ref: str, year: int
) -> ErpLookup:
    """Look the invoice up where ``pattern`` says; never raises for a missing or refused file."""
    pattern = (pattern or "").strip()
    if not pattern:
        return ErpLookup(None, "no ERP location configured for the entity")
    values = {
        "entity": entity,
        "customer_ref": customer_ref,
        "document_ref": document_ref,
        "year": str(year),
    }
    unsafe = [name for name, value in values.items() if not _safe(value)]
    if unsafe:
        return ErpLookup(None, f"refused: the {unsafe[0]} {values[unsafe[0]]!r} is not a file name")
    limit = settings.OPENAR_ERP_PDF_MAX_BYTES
    if pattern.startswith(("http://", "https://")):
        quoted = {k: urllib.parse.quote(v, safe="") for k, v in values.items()}
        return _fetch(pattern.format(**quoted), limit)
    folder = _fixed_folder(pattern).resolve()
    path = Path(pattern.format(**values)).resolve()
    if not path.is_relative_to(folder):
        return ErpLookup(None, f"refused: {path} is outside {folder}")
    if not path.is_file():
        return ErpLookup(None, f"not found in the ERP folder: {path.name}")
    size = path.stat().st_size
    if size > limit:
        return ErpLookup(None, f"the ERP file is {size} bytes, over the limit of {limit}")
    content = path.read_bytes()[: limit + 1]
    if not content.startswith(b"%PDF-"):
        return ErpLookup(None, "the ERP file is not a PDF")
    return ErpLookup(content, f"ERP file {path.name}")


def _fetch(url: str, limit: int) -> ErpLookup:
    request = urllib.request.Request(url, headers={"User-Agent": "OpenAR invoice copies"})
    try:
        with urllib.request.urlopen(request, timeout=settings.OPENAR_ERP_PDF_TIMEOUT) as response:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limit:
                return ErpLookup(
                    None, f"the ERP file is {declared} bytes, over the limit of {limit}"
                )
            content = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        return ErpLookup(None, f"not found at the ERP: HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return ErpLookup(None, f"the ERP could not be reached: {reason}"[:300])
    if len(content) > limit:
        return ErpLookup(None, f"the ERP file is over the limit of {limit} bytes")
    if not content.startswith(b"%PDF-"):
        return ErpLookup(None, "the ERP answer is not a PDF")
    return ErpLookup(content, f"ERP {urllib.parse.urlsplit(url).netloc}")
