"""The outbox's table (a row opens the message's preview beside the list) and the templates'."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from openar.comms.choices import LineStatus, MessageStatus, RunScope, RunStatus
from openar.comms.models import MessageTemplate, OutboxMessage, StatementRun, StatementRunLine
from openar.core.tables import BadgeColumn, CustomerColumn, IsoDateColumn

STATUS_BADGES = {
    MessageStatus.QUEUED: "badge-warn",
    MessageStatus.HELD: "badge-warn",
    MessageStatus.SENDING: "badge-danger",
    MessageStatus.SENT: "badge-ok",
    MessageStatus.FAILED: "badge-danger",
    MessageStatus.BOUNCED: "badge-danger",
}


def _preview_url(record: OutboxMessage) -> str:
    return reverse("comms:message_preview", args=[record.pk])


class OutboxTable(tables.Table):
    as_of = IsoDateColumn(verbose_name=_("Cycle date"))
    customer = tables.Column(
        verbose_name=_("Customer"),
        order_by=("customer__customer_ref",),
        attrs={"td": {"class": "wrap"}},
    )
    channel = tables.Column(verbose_name=_("Channel"))
    template_code = tables.Column(verbose_name=_("Template"))
    language = tables.Column(verbose_name=_("Language"))
    to_address = tables.Column(
        verbose_name=_("Recipient"), orderable=False, attrs={"td": {"class": "small"}}
    )
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent"), format="Y-m-d H:i", default="—")

    class Meta:
        model = OutboxMessage
        fields = ()
        sequence = (
            "as_of", "customer", "channel", "template_code", "language", "to_address",
            "status", "sent_at",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "outbox-table"}
        row_attrs = {
            "class": "msg-row",
            "hx-get": _preview_url,
            "hx-target": "#preview",
            "hx-swap": "outerHTML",
        }
        empty_text = _("No messages match.")

    def render_customer(self, value: Any, record: OutboxMessage) -> str:
        return format_html(
            '<a class="mono" href="{}">{}</a> <span class="cust-name">{}</span>',
            _preview_url(record),
            value.customer_ref,
            value.name[:32],
        )

    def render_template_code(self, record: OutboxMessage) -> str:
        return record.template_label

    def render_language(self, value: str) -> str:
        return value.upper()

    def render_to_address(self, value: str) -> str:
        first = value.splitlines()[0] if value else ""
        return first[:30] + ("…" if len(first) > 30 else "") or "—"


class TemplateTable(tables.Table):
    name = tables.Column(verbose_name=_("Template"), attrs={"td": {"class": "wrap"}})
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    channel = tables.Column(verbose_name=_("Channel"))
    languages = tables.Column(
        verbose_name=_("Languages (active version)"), accessor="pk", orderable=False
    )
    steps_using = tables.Column(verbose_name=_("Strategy steps"), attrs={"td": {"class": "num"}})
    changed_at = tables.DateTimeColumn(
        verbose_name=_("Last saved"), format="Y-m-d H:i", default="—"
    )

    class Meta:
        model = MessageTemplate
        fields = ()
        sequence = ("name", "code", "channel", "languages", "steps_using", "changed_at")
        attrs = {"class": "data-table", "id": "template-table"}
        empty_text = _("No templates match.")

    def render_name(self, record: MessageTemplate) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("templates:edit", args=[record.code]), record.label
        )

    def render_languages(self, record: MessageTemplate) -> str:
        active = getattr(record, "active", [])
        if not active:
            return format_html('<span class="badge badge-warn">{}</span>', _("no text yet"))
        return format_html_join(
            " ",
            '<span class="badge" title="{}">{} v{}</span>',
            (
                (
                    _("Saved %(when)s by %(who)s")
                    % {
                        "when": v.created_at.strftime("%Y-%m-%d %H:%M"),
                        "who": v.created_by or _("OpenAR"),
                    },
                    v.language.upper(),
                    v.number,
                )
                for v in active
            ),
        )


RUN_BADGES = {
    RunStatus.PREPARING: "badge-warn",
    RunStatus.REVIEW: "badge-warn",
    RunStatus.SENDING: "badge-warn",
    RunStatus.DONE: "badge-ok",
    RunStatus.FAILED: "badge-danger",
}
LINE_BADGES = {
    LineStatus.READY: "badge-warn",
    LineStatus.SENT: "badge-ok",
    LineStatus.PRINTED: "badge-ok",
    LineStatus.FAILED: "badge-danger",
    LineStatus.DEFERRED: "badge-danger",
}


class StatementRunTable(tables.Table):
    id = tables.Column(
        verbose_name=_("Run"), linkify=("comms:statement_run", {"pk": tables.A("pk")})
    )
    as_of = IsoDateColumn(verbose_name=_("Statement date"))
    scope = tables.Column(verbose_name=_("Customers"), order_by=("scope", "scope_value"))
    status = BadgeColumn(verbose_name=_("Status"), classes=RUN_BADGES)
    created_by = tables.Column(verbose_name=_("Started by"), default="—")
    created_at = tables.DateTimeColumn(verbose_name=_("Started"), format="Y-m-d H:i")
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent"), format="Y-m-d H:i", default="—")

    class Meta:
        model = StatementRun
        fields = ()
        sequence = ("id", "as_of", "scope", "status", "created_by", "created_at", "sent_at")
        attrs = {"class": "data-table", "id": "statement-run-table"}
        empty_text = _("No statement runs yet.")

    def render_id(self, value: int) -> str:
        return f"#{value}"

    def render_scope(self, record: StatementRun) -> str:
        return scope_text(record)

    def render_created_by(self, value: Any) -> str:
        return value.get_full_name() or value.username


def scope_text(run: StatementRun) -> str:
    """What a run covers, as a person reads it."""
    if run.scope == RunScope.ALL:
        return str(_("All customers"))
    labels = {
        RunScope.ENTITY: _("Entity %(value)s"),
        RunScope.COLLECTOR: _("Portfolio of %(value)s"),
        RunScope.REGION: _("Customers in %(value)s"),
    }
    return str(labels[RunScope(run.scope)]) % {"value": run.scope_value}


class StatementLineTable(tables.Table):
    customer = CustomerColumn(verbose_name=_("Customer"), order_by=("customer__customer_ref",))
    channel = tables.Column(verbose_name=_("Sent by"))
    to_address = tables.Column(
        verbose_name=_("Recipient"), orderable=False, attrs={"td": {"class": "small wrap"}}
    )
    items = tables.Column(verbose_name=_("Open items"), attrs={"td": {"class": "num"}})
    balance = tables.Column(
        verbose_name=_("Balance"), orderable=False, attrs={"td": {"class": "num small"}}
    )
    status = BadgeColumn(verbose_name=_("Status"), classes=LINE_BADGES)
    reason = tables.Column(
        verbose_name=_("Note"), orderable=False, attrs={"td": {"class": "small wrap"}}
    )
    actions = tables.TemplateColumn(
        template_name="comms/_statement_line_actions.html",
        verbose_name="",
        orderable=False,
        attrs={"td": {"class": "row-actions"}},
    )

    class Meta:
        model = StatementRunLine
        fields = ()
        sequence = (
            "customer", "channel", "to_address", "items", "balance", "status", "reason", "actions",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "statement-line-table"}
        empty_text = _("No statements match.")

    def render_to_address(self, value: str) -> str:
        lines = [line for line in value.splitlines() if line]
        return " · ".join(lines[1:3] if len(lines) > 2 else lines) or "—"

    def render_reason(self, value: str) -> str:
        return gettext(value) if value else "—"  # a stored reason in English is translated
