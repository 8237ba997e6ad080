"""Message template endpoints: the list, one template with its texts and versions, a new
template, and a new version of a text (checked like the editor: an unknown merge field or a
syntax error is a 400 naming the field and the line).

Thin by design: parse, call one selector or service, serialize."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from openar.comms.models import MessageTemplate, TemplateVersion
from openar.comms.selectors import template_list
from openar.comms.services import TEMPLATE_EDITORS, template_create, template_version_save
from openar.core.errors import NotFound
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS

router = Router(tags=["message templates"])
READERS = (Role.COLLECTOR, Role.MANAGER)
_READ_MESSAGE = "only collectors and collections managers can read templates"
_EDIT_MESSAGE = "only a collections manager or an administrator can change templates"


class TextOut(Schema):
    language: str
    version: int
    subject: str
    body: str
    saved_at: dt.datetime
    saved_by: str | None = Field(None, description="username; null for the shipped text")
    restored_from: int | None = None


class VersionOut(Schema):
    language: str
    version: int
    active: bool
    saved_at: dt.datetime
    saved_by: str | None = None
    restored_from: int | None = None


class TemplateRowOut(Schema):
    code: str
    name: str
    channel: str
    languages: dict[str, int] = Field(description="language: active version number")
    steps_using: int = Field(description="strategy steps that name this template")


class TemplateOut(Schema):
    code: str
    name: str
    channel: str
    texts: list[TextOut] = Field(description="the active text in each language")
    versions: list[VersionOut] = Field(description="every version, newest first per language")


class TemplateFilters(Schema):
    q: str | None = Field(None, description="part of the code or name")
    channel: str | None = Field(None, description="email or letter")


class TemplateIn(Schema):
    code: str
    name: str
    channel: str = Field(description="email or letter")


class VersionIn(Schema):
    language: str = Field(description="en or es")
    subject: str
    body: str


def _user(version: TemplateVersion) -> str | None:
    return version.created_by.username if version.created_by else None


def _text(v: TemplateVersion) -> dict[str, Any]:
    return {
        "language": v.language,
        "version": v.number,
        "subject": v.subject,
        "body": v.body,
        "saved_at": v.created_at,
        "saved_by": _user(v),
        "restored_from": v.restored_from,
    }


def _row(t: MessageTemplate) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.label,
        "channel": t.channel,
        "languages": {v.language: v.number for v in getattr(t, "active", [])},
        "steps_using": getattr(t, "steps_using", 0),
    }


def _template(code: str) -> MessageTemplate:
    template = MessageTemplate.objects.filter(code=code).first()
    if template is None:
        raise NotFound(f"no template with the code {code!r}", field="code")
    return template


def _detail(template: MessageTemplate) -> dict[str, Any]:
    versions = list(
        TemplateVersion.objects.filter(template=template)
        .select_related("created_by")
        .order_by("language", "-number")
    )
    return {
        "code": template.code,
        "name": template.label,
        "channel": template.channel,
        "texts": [_text(v) for v in versions if v.is_active],
        "versions": [
            {
                "language": v.language,
                "version": v.number,
                "active": v.is_active,
                "saved_at": v.created_at,
                "saved_by": _user(v),
                "restored_from": v.restored_from,
            }
            for v in versions
        ],
    }


@router.get("/templates", response={200: list[TemplateRowOut], **ERRORS}, summary="Templates")
@paginate(LimitOffset)
def templates(request: HttpRequest, filters: Query[TemplateFilters]) -> Rows:
    """Message templates by code, with the active version of each language."""
    api_check_role(request, *READERS, message=_READ_MESSAGE)
    return Rows(template_list(q=filters.q or "", channel=filters.channel or ""), _row)


@router.get("/templates/{code}", response={200: TemplateOut, **ERRORS}, summary="One template")
def template_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One template: its active text in each language and every version."""
    api_check_role(request, *READERS, message=_READ_MESSAGE)
    return _detail(_template(code))


@router.post("/templates", response={201: TemplateOut, **ERRORS}, summary="New template")
def template_new(request: HttpRequest, data: TemplateIn) -> Status[dict[str, Any]]:
    """A new template, with no text yet (collections managers and administrators)."""
    user = api_check_role(request, *TEMPLATE_EDITORS, message=_EDIT_MESSAGE)
    template = template_create(code=data.code, name=data.name, channel=data.channel, actor=user)
    return Status(201, _detail(template))


@router.post(
    "/templates/{code}/versions",
    response={201: TextOut, 200: TextOut, **ERRORS},
    summary="Save a new version of a text",
)
def template_version_new(
    request: HttpRequest, code: str, data: VersionIn
) -> Status[dict[str, Any]]:
    """Save ``subject`` and ``body`` as the new active version in ``language`` (201). A text
    equal to the active one saves nothing (200, the active version). An unknown merge field or
    a syntax error: 400 with ``field`` ``subject`` or ``body`` and the line and field named."""
    user = api_check_role(request, *TEMPLATE_EDITORS, message=_EDIT_MESSAGE)
    template = _template(code)
    before = TemplateVersion.objects.filter(
        template=template, language=data.language, is_active=True
    ).first()
    version = template_version_save(
        template=template,
        language=data.language,
        subject=data.subject,
        body=data.body,
        actor=user,
    )
    unchanged = before is not None and before.pk == version.pk
    return Status(200 if unchanged else 201, _text(version))
