"""Message templates: creating one, saving a new version of its text, restoring an old one.

Only collections managers and administrators change templates (``TEMPLATE_EDITORS``). A text
is checked before it is saved: an unknown merge field or a syntax error refuses the save with
the field (``subject`` or ``body``) and the line named, and nothing is written."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openar.comms.choices import MessageChannel
from openar.comms.domain import LANGUAGES
from openar.comms.merge import FIELD_NAMES, ITEMS, Problem, template_problems
from openar.comms.models import MessageTemplate, TemplateVersion
from openar.comms.template_defaults import DEFAULTS
from openar.core.audit import audit_record
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.roles import Role, has_role

TEMPLATE_EDITORS = (Role.MANAGER, Role.ADMIN)
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def _check_editor(actor: Any) -> None:
    # The daily cycle and scripts pass a plain name as actor; only people are checked.
    if hasattr(actor, "is_authenticated") and not has_role(actor, *TEMPLATE_EDITORS):
        raise PermissionDenied(
            "only a collections manager or an administrator can change templates"
        )


def text_problems(*, subject: str, body: str) -> list[tuple[str, Problem]]:
    """Every problem of a template text, as ``(form field, problem)``: the subject first."""
    found = [("subject", p) for p in template_problems(subject, allow=FIELD_NAMES - {ITEMS})]
    found += [("body", p) for p in template_problems(body)]
    return found


def _check_text(subject: str, body: str) -> None:
    if not subject.strip():
        raise ValidationError("the subject is empty", field="subject")
    if len(subject) > 300:
        raise ValidationError("the subject is longer than 300 characters", field="subject")
    if "\n" in subject.strip():
        raise ValidationError("the subject must be one line", field="subject")
    if not body.strip():
        raise ValidationError("the body is empty", field="body")
    problems = text_problems(subject=subject, body=body)
    if problems:
        where, first = problems[0]
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ValidationError(f"{where}, {first.message}{suffix}", field=where)


@transaction.atomic
def template_create(*, code: str, name: str, channel: str, actor: Any) -> MessageTemplate:
    """A new template (no text yet: save a version in each language next)."""
    _check_editor(actor)
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if not _CODE.match(code) or len(code) > 80:
        raise ValidationError(
            "the code must be lower-case letters, digits, '-' or '_' (at most 80)", field="code"
        )
    if not name:
        raise ValidationError("the name is empty", field="name")
    if channel not in MessageChannel.values:
        raise ValidationError(f"unknown channel {channel!r}: email or letter", field="channel")
    if MessageTemplate.objects.filter(code=code).exists():
        raise Conflict(f"a template with the code {code!r} exists already", field="code")
    template = MessageTemplate.objects.create(code=code, name=name[:120], channel=channel)
    audit_record(
        actor=actor,
        action="template.create",
        object_type="message_template",
        object_id=code,
        after={"code": code, "name": template.name, "channel": channel},
    )
    return template


def _add_version(
    *,
    template: MessageTemplate,
    language: str,
    subject: str,
    body: str,
    actor: Any,
    restored_from: int | None = None,
) -> TemplateVersion:
    # Lock the template so two saves never take the same number.
    MessageTemplate.objects.select_for_update().filter(pk=template.pk).first()
    versions = TemplateVersion.objects.filter(template=template, language=language)
    current = versions.filter(is_active=True).first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    versions.filter(is_active=True).update(is_active=False)
    user = actor if getattr(actor, "is_authenticated", False) else None
    version = TemplateVersion.objects.create(
        template=template,
        language=language,
        number=number,
        subject=subject,
        body=body,
        is_active=True,
        restored_from=restored_from,
        created_by=user,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="template.restore" if restored_from else "template.save",
        object_type="message_template",
        object_id=f"{template.code}/{language}",
        summary=f"version {number}"
        + (f", restored from version {restored_from}" if restored_from else ""),
        before={"version": current.number, "subject": current.subject, "body": current.body}
        if current
        else None,
        after={"version": number, "subject": subject, "body": body},
    )
    return version


@transaction.atomic
def template_version_save(
    *, template: MessageTemplate, language: str, subject: str, body: str, actor: Any
) -> TemplateVersion:
    """Save ``subject`` and ``body`` as the new active version of ``template`` in
    ``language``. A text equal to the active one adds nothing (the active version comes back)."""
    _check_editor(actor)
    if language not in LANGUAGES:
        raise ValidationError(
            f"unknown language {language!r}: one of {', '.join(LANGUAGES)}", field="language"
        )
    subject = (subject or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    _check_text(subject, body)
    current = TemplateVersion.objects.filter(
        template=template, language=language, is_active=True
    ).first()
    if current is not None and (current.subject, current.body) == (subject, body):
        return current
    return _add_version(
        template=template, language=language, subject=subject, body=body, actor=actor
    )


@transaction.atomic
def template_version_restore(*, version: TemplateVersion, actor: Any) -> TemplateVersion:
    """Make an older version's text active again, as a new version (the history keeps both)."""
    _check_editor(actor)
    version = TemplateVersion.objects.select_related("template").get(pk=version.pk)
    if version.is_active:
        raise Conflict(f"version {version.number} is the active version already")
    # A text saved before a merge field was retired must not come back unchecked.
    _check_text(version.subject, version.body)
    return _add_version(
        template=version.template,
        language=version.language,
        subject=version.subject,
        body=version.body,
        actor=actor,
        restored_from=version.number,
    )


@transaction.atomic
def templates_load_defaults(*, actor: Any) -> int:
    """Give each shipped template (``template_defaults.DEFAULTS``) that is missing, or has no
    text in a language it ships in, its shipped text as a version there. Returns the number of
    versions written; run twice, the second run writes none."""
    written = 0
    for default in DEFAULTS.values():
        template, _created = MessageTemplate.objects.get_or_create(
            code=default.code, defaults={"name": default.name, "channel": default.channel}
        )
        for language in default.body:
            if TemplateVersion.objects.filter(template=template, language=language).exists():
                continue
            _add_version(
                template=template,
                language=language,
                subject=default.subject[language],
                body=default.body[language],
                actor=actor,
            )
            written += 1
    return written
