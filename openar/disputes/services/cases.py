"""Opening a case on a customer's items, routing it, and working it: start, notes, requests for
information (the case waits), answers, attachments and reassignment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from openar.core.audit import actor_label, audit_record
from openar.core.errors import Conflict, ValidationError
from openar.core.money import check_scale, format_amount
from openar.core.reasons import reason_text_default
from openar.disputes.choices import (
    ACTIVE_STATUSES,
    CaseKind,
    CaseStatus,
    InfoParty,
    NoteKind,
    OwnerTeam,
)
from openar.disputes.domain import CaseFacts, RuleDef, due_on, route
from openar.disputes.models import (
    CaseAttachment,
    CaseNote,
    DisputeCase,
    DisputeItem,
    ReasonCode,
    RoutingRule,
)
from openar.disputes.notes import routed_parts
from openar.disputes.selectors import disputed_by_document
from openar.ledger.models import Customer, Document
from openar.ledger.services import documents_dispute_flag

# What an attachment may be: extension -> (content type, leading bytes it must start with).
ALLOWED_ATTACHMENTS: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG"),
    "jpg": ("image/jpeg", b"\xff\xd8"),
    "jpeg": ("image/jpeg", b"\xff\xd8"),
    "eml": ("message/rfc822", b""),
    "msg": ("application/vnd.ms-outlook", b"\xd0\xcf\x11\xe0"),
    "txt": ("text/plain", b""),
    "csv": ("text/csv", b""),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "OPENAR_DISPUTE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def _user(actor: Any) -> Any:
    return actor if hasattr(actor, "pk") else None


def note_add(
    case: DisputeCase,
    kind: str,
    text: str,
    actor: Any,
    *,
    parts: Sequence[Mapping[str, Any]] | None = None,
) -> CaseNote:
    """A line on the case's thread (no audit event of its own: its service records one): a
    person's ``text``, or a system note as ``parts`` (its text in the default language)."""
    stored = [dict(p) for p in parts or ()]
    if stored:
        text = reason_text_default(stored, text)
    return CaseNote.objects.create(
        case=case,
        kind=kind,
        text=text,
        text_parts=stored,
        author=_user(actor),
        author_label=actor_label(actor)[:150],
        created_at=timezone.now(),
    )


def rule_defs() -> list[RuleDef]:
    return [
        RuleDef(
            id=r.pk,
            priority=r.priority,
            reason=r.reason.code if r.reason is not None else None,
            entity_id=r.entity_id,
            customer_id=r.customer_id,
            min_amount=r.min_amount,
            max_amount=r.max_amount,
            owner_team=r.owner_team,
            owner_id=r.owner_id,
        )
        for r in RoutingRule.objects.filter(active=True).select_related("reason")
    ]


def _amount(raw: Any, row: int) -> Decimal:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"item {row + 1}: {raw!r} is not an amount", field=f"items[{row}].amount"
        ) from None
    if not value.is_finite():
        raise ValidationError(f"item {row + 1}: not an amount", field=f"items[{row}].amount")
    return value


@transaction.atomic
def dispute_open(
    *,
    customer: Customer,
    items: Sequence[tuple[Document, Any]],
    reason_code: str,
    description: str,
    opened_on: dt.date,
    actor: Any,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    expected_on: dt.date | None = None,
    note_parts: Sequence[Mapping[str, Any]] | None = None,
) -> DisputeCase:
    """Open a dispute on ``items`` (document, amount) of one customer and route it to its
    owner (``note_parts``: a system note on where it came from, such as an email). Refused,
    writing nothing, for an item of another customer, an item already cleared, an amount above
    what the item has open (less what other open cases dispute), mixed currencies or an unknown
    reason."""
    if not items:
        raise ValidationError("a dispute covers at least one item", field="items")
    reason = ReasonCode.objects.filter(code=(reason_code or "").strip(), active=True).first()
    if reason is None:
        raise ValidationError(f"unknown reason code {reason_code!r}", field="reason_code")
    if len(description or "") > 4000:
        raise ValidationError("the description is longer than 4000 characters", field="description")
    if expected_on is not None and expected_on < opened_on:
        raise ValidationError("the expected resolution date is before today", field="expected_on")
    docs = [doc for doc, _ in items]
    ids = [d.pk for d in docs]
    if len(set(ids)) != len(ids):
        raise ValidationError("an item is listed twice", field="items")
    locked = Document.objects.filter(id__in=sorted(ids)).order_by("id")
    if connection.features.has_select_for_update:
        locked = locked.select_for_update()
    fresh = {d.pk: d for d in locked}
    already = disputed_by_document(document_ids=ids)
    lines: list[tuple[Document, Decimal]] = []
    currency = None
    for row, (doc, raw) in enumerate(items):
        doc = fresh[doc.pk]
        where = f"items[{row}]"
        if doc.customer_id != customer.pk:
            raise ValidationError(
                f"{doc.document_ref} is not an item of {customer.customer_ref}",
                field=f"{where}.document_ref",
            )
        if doc.cleared_date is not None or doc.open_amount <= 0:
            raise Conflict(
                f"{doc.document_ref} is already cleared: nothing is open to dispute",
                code="item_cleared",
                field=f"{where}.document_ref",
            )
        amount = _amount(raw, row)
        if amount <= 0:
            raise ValidationError(
                f"item {row + 1}: the disputed amount must be positive", field=f"{where}.amount"
            )
        try:
            check_scale(amount, doc.currency)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=f"{where}.amount") from None
        available = doc.open_amount - already.get(doc.pk, Decimal(0))
        if amount > available:
            raise ValidationError(
                f"{doc.document_ref}: {format_amount(amount, doc.currency)} is more than the "
                f"{format_amount(max(available, Decimal(0)), doc.currency)} {doc.currency} "
                "open and not already disputed",
                code="above_open_amount",
                field=f"{where}.amount",
            )
        if currency is not None and doc.currency != currency:
            raise ValidationError(
                "the items of one dispute are in one currency", field=f"{where}.document_ref"
            )
        currency = doc.currency
        lines.append((doc, amount))
    assert currency is not None
    total = sum((a for _, a in lines), Decimal(0))
    entity_id = lines[0][0].entity_id
    decision = route(rule_defs(), CaseFacts(reason.code, entity_id, customer.pk, total))
    case = DisputeCase.objects.create(
        kind=CaseKind.DISPUTE,
        customer=customer,
        entity_id=entity_id,
        reason=reason,
        description=(description or "").strip(),
        amount=total,
        currency=currency,
        status=CaseStatus.OPEN,
        owner_team=decision.owner_team,
        owner_id=decision.owner_id,
        rule_id=decision.rule_id,
        contact_name=(contact_name or "").strip()[:200],
        contact_email=(contact_email or "").strip()[:254],
        contact_phone=(contact_phone or "").strip()[:40],
        opened_on=opened_on,
        due_on=due_on(opened_on, reason.sla_days),
        expected_on=expected_on,
        opened_by=_user(actor),
    )
    DisputeItem.objects.bulk_create(
        [DisputeItem(case=case, document=d, amount=a, currency=currency) for d, a in lines]
    )
    note_add(case, NoteKind.ROUTED, "", actor, parts=routed_parts(decision.owner_team, case.owner))
    if note_parts:
        note_add(case, NoteKind.NOTE, "", actor, parts=note_parts)
    documents_dispute_flag(document_ids=ids, disputed=True, actor=actor)
    audit_record(
        actor=actor,
        action="dispute.open",
        object_type="dispute",
        object_id=case.pk,
        summary=f"{customer.customer_ref} {format_amount(total, currency)} {currency} "
        f"({reason.code}) to {decision.owner_team}",
        after={
            "customer": customer.customer_ref,
            "reason": reason.code,
            "amount": format_amount(total, currency),
            "currency": currency,
            "items": {d.document_ref: format_amount(a, currency) for d, a in lines},
            "owner_team": decision.owner_team,
            "owner": case.owner.get_username() if case.owner else None,
            "rule": decision.rule_id,
        },
    )
    return case


def _active(case: DisputeCase) -> None:
    if case.status not in ACTIVE_STATUSES or case.status == CaseStatus.CREDIT_PENDING:
        raise Conflict(
            f"case {case.pk} is {case.get_status_display()}: it is no longer worked",
            field="status",
        )


def _change(
    case: DisputeCase, action: str, fields: dict[str, Any], summary: str, actor: Any
) -> None:
    before = {k: str(getattr(case, k)) for k in fields}
    for key, value in fields.items():
        setattr(case, key, value)
    case.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        object_type="dispute",
        object_id=case.pk,
        summary=summary[:500],
        before=before,
        after={k: str(v) for k, v in fields.items()},
    )


@transaction.atomic
def case_start(*, case: DisputeCase, actor: Any) -> DisputeCase:
    """The owner starts researching (an open case; the owner becomes the person if none)."""
    _active(case)
    fields: dict[str, Any] = {"status": CaseStatus.RESEARCH}
    if case.owner_id is None and _user(actor) is not None:
        fields["owner"] = actor
    _change(case, "dispute.start", fields, f"case {case.pk} in research", actor)
    return case


@transaction.atomic
def case_assign(*, case: DisputeCase, owner_team: str, owner: Any, actor: Any) -> DisputeCase:
    """Route a case by hand to a team and optionally a person."""
    _active(case)
    if owner_team not in OwnerTeam.values:
        raise ValidationError(f"unknown owner team {owner_team!r}", field="owner_team")
    _change(
        case,
        "dispute.assign",
        {"owner_team": owner_team, "owner": owner, "rule": None},
        f"case {case.pk} to {owner_team}",
        actor,
    )
    note_add(case, NoteKind.ROUTED, "", actor, parts=routed_parts(owner_team, owner))
    return case


@transaction.atomic
def case_note_add(*, case: DisputeCase, text: str, actor: Any) -> CaseNote:
    """Add a note to the case's thread."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("the note is empty", field="text")
    if len(text) > 4000:
        raise ValidationError("the note is longer than 4000 characters", field="text")
    note = note_add(case, NoteKind.NOTE, text, actor)
    audit_record(
        actor=actor,
        action="dispute.note",
        object_type="dispute",
        object_id=case.pk,
        summary=text[:200],
    )
    return note


@transaction.atomic
def case_info_request(
    *, case: DisputeCase, party: str, text: str, on: dt.date, actor: Any
) -> DisputeCase:
    """Ask sales or the customer for information: the case waits for the answer."""
    _active(case)
    if party not in InfoParty.values:
        raise ValidationError(f"ask sales or the customer, not {party!r}", field="party")
    text = (text or "").strip()
    if not text:
        raise ValidationError("say what information is needed", field="text")
    _change(
        case,
        "dispute.info_request",
        {"status": CaseStatus.WAITING, "waiting_on": party, "waiting_since": on},
        f"case {case.pk} waits for {party}: {text}",
        actor,
    )
    note_add(case, NoteKind.REQUEST, text, actor)
    return case


@transaction.atomic
def case_info_receive(*, case: DisputeCase, text: str, actor: Any) -> DisputeCase:
    """The answer came in: the case goes back to research."""
    if case.status != CaseStatus.WAITING:
        raise Conflict(f"case {case.pk} is not waiting for information", field="status")
    text = (text or "").strip()
    if not text:
        raise ValidationError("write down the answer", field="text")
    _change(
        case,
        "dispute.info_received",
        {"status": CaseStatus.RESEARCH, "waiting_on": "", "waiting_since": None},
        f"case {case.pk}: answer received",
        actor,
    )
    note_add(case, NoteKind.ANSWER, text, actor)
    return case


@transaction.atomic
def case_attachment_add(
    *, case: DisputeCase, filename: str, content: bytes, actor: Any
) -> CaseAttachment:
    """Keep a file with the case; refused over the size limit or of a type not allowed."""
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name:
        raise ValidationError("the file has no name", field="file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ALLOWED_ATTACHMENTS.get(extension)
    if allowed is None:
        kinds = ", ".join(sorted(ALLOWED_ATTACHMENTS))
        raise ValidationError(
            f"{name}: files of this type are not accepted (accepted: {kinds})",
            code="forbidden_type",
            field="file",
        )
    limit = attachment_max_bytes()
    if len(content) > limit:
        raise ValidationError(
            f"{name} is {len(content):,} bytes; the limit is {limit:,}",
            code="too_large",
            field="file",
        )
    if not content:
        raise ValidationError(f"{name} is empty", field="file")
    content_type, magic = allowed
    if magic and not content.startswith(magic):
        raise ValidationError(
            f"{name} is not a .{extension} file", code="forbidden_type", field="file"
        )
    attachment = CaseAttachment.objects.create(
        case=case,
        filename=name,
        content_type=content_type,
        size=len(content),
        content=content,
        uploaded_by=_user(actor),
        uploaded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="dispute.attachment",
        object_type="dispute",
        object_id=case.pk,
        summary=f"{name} ({len(content)} bytes)",
        after={"filename": name, "size": len(content), "content_type": content_type},
    )
    return attachment
