"""The Jobs page's table: one row per background run, with its progress."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from openar.core.models import JobRun, JobStatus
from openar.core.tables import BadgeColumn, IsoDateColumn

# Figures right-aligned; their headers wrap so the table fits the page in Spanish too.
FIGURE = {"td": {"class": "num"}, "th": {"class": "num wrap-head"}}
STATUS_BADGES = {
    JobStatus.DONE: "badge-ok",
    JobStatus.FAILED: "badge-danger",
    JobStatus.RUNNING: "badge-warn",
}


# What each kind of background run is called on the page.
JOB_NAMES = {
    "daily": _("Daily cycle"),
    "statement_run": _("Statement run (preparing)"),
    "statement_send": _("Statement run (sending)"),
}


class JobColumn(tables.Column):
    def render(self, record: JobRun) -> str:
        name = JOB_NAMES.get(record.kind) or record.kind.replace("_", " ").capitalize()
        return format_html(
            '<a href="{}">{} #{}</a>', reverse("jobs:detail", args=[record.pk]), name, record.pk
        )


class ProgressColumn(tables.Column):
    """The progress bar, the step a run is on, and the error of a failed run."""

    def render(self, record: JobRun) -> str:
        if record.status == JobStatus.RUNNING:
            note = gettext("step %(done)s of %(total)s: %(step)s") % {
                "done": record.steps_done,
                "total": record.steps_total,
                "step": record.current_step,
            }
        elif record.status == JobStatus.QUEUED:
            note = gettext("waiting for the worker")
        else:
            note = ""
        bar = format_html(
            '<div class="progress progress-{}" role="progressbar" aria-valuenow="{}" '
            'aria-valuemin="0" aria-valuemax="100"><span style="width: {}%"></span></div>'
            '<div class="job-step">{}</div>',
            record.status,
            record.percent,
            record.percent,
            note,
        )
        if record.status == JobStatus.FAILED and record.error:
            return format_html(
                '{}<pre class="job-error">{}</pre>', bar, truncatechars(record.error, 600)
            )
        return bar


class StartedByColumn(tables.Column):
    def render(self, value: Any) -> str:
        return value.get_full_name() or value.get_username()


def _command_line() -> str:
    return format_html('<span class="muted">{}</span>', gettext("command line"))


class StartedColumn(tables.Column):
    """When the worker took the run up; when it is still waiting, when it was asked for."""

    def render(self, record: JobRun) -> str:
        return date_format(localtime(record.started_at or record.created_at), "Y-m-d H:i:s")


def _figure(key: str, verbose_name: Any) -> tables.Column:
    """A figure of the run's result; a dash while it has none."""
    return tables.Column(
        verbose_name=verbose_name,
        accessor=f"result__{key}",
        order_by=(f"result__{key}",),
        default="—",
        attrs=FIGURE,
    )


class JobRunTable(tables.Table):
    job = JobColumn(verbose_name=_("Job"), accessor="pk", order_by=("id",))
    as_of = IsoDateColumn(verbose_name=_("As of"))
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)
    progress = ProgressColumn(verbose_name=_("Progress"), accessor="pk", orderable=False)
    started_by = StartedByColumn(
        verbose_name=_("Started by"),
        order_by=("started_by__username",),
        default=_command_line,
        attrs={"td": {"class": "wrap"}, "th": {"class": "wrap-head"}},
    )
    started = StartedColumn(
        verbose_name=_("Started"), accessor="pk", order_by=("started_at", "created_at")
    )
    seconds = _figure("seconds", _("Seconds"))
    actions_created = _figure("actions_created", _("Actions created"))
    queue_items = _figure("queue_items", _("Queue items"))

    class Meta:
        model = JobRun
        fields = ()
        attrs = {"class": "data-table", "id": "job-table"}
        row_attrs = {"class": "job-row", "data-status": lambda record: record.status}
        empty_text = _("No runs yet.")
