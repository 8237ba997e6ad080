"""A mail backend that writes each message as one ``.eml`` file in a folder (``file://`` in
``OPENAR_EMAIL_URL``): the demo's outgoing mail, readable by any mail program."""

from __future__ import annotations

import email.policy
import re
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


class FolderBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path)

    def send_messages(self, email_messages: Any) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            msg = message.message(policy=email.policy.SMTP)
            ident = str(msg.get("Message-ID", "")).strip("<> ") or f"{timezone.now():%H%M%S%f}"
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{_UNSAFE.sub('_', ident)[:120]}.eml"
            (self.folder / name).write_bytes(msg.as_bytes())
            sent += 1
        return sent
