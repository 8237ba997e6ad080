"""A raw email (RFC 5322 bytes) to what the Inbox keeps and the rules read: pure, no database.

Every mail program writes mail a little differently, and mail from the outside is untrusted: a
part that cannot be decoded is kept as replacement characters, a malformed header as its raw
text, and nothing here raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Recipient:
    """One recipient of a delivery status report."""

    address: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # 5.1.1
    diagnostic: str

    @property
    def hard(self) -> bool:
        """Refused for good (not a delay): the address must not be written to again."""
        return self.action == "failed" or self.status.startswith("5")


@dataclass
class DeliveryReport:
    """A bounce: who could not be reached, and the message that was refused."""

    recipients: list[Recipient] = field(default_factory=list)
    original_message_id: str = ""
    original_to: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Recipient]:
        return [r for r in self.recipients if r.hard]


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class SkippedAttachment:
    filename: str
    content_type: str
    size: int


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)  # To and Cc
    delivered_to: list[str] = field(default_factory=list)  # Delivered-To, X-Original-To...
    date: dt.datetime | None = None
    headers: str = ""
    text: str = ""  # the plain-text body (from the HTML part when there is no text part)
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[SkippedAttachment] = field(default_factory=list)
    auto_reply: str = ""  # why it is an automatic reply (a header or the subject), else ""
    report: DeliveryReport | None = None

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this message answers, nearest first."""
        seen: list[str] = []
        for ident in [*self.in_reply_to, *reversed(self.references)]:
            if ident not in seen:
                seen.append(ident)
        return seen


def message_ids(value: str) -> list[str]:
    """``<a@b> <c@d>`` to ``["<a@b>", "<c@d>"]`` (a bare id without brackets is kept too)."""
    found = _MSGID.findall(value or "")
    if not found and (value or "").strip() and "@" in value:
        found = [f"<{value.strip().strip('<>')}>"]
    return found


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot make sense of: keep its raw text
        value = None
        for key, raw in msg.raw_items() if hasattr(msg, "raw_items") else []:
            if key.lower() == name.lower():
                value = raw
                break
    return " ".join(str(value or "").split())


def _all_headers(msg: Message, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in msg.get_all(name) or [])
        except Exception:
            continue
    return values


def _addresses(values: list[str]) -> list[str]:
    out: list[str] = []
    for _name, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address and address not in out:
            out.append(address)
    return out


def _date(msg: Message) -> dt.datetime | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _decoded(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _text_of(part: Message) -> str:
    data = _decoded(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:  # an unknown charset name
        return data.decode("utf-8", "replace")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return " ".join(str(name).split())


class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote", "hr"}
    _SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: blocks on their own lines, no styles or scripts."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; this is for the truly broken
        return re.sub(r"<[^>]+>", " ", html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _fields(block: Any) -> dict[str, str]:
    if isinstance(block, Message):
        return {k.lower(): " ".join(str(v).split()) for k, v in block.items()}
    return {}


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status part (the first is per message)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [_fields(b) for b in payload]
    text = _text_of(part)
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", text):
        if chunk.strip():
            parsed = email.message_from_string(chunk.strip() + "\n\n")
            blocks.append(_fields(parsed))
    return blocks


def _typed_address(value: str) -> str:
    """``rfc822; ap@acme.example`` to ``ap@acme.example``."""
    _kind, _, address = value.partition(";")
    address = (address or value).strip().strip("<>").lower()
    return address if "@" in address else ""


def _report(msg: Message) -> DeliveryReport | None:
    report: DeliveryReport | None = None
    original: Message | None = None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            report = report or DeliveryReport()
            for block in _status_blocks(part):
                address = _typed_address(
                    block.get("final-recipient") or block.get("original-recipient") or ""
                )
                if not address:
                    continue
                report.recipients.append(
                    Recipient(
                        address=address,
                        action=block.get("action", "").lower(),
                        status=block.get("status", ""),
                        diagnostic=block.get("diagnostic-code", "")[:300],
                    )
                )
        elif ctype == "message/rfc822" and original is None:
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                original = inner[0]
        elif ctype in ("text/rfc822-headers", "text/rfc822-header") and original is None:
            original = BytesHeaderParser(policy=email.policy.default).parsebytes(_decoded(part))
    if report is None:
        return None
    if original is not None:
        ids = message_ids(_header(original, "Message-ID"))
        report.original_message_id = ids[0] if ids else ""
        report.original_to = _addresses(_all_headers(original, "To"))
    return report


_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|autoreply|out of (the )?office|away from the office|"
    r"respuesta autom[aá]tica|fuera de (la )?oficina|ausente|resposta autom[aá]tica|"
    r"aus[eê]ncia|fora do escrit[oó]rio)\b",
    re.IGNORECASE,
)


def _auto_reply(msg: Message, subject: str) -> str:
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if _header(msg, name):
            return name
    if _header(msg, "X-Auto-Response-Suppress") and _AUTO_SUBJECT.search(subject):
        return "X-Auto-Response-Suppress"
    if _header(msg, "Precedence").lower() == "auto_reply":
        return "Precedence: auto_reply"
    if _AUTO_SUBJECT.search(subject):
        return "subject"
    return ""


def parse_message(raw: bytes, *, max_attachment_bytes: int) -> ParsedMail:
    """Read ``raw``; attachments over ``max_attachment_bytes`` each are listed in ``skipped``
    instead of kept."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    subject = _header(msg, "Subject")
    name, address = parseaddr(_header(msg, "From"))
    head, _sep, _body = raw.partition(b"\r\n\r\n")
    if len(head) == len(raw):
        head, _sep, _body = raw.partition(b"\n\n")
    out = ParsedMail(
        message_id=(message_ids(_header(msg, "Message-ID")) or [""])[0],
        in_reply_to=message_ids(_header(msg, "In-Reply-To")),
        references=message_ids(_header(msg, "References")),
        subject=subject[:300],
        from_name=name[:200],
        from_address=address.strip().lower()[:254] if "@" in address else "",
        to=_addresses(_all_headers(msg, "To", "Cc")),
        delivered_to=_addresses(
            _all_headers(msg, "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
        ),
        date=_date(msg),
        headers=head.decode("utf-8", "replace")[:20000],
    )
    out.report = _report(msg) if msg.get_content_type() == "multipart/report" else None
    out.auto_reply = "" if out.report else _auto_reply(msg, subject)
    texts: list[str] = []
    htmls: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        in_report = out.report is not None and (
            ctype.startswith("message/") or ctype.startswith("text/rfc822")
        )
        if in_report:
            continue
        if disposition != "attachment" and not filename and ctype == "text/plain":
            texts.append(_text_of(part))
        elif disposition != "attachment" and not filename and ctype == "text/html":
            htmls.append(_text_of(part))
        elif ctype.startswith("multipart/"):
            continue
        else:
            content = _decoded(part)
            name = filename or f"attachment-{len(out.attachments) + len(out.skipped) + 1}"
            if len(content) > max_attachment_bytes:
                out.skipped.append(SkippedAttachment(name[:200], ctype, len(content)))
            else:
                out.attachments.append(Attachment(name[:200], ctype, content))
    out.html = "\n".join(htmls)
    text = "\n".join(t.strip("\n") for t in texts).strip()
    out.text = text or html_to_text(out.html)
    return out


# Where the quoted original starts in a reply, in the mail programs' words (EN, ES, PT).
_QUOTE_START = re.compile(
    r"^(\s*>|"
    r"\s*-{2,}\s*(original message|mensaje original|mensagem original)\s*-{2,}|"
    r"\s*_{10,}\s*$|"
    r"\s*(from|de|von)\s*:.*$|"
    r".*\b(wrote|escribió|escreveu)\s*:\s*$|"
    r"\s*(on|el|em)\s.{6,}\s(wrote|escribió|escreveu)\s*:?)",
    re.IGNORECASE,
)


def reply_text(text: str) -> str:
    """The part of a reply its author wrote: everything before the quoted original."""
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        if index > 0 and _QUOTE_START.match(line):
            return "\n".join(lines[:index]).strip()
        if index == 0 and line.lstrip().startswith(">"):
            continue
    return "\n".join(line for line in lines if not line.lstrip().startswith(">")).strip()
