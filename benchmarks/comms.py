"""Communications benchmarks on the imported portfolio (run by ``python -m benchmarks``):

- ``statement_run``: a monthly statement run for one collector's portfolio (600 customers): every
  statement laid out as PDF (timed, the target), then sent by email to a local SMTP server
  (aiosmtpd, in its own process; its time is on the line as ``send_seconds``).
- ``smtp_send``: 10,000 queued reminder emails, one per customer, sent by ``outbox_send`` to a
  local SMTP server (aiosmtpd, in its own process).

Both servers accept every message; the scenario checks that each message went out once (status
sent, one Message-ID each, as many DATA commands as messages).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STATEMENT_CUSTOMERS = 600
MESSAGES = 10_000

# A counting SMTP sink: accepts everything, writes how many messages it took when it stops.
_SINK = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller

class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
try:
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
finally:
    controller.stop()
    open(sys.argv[2], "w").write(str(Count.n))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """aiosmtpd in a child process, so the server does not share the sender's core."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.count_file = Path(tempfile.mkstemp(prefix="smtp-count-")[1])

    def __enter__(self) -> SmtpSink:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SINK, str(self.port), str(self.count_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "ready"
        from django.conf import settings

        from openar.core.email_url import email_url_config

        settings.MAILERS = {"default": email_url_config(f"smtp://127.0.0.1:{self.port}")}
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)

    @property
    def received(self) -> int:
        text = self.count_file.read_text().strip()
        self.count_file.unlink(missing_ok=True)
        return int(text or 0)


def _settings(letter_dir: str) -> None:
    from django.conf import settings

    settings.OPENAR_EMAIL_TEST_TO = ""
    settings.OPENAR_EMAIL_ATTACH_PDF = False
    settings.OPENAR_LETTER_DIR = Path(letter_dir)


def statement_run(*, as_of: dt.date) -> dict[str, Any]:
    from openar.comms.models import StatementRunLine
    from openar.comms.pdfs import default_workers
    from openar.comms.services.statement_runs import (
        statement_run_prepare,
        statement_run_send,
        statement_run_send_start,
        statement_run_start,
    )
    from openar.ledger.models import Customer

    with tempfile.TemporaryDirectory() as letters:
        _settings(letters)
        collector = (
            Customer.objects.exclude(collector=None)
            .order_by("collector__username")
            .values_list("collector__username", flat=True)
            .first()
        )
        run = statement_run_start(
            as_of=as_of, scope="collector", scope_value=collector or "", actor="bench",
            background=False,
        )  # fmt: skip
        workers = default_workers()
        started = time.perf_counter()
        statement_run_prepare(run=run, workers=workers)
        seconds = time.perf_counter() - started
        lines = StatementRunLine.objects.filter(run=run)
        pdfs = lines.exclude(pdf=None).count()
        with SmtpSink() as sink:
            statement_run_send_start(run=run, actor="bench", background=False)
            run.refresh_from_db()
            send_started = time.perf_counter()
            report = statement_run_send(run=run, actor="bench")
            send_seconds = time.perf_counter() - send_started
        received = sink.received
    ok = report["emailed"] == received and report["failed"] == 0
    return {
        "rows": pdfs,
        "seconds": seconds,
        "customers": lines.count(),
        "workers": workers,
        "send_seconds": round(send_seconds, 2),
        "emailed": report["emailed"],
        "letters": report["letters"],
        "received_by_server": received,
        "figures_ok": ok,
        "note": (
            f"customers={lines.count()} pdfs={pdfs} workers={workers} "
            f"send_seconds={send_seconds:.1f} emailed={report['emailed']} "
            f"letters={report['letters']} received={received} "
            f"loadavg={os.getloadavg()[0]:.1f}"
        ),
    }


def _queue_messages(as_of: dt.date, n: int) -> list[int]:
    """Untimed: one queued reminder for each of the first ``n`` customers (as the daily cycle
    queues them), written straight into the outbox."""
    from openar.comms.models import OutboxMessage
    from openar.ledger.models import Customer

    rows = list(Customer.objects.order_by("id").values_list("id", "customer_ref", "name")[:n])
    body = (
        "Dear {name},\n\nThis is a friendly reminder that invoices on your account {ref} are "
        "past due.\n\nKind regards,\nAccounts Receivable"
    )
    messages = [
        OutboxMessage(
            customer_id=cid,
            channel="email",
            template_code="reminder",
            language="en",
            to_address=f"ap-{ref.lower()}@customer.example",
            subject=f"Payment reminder: {name} ({ref})",
            body=body.format(name=name, ref=ref),
            html=f"<p>Dear {name},</p><p>Your account {ref} is past due.</p>",
            as_of=as_of,
        )
        for cid, ref, name in rows
    ]
    OutboxMessage.objects.bulk_create(messages, batch_size=2000)
    return [cid for cid, _, _ in rows]


def smtp_send(*, as_of: dt.date) -> dict[str, Any]:
    from django.db.models import Count

    from openar.comms.models import OutboxMessage
    from openar.comms.services import outbox_send

    customers = _queue_messages(as_of, MESSAGES)
    now = dt.datetime.combine(as_of, dt.time(15, 0), tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as letters, SmtpSink() as sink:
        _settings(letters)
        started = time.perf_counter()
        result = outbox_send(as_of=as_of, actor="bench", ignore_window=True, now=now)
        seconds = time.perf_counter() - started
    received = sink.received
    sent = OutboxMessage.objects.filter(status="sent", template_code="reminder").count()
    duplicated_ids = (
        OutboxMessage.objects.exclude(message_id=None)
        .values("message_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    ok = result.sent == len(customers) == sent == received and not duplicated_ids
    return {
        "rows": result.sent,
        "seconds": seconds,
        "queued": len(customers),
        "sent": sent,
        "received_by_server": received,
        "deferred": result.deferred,
        "failed": result.failed,
        "figures_ok": ok,
        "note": (
            f"queued={len(customers)} sent={sent} received={received} "
            f"deferred={result.deferred} failed={result.failed} "
            f"loadavg={os.getloadavg()[0]:.1f}"
        ),
    }
