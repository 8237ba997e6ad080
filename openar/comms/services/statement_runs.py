"""Statement runs: every customer of a scope gets its statement of account, prepared in the
background, reviewed by a person, then sent (email with the PDF attached, or a printed letter).

Preparing reads the accounts in batches (one query per batch for the customers, their open items
and their cash), renders the pages in this process and lays them out as PDF in worker processes
(``comms.pdfs``). Sending goes through the Outbox, so a statement keeps the outbox's guarantees:
its Message-ID is recorded before the mail server sees it, it is never sent twice, and it lands on
the account's timeline with the PDF.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openar.comms.choices import LineStatus, MessageChannel, MessageStatus, RunScope, RunStatus
from openar.comms.documents import statement_page
from openar.comms.domain import SENDERS, message_language
from openar.comms.models import (
    BouncedAddress,
    OutboxAttachment,
    OutboxMessage,
    StatementRun,
    StatementRunLine,
)
from openar.comms.parties import Recipient, parties_for
from openar.comms.pdfs import PdfPool
from openar.comms.selectors import account_items, statement_run_customers
from openar.comms.services.sending import outbox_send
from openar.core.audit import audit_record
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.jobs import job_create, job_failed, job_finished, job_progress, job_started
from openar.core.money import format_amount
from openar.ledger.models import Entity

PREPARE = "statement_run"
SEND = "statement_send"
BATCH = 200
REPORT_KEYS = ("statements", "emailed", "letters", "failed", "deferred", "skipped", "excluded")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
Progress = Callable[[int, int], None]
# Stored in English, shown in the reader's language (the statements table translates it).
NO_ADDRESS = gettext_noop("no email address and no postal address")


def _scope_check(scope: str, value: str) -> str:
    value = (value or "").strip()
    if scope not in RunScope.values:
        raise ValidationError(
            f"unknown scope {scope!r} (expected one of {', '.join(RunScope.values)})",
            field="scope",
        )
    if scope == RunScope.ALL:
        return ""
    if not value:
        raise ValidationError(f"a {scope} run needs a {scope} to run for", field="scope_value")
    if scope == RunScope.ENTITY and not Entity.objects.filter(code=value).exists():
        raise NotFound(f"no entity {value!r}", field="scope_value")
    if scope == RunScope.COLLECTOR and not get_user_model().objects.filter(username=value).exists():
        raise NotFound(f"no collector {value!r}", field="scope_value")
    if scope == RunScope.REGION:
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad or not codes:
            raise ValidationError(
                f"a region is a list of two-letter country codes (MX,CR), not {value!r}",
                field="scope_value",
            )
        return ",".join(codes)
    return value


@transaction.atomic
def statement_run_start(
    *, as_of: dt.date, scope: str, scope_value: str = "", actor: Any, background: bool = True
) -> StatementRun:
    """Create a statement run for ``as_of`` over ``scope`` (all, entity code, collector username,
    region as country codes) and, unless ``background`` is off, queue its preparation for the
    task worker. Refused while another run is being prepared or sent."""
    value = _scope_check(scope, scope_value)
    busy = StatementRun.objects.filter(
        status__in=[RunStatus.PREPARING, RunStatus.SENDING],
        created_at__gte=timezone.now() - dt.timedelta(hours=6),
    ).first()
    if busy is not None:
        raise Conflict(
            f"statement run {busy.pk} is still {busy.get_status_display().lower()}",
            code="run_busy",
        )
    job = job_create(kind=PREPARE, as_of=as_of, started_by=actor)
    user = actor if getattr(actor, "pk", None) else None
    run = StatementRun.objects.create(
        as_of=as_of, scope=scope, scope_value=value, job=job, created_by=user
    )
    audit_record(
        actor=actor,
        action="statement_run.start",
        object_type="statement_run",
        object_id=run.pk,
        summary=f"statements on {as_of} for {scope} {value}".strip(),
        after={"as_of": as_of.isoformat(), "scope": scope, "scope_value": value},
    )
    if background:
        from openar.comms.tasks import prepare_statement_run

        transaction.on_commit(lambda: _enqueue(prepare_statement_run, run.pk, job.pk))
    return run


def _enqueue(task: Any, run_id: int, job_id: int) -> None:
    from openar.core.models import JobRun

    result = task.enqueue(run_id)
    JobRun.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def _channel(party: Recipient, bounced: set[str], attributes: dict) -> tuple[str, str, str]:
    """(channel, address, why skipped) of one customer's statement."""
    if party.email and party.email.lower() not in bounced:
        return MessageChannel.EMAIL, party.email, ""
    address = (attributes or {}).get("address") or (attributes or {}).get("postal_address")
    if not str(address or "").strip():
        return MessageChannel.LETTER, "", NO_ADDRESS
    return MessageChannel.LETTER, party.postal_block, ""


def _balance_text(account: Any) -> str:
    return " · ".join(
        f"{t.currency} {format_amount(t.balance, t.currency)}" for t in account.totals()
    )


def statement_run_prepare(
    *, run: StatementRun, workers: int | None = None, progress: Progress | None = None
) -> StatementRun:
    """Write the statement of every customer in the run's scope with open items (the PDF, the
    channel it goes by, or why it is skipped), then leave the run for review."""
    job = run.job
    ids = list(
        statement_run_customers(scope=run.scope, scope_value=run.scope_value).values_list(
            "id", flat=True
        )
    )
    if job is not None:
        job_started(job, steps_total=len(ids))
    try:
        StatementRunLine.objects.filter(run=run).delete()  # a retried preparation starts over
        done = 0
        with PdfPool(workers=workers) as pool:
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                _prepare_batch(run, batch, pool)
                done += len(batch)
                if job is not None:
                    job_progress(job, done=done, total=len(ids), step="statements")
                if progress:
                    progress(done, len(ids))
    except Exception as exc:
        if job is not None:
            job_failed(job, exc=exc)
        StatementRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    counts = Counter(
        StatementRunLine.objects.filter(run=run).values_list("status", flat=True).iterator()
    )
    run.status = RunStatus.REVIEW
    run.prepared_at = timezone.now()
    StatementRun.objects.filter(pk=run.pk).update(
        status=run.status, prepared_at=run.prepared_at, error=""
    )
    summary = {
        "customers": len(ids),
        "statements": counts[LineStatus.READY],
        "skipped": counts[LineStatus.SKIPPED],
    }
    if job is not None:
        job_finished(job, result=summary)
    audit_record(
        actor=job.started_by if job and job.started_by else "statement-run",
        action="statement_run.prepare",
        object_type="statement_run",
        object_id=run.pk,
        summary=f"{summary['statements']} statements, {summary['skipped']} skipped",
        after=summary,
    )
    return run


def _prepare_batch(run: StatementRun, batch: list[int], pool: PdfPool) -> None:
    parties = parties_for(batch)
    accounts = account_items(batch, run.as_of)
    attributes = _attributes(batch)
    emails = [p.email.lower() for p in parties.values() if p.email]
    bounced = set(
        BouncedAddress.objects.filter(address__in=emails).values_list("address", flat=True)
    )
    lines: list[StatementRunLine] = []
    pages: list[str] = []
    for cid in batch:
        party, account = parties[cid], accounts[cid]
        language = message_language(party.language)
        channel, address, why = _channel(party, bounced, attributes.get(cid, {}))
        line = StatementRunLine(
            run=run,
            customer_id=cid,
            channel=channel,
            to_address=address,
            language=language,
            items=sum(1 for i in account.items if i.open_amount != 0),
            balance=_balance_text(account)[:200],
            status=LineStatus.SKIPPED if why else LineStatus.READY,
            reason=why,
        )
        lines.append(line)
        if not why:
            pages.append(statement_page(language=language, party=party, account=account))
    ready = [line for line in lines if line.status == LineStatus.READY]
    for line, content in zip(ready, pool.render(pages), strict=True):
        line.pdf = content
    StatementRunLine.objects.bulk_create(lines)


def _attributes(batch: list[int]) -> dict[int, dict]:
    from openar.ledger.models import Customer

    return dict(Customer.objects.filter(id__in=batch).values_list("id", "attributes"))


# -- review ------------------------------------------------------------------------------------


def _line_for_review(line: StatementRunLine) -> StatementRunLine:
    row = StatementRunLine.objects.select_related("run", "customer").get(pk=line.pk)
    if row.run.status != RunStatus.REVIEW:
        raise Conflict(_("This run is no longer in review."), code="run_not_in_review")
    return row


@transaction.atomic
def statement_line_exclude(*, line: StatementRunLine, reason: str = "", actor: Any) -> None:
    """Leave one statement out of the run (with the person's reason)."""
    row = _line_for_review(line)
    if row.status != LineStatus.READY:
        raise Conflict(_("Only a statement that is ready can be excluded."), code="not_ready")
    why = (reason or "").strip() or _("excluded by %(who)s") % {
        "who": getattr(actor, "username", None) or str(actor)
    }
    StatementRunLine.objects.filter(pk=row.pk).update(status=LineStatus.EXCLUDED, reason=why[:300])
    audit_record(
        actor=actor,
        action="statement_run.exclude",
        object_type="statement_run",
        object_id=row.run_id,
        summary=f"{row.customer.customer_ref} excluded: {why}",
    )


@transaction.atomic
def statement_line_include(*, line: StatementRunLine, actor: Any) -> None:
    """Put an excluded statement back into the run."""
    row = _line_for_review(line)
    if row.status != LineStatus.EXCLUDED:
        raise Conflict(_("Only an excluded statement can be put back."), code="not_excluded")
    StatementRunLine.objects.filter(pk=row.pk).update(status=LineStatus.READY, reason="")
    audit_record(
        actor=actor,
        action="statement_run.include",
        object_type="statement_run",
        object_id=row.run_id,
        summary=f"{row.customer.customer_ref} back in the run",
    )


@transaction.atomic
def statement_run_cancel(*, run: StatementRun, actor: Any) -> None:
    """Drop a run in review: nothing is sent."""
    updated = StatementRun.objects.filter(pk=run.pk, status=RunStatus.REVIEW).update(
        status=RunStatus.CANCELLED
    )
    if not updated:
        raise Conflict(_("Only a run in review can be cancelled."), code="run_not_in_review")
    audit_record(
        actor=actor, action="statement_run.cancel", object_type="statement_run", object_id=run.pk
    )


# -- sending -----------------------------------------------------------------------------------


@transaction.atomic
def statement_run_send_start(*, run: StatementRun, actor: Any, background: bool = True) -> None:
    """The person approves the run: its statements go out (in the background by default)."""
    job = job_create(kind=SEND, as_of=run.as_of, started_by=actor)
    user = actor if getattr(actor, "pk", None) else None
    updated = StatementRun.objects.filter(pk=run.pk, status=RunStatus.REVIEW).update(
        status=RunStatus.SENDING, job=job, sent_by=user
    )
    if not updated:
        raise Conflict(_("Only a run in review can be sent."), code="run_not_in_review")
    run.status, run.job = RunStatus.SENDING, job
    audit_record(
        actor=actor, action="statement_run.send", object_type="statement_run", object_id=run.pk
    )
    if background:
        from openar.comms.tasks import send_statement_run

        transaction.on_commit(lambda: _enqueue(send_statement_run, run.pk, job.pk))


def _mail_text(party: Recipient, as_of: dt.date, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = _("Statement of account %(ref)s on %(date)s") % {
            "ref": party.customer_ref,
            "date": as_of.isoformat(),
        }
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": party.customer_name},
                _(
                    "Please find attached the statement of your account %(ref)s on %(date)s: "
                    "every open item, the aging and the balance."
                )
                % {"ref": party.customer_ref, "date": as_of.isoformat()},
                _("If anything on it does not match your records, simply reply to this email."),
                _("Kind regards,") + "\n" + SENDERS.get(language, SENDERS["en"]),
            ]
        )
    return subject, body


def statement_run_send(
    *,
    run: StatementRun,
    actor: Any,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Send every ready statement of ``run`` through the Outbox (each with its PDF) and write the
    run report: counts, failures and skipped statements with their reasons."""
    job = run.job
    ids = list(
        StatementRunLine.objects.filter(run=run, status=LineStatus.READY)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if job is not None:
        job_started(job, steps_total=len(ids))
    try:
        for start in range(0, len(ids), BATCH):
            _send_batch(run, ids[start : start + BATCH], actor=actor, now=now)
            done = min(start + BATCH, len(ids))
            if job is not None:
                job_progress(job, done=done, total=len(ids), step="sending")
            if progress:
                progress(done, len(ids))
    except Exception as exc:
        if job is not None:
            job_failed(job, exc=exc)
        StatementRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000]
        )
        raise
    report = statement_run_report(run)
    run.status, run.report, run.sent_at = RunStatus.DONE, report, timezone.now()
    StatementRun.objects.filter(pk=run.pk).update(
        status=run.status, report=report, sent_at=run.sent_at
    )
    if job is not None:
        job_finished(job, result={k: report[k] for k in REPORT_KEYS})
    audit_record(
        actor=actor,
        action="statement_run.sent",
        object_type="statement_run",
        object_id=run.pk,
        summary=", ".join(f"{report[k]} {k}" for k in REPORT_KEYS),
        after={k: report[k] for k in REPORT_KEYS},
    )
    return report


def _send_batch(run: StatementRun, line_ids: list[int], *, actor: Any, now: Any) -> None:
    lines = list(
        StatementRunLine.objects.filter(id__in=line_ids, status=LineStatus.READY).select_related(
            "customer"
        )
    )
    parties = parties_for([line.customer_id for line in lines])
    messages = []
    for line in lines:
        subject, body = _mail_text(parties[line.customer_id], run.as_of, line.language)
        messages.append(
            OutboxMessage(
                customer_id=line.customer_id,
                channel=line.channel,
                template_code="statement",
                language=line.language,
                to_address=line.to_address,
                subject=subject,
                body=body,
                status=MessageStatus.QUEUED,
                as_of=run.as_of,
            )
        )
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(messages)
        if any(m.pk is None for m in messages):  # backends that return no ids
            by_customer = dict(
                OutboxMessage.objects.filter(
                    template_code="statement",
                    as_of=run.as_of,
                    customer_id__in=[m.customer_id for m in messages],
                    status=MessageStatus.QUEUED,
                ).values_list("customer_id", "id")
            )
            for m in messages:
                m.pk = by_customer[m.customer_id]
        filename = "statement-{ref}-{date}.pdf"
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(
                message_id=m.pk,
                filename=filename.format(ref=line.customer.customer_ref, date=run.as_of),
                content=bytes(line.pdf or b""),
            )
            for m, line in zip(messages, lines, strict=True)
        )
        for m, line in zip(messages, lines, strict=True):
            line.message_id = m.pk
        StatementRunLine.objects.bulk_update(lines, ["message"])
    outbox_send(
        as_of=run.as_of,
        actor=actor,
        ignore_window=True,
        now=now,
        message_ids=[m.pk for m in messages],
    )
    _settle(lines)


def _settle(lines: list[StatementRunLine]) -> None:
    """Each line takes the outcome of its message (a bounced email's letter counts as printed)."""
    states = {
        pk: (status, channel, error)
        for pk, status, channel, error in OutboxMessage.objects.filter(
            id__in=[line.message_id for line in lines]
        ).values_list("id", "status", "channel", "error")
    }
    fallback = dict(
        OutboxMessage.objects.filter(
            fallback_for_id__in=[line.message_id for line in lines], status=MessageStatus.SENT
        ).values_list("fallback_for_id", "id")
    )
    for line in lines:
        status, channel, error = states[line.message_id or 0]
        if status == MessageStatus.SENT:
            line.status = LineStatus.SENT if channel == MessageChannel.EMAIL else LineStatus.PRINTED
            line.reason = error  # test mode says where it went
        elif status == MessageStatus.BOUNCED and line.message_id in fallback:
            line.status = LineStatus.PRINTED
            line.reason = _("the email bounced (%(why)s): printed as a letter") % {"why": error}
        elif status in (MessageStatus.QUEUED, MessageStatus.SENDING):
            line.status = LineStatus.DEFERRED
            line.reason = error or _("not confirmed by the mail server")
        else:
            line.status = LineStatus.FAILED
            line.reason = error or str(status)
        line.reason = line.reason[:300]
    StatementRunLine.objects.bulk_update(lines, ["status", "reason"])


def statement_run_report(run: StatementRun) -> dict[str, Any]:
    """Counts per outcome and the statements that failed, wait, or were skipped or excluded,
    each with its reason."""
    counts = Counter(
        StatementRunLine.objects.filter(run=run).values_list("status", flat=True).iterator()
    )
    problems = [
        {"customer": ref, "name": name, "status": status, "reason": reason}
        for ref, name, status, reason in StatementRunLine.objects.filter(
            run=run,
            status__in=[
                LineStatus.FAILED,
                LineStatus.DEFERRED,
                LineStatus.SKIPPED,
                LineStatus.EXCLUDED,
            ],
        )
        .order_by("status", "customer__customer_ref")
        .values_list("customer__customer_ref", "customer__name", "status", "reason")[:1000]
    ]
    sent = counts[LineStatus.SENT] + counts[LineStatus.PRINTED]
    return {
        "statements": sent + counts[LineStatus.FAILED] + counts[LineStatus.DEFERRED],
        "emailed": counts[LineStatus.SENT],
        "letters": counts[LineStatus.PRINTED],
        "failed": counts[LineStatus.FAILED],
        "deferred": counts[LineStatus.DEFERRED],
        "skipped": counts[LineStatus.SKIPPED],
        "excluded": counts[LineStatus.EXCLUDED],
        "problems": problems,
        "letter_folder": str(settings.OPENAR_LETTER_DIR),
    }
