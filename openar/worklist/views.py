"""Queue pages: "My queue" (keyboard-friendly, log a call and re-rank), and the manager's views:
every collector's queue, portfolios and balancing, absence cover, weights and capacity,
productivity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, check_role, has_role, role_required
from openar.ledger.models import Customer
from openar.worklist.filters import CollectorQueueFilterSet
from openar.worklist.forms import (
    AbsenceForm,
    AssignForm,
    BalanceForm,
    DayForm,
    LogCallForm,
    RuleForm,
    TargetForm,
    WeightsForm,
)
from openar.worklist.models import (
    Absence,
    CollectorProfile,
    PortfolioRule,
    RankingWeights,
    WorkItem,
)
from openar.worklist.selectors import (
    collector_users,
    customer_work_items,
    latest_queue_date,
    portfolio_loads,
    productivity,
    queue_for_collector,
)
from openar.worklist.services import (
    absence_cancel,
    absence_record,
    collector_profile_set,
    portfolio_assign,
    portfolio_balance,
    portfolio_rule_add,
    portfolio_rule_delete,
    portfolio_rules_apply,
    queues_rebuild,
    ranking_weights_update,
    work_item_close,
    work_item_log_call,
)
from openar.worklist.tables import CollectorQueueTable

WAITING_SHOWN = 200
MANAGER = (Role.MANAGER,)
WORKERS = (Role.COLLECTOR, Role.MANAGER)


MANAGER_ONLY = gettext_lazy("Only a collections manager can open this page.")
WORKERS_ONLY = gettext_lazy("The queues are for collectors and collections managers.")
manager_required = role_required(*MANAGER, message=MANAGER_ONLY)
worker_required = role_required(*WORKERS, message=WORKERS_ONLY)


def _is_manager(request: HttpRequest) -> bool:
    return has_role(request.user, *MANAGER)


def _queue_date() -> dt.date:
    return latest_queue_date() or dates.today()


def _user_or_404(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Http404(_("No such collector"))
    return user


@worker_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """A collector's queue: today's items in priority order with reasons, then the waiting ones.
    Managers may open anyone's queue with ``?collector=username``."""
    collector: Any = request.user
    wanted = request.GET.get("collector", "").strip()
    if wanted and wanted != request.user.get_username():
        check_role(
            request.user, *MANAGER, message=_("Only a collections manager can open another queue.")
        )
        collector = _user_or_404(wanted)
    return _render_queue(request, collector)


def _render_queue(request: HttpRequest, collector: Any, form: LogCallForm | None = None) -> Any:
    as_of = _queue_date()
    queue = queue_for_collector(collector=collector, as_of=as_of)
    return render(
        request,
        "worklist/queue.html",
        {
            "queue": queue,
            "collector": collector,
            "own": collector.pk == request.user.pk,
            "is_manager": _is_manager(request),
            "form": form or LogCallForm(),
            "as_of": as_of,
            "tab": "queue",
            # The waiting list can run to hundreds; the first ones are what tomorrow brings.
            "waiting_shown": queue.waiting[:WAITING_SHOWN],
            "waiting_hidden": max(0, len(queue.waiting) - WAITING_SHOWN),
        },
    )


def _seen(request: HttpRequest) -> list[int] | None:
    """The action ids the page showed for the item (the optimistic check), if it sent them."""
    text = request.POST.get("seen", "")
    ids = [int(part) for part in text.split(",") if part.strip().isdigit()]
    return ids or None


def _posted_item(request: HttpRequest, pk: int) -> Any:
    """The queue item posted to, or None when the queue was rebuilt meanwhile (someone worked
    the account): the page then shows the queue as it is now."""
    item = WorkItem.objects.select_related("collector", "customer").filter(pk=pk).first()
    if item is None:
        messages.warning(
            request, _("This account was worked meanwhile; the queue shows what is left.")
        )
        return None
    if item.collector_id != request.user.pk and not _is_manager(request):
        raise PermissionDenied(_("This item is in another collector's queue."))
    return item


def _back_to_queue(request: HttpRequest, collector: Any) -> HttpResponse:
    url = reverse("worklist:queue")
    if collector.pk != request.user.pk:
        url += f"?collector={collector.get_username()}"
    return redirect(url)


@worker_required
@require_POST
def log_call_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the call made for a work item, close its task and re-rank the collector's queue."""
    item = _posted_item(request, pk)
    if item is None:
        return _render_queue(request, request.user)
    collector = item.collector or request.user
    form = LogCallForm(request.POST)
    if form.is_valid():
        try:
            logged = work_item_log_call(
                item=item,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                promise_amount=form.cleaned_data.get("promise_amount"),
                promise_date=form.cleaned_data.get("promise_date"),
                as_of=item.as_of,
                actor=request.user,
                seen=_seen(request),
            )
        except OpenARError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Call logged for %(customer)s; queue re-ranked (%(n)d items).")
                % {"customer": item.customer.name, "n": logged.queue_items},
            )
            if not request.htmx:  # type: ignore[attr-defined]
                return _back_to_queue(request, collector)
            form = LogCallForm()
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{item.customer.name}: {error}")
    return _render_queue(request, collector, form)


@worker_required
@require_POST
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a queue item's tasks with an outcome (done, not needed) and a note."""
    item = _posted_item(request, pk)
    if item is None:
        return _render_queue(request, request.user)
    collector = item.collector or request.user
    try:
        work_item_close(
            item=item,
            user=request.user,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", "")[:2000],
            actor=request.user,
            seen=_seen(request),
        )
    except OpenARError as exc:
        messages.error(request, f"{item.customer.name}: {exc.message}")
    else:
        messages.success(
            request, _("Task closed for %(customer)s.") % {"customer": item.customer.name}
        )
        if not request.htmx:  # type: ignore[attr-defined]
            return _back_to_queue(request, collector)
    return _render_queue(request, collector)


class CollectorQueueListView(ObjectListView):
    """Every collector's queue at a glance: work today and waiting, calls against the target,
    the portfolio's past due and who is away."""

    roles = MANAGER
    role_message = MANAGER_ONLY
    filterset_class = CollectorQueueFilterSet
    table_class = CollectorQueueTable
    template_name = "worklist/collectors.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.as_of = _queue_date()

    def get_queryset(self) -> QuerySet[Any]:
        return get_user_model().objects.all()

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"as_of": self.as_of}

    def count_text(self, count: int) -> str:
        return ngettext("%(n)s collector", "%(n)s collectors", count) % {"n": count}

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "currency": settings.OPENAR_REPORTING_CURRENCY,
            "tab": "collectors",
        }


collectors_view = CollectorQueueListView.as_view()


def _names(ids: Any) -> dict[Any, Any]:
    users = get_user_model().objects.filter(id__in=[i for i in ids if i is not None])
    return {u.pk: u for u in users}


def _portfolios_page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    """The portfolios page; an action view passes its bound form or its preview in ``context``."""
    loads = portfolio_loads(as_of=dates.today())
    users = _names(loads.keys())
    load_rows = sorted(
        (
            {"user": users.get(uid), "load": load}
            for uid, load in loads.items()
            if uid is None or uid in users
        ),
        key=lambda r: (r["user"] is None, r["user"].get_username() if r["user"] else ""),
    )
    page = {
        "tab": "portfolios",
        "load_rows": load_rows,
        "assign_form": AssignForm(prefix="assign"),
        "rule_form": RuleForm(prefix="rule"),
        "balance_form": BalanceForm(prefix="balance"),
        "rules": PortfolioRule.objects.select_related("entity", "collector"),
        "rules_preview": None,
        "balance": None,
    }
    return render(request, "worklist/portfolios.html", page | context, status=status)


def _back_to_portfolios(request: HttpRequest, exc: OpenARError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("worklist:portfolios")


@manager_required
@require_GET
def portfolios_view(request: HttpRequest) -> HttpResponse:
    """Workload by collector, assignment rules and balancing; each form posts to its own view."""
    return _portfolios_page(
        request, balance_form=BalanceForm(request.GET or None, prefix="balance")
    )


@manager_required
@require_POST
def portfolio_assign_view(request: HttpRequest) -> HttpResponse:
    """Assign one account (with its whole group) to a collector, or leave it unassigned."""
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        data = form.cleaned_data
        customer = Customer.objects.filter(customer_ref=data["customer_ref"]).first()
        if customer is None:
            form.add_error("customer_ref", _("No such customer"))
        else:
            target = _user_or_404(data["collector"]) if data["collector"] else None
            try:
                result = portfolio_assign(customer=customer, collector=target, actor=request.user)
            except OpenARError as exc:
                return _back_to_portfolios(request, exc)
            messages.success(
                request, _("%(n)d accounts of the group reassigned.") % {"n": result.changed}
            )
            return redirect("worklist:portfolios")
    return _portfolios_page(request, assign_form=form)


@manager_required
@require_POST
def portfolio_rule_add_view(request: HttpRequest) -> HttpResponse:
    """Add an assignment rule."""
    form = RuleForm(request.POST, prefix="rule")
    if form.is_valid():
        data = form.cleaned_data
        try:
            portfolio_rule_add(
                collector=_user_or_404(data["collector"]),
                actor=request.user,
                order=data["order"],
                entity=data["entity"] or "",
                segment=data["segment"],
                country=data["country"],
                language=data["language"],
            )
        except OpenARError as exc:
            return _back_to_portfolios(request, exc)
        messages.success(request, _("Rule added."))
        return redirect("worklist:portfolios")
    return _portfolios_page(request, rule_form=form)


@manager_required
@require_POST
def portfolio_rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an assignment rule."""
    rule = get_object_or_404(PortfolioRule, pk=pk)
    try:
        portfolio_rule_delete(rule=rule, actor=request.user)
    except OpenARError as exc:
        return _back_to_portfolios(request, exc)
    messages.success(request, _("Rule deleted."))
    return redirect("worklist:portfolios")


@manager_required
@require_POST
def portfolio_rules_apply_view(request: HttpRequest) -> HttpResponse:
    """Preview the rules (how many accounts would move), or apply them with ``apply``."""
    try:
        result = portfolio_rules_apply(actor=request.user, apply="apply" in request.POST)
    except OpenARError as exc:
        return _back_to_portfolios(request, exc)
    if result.applied:
        text = _("%(n)d accounts reassigned by the rules.")
        messages.success(request, text % {"n": result.changed})
        return redirect("worklist:portfolios")
    return _portfolios_page(request, rules_preview=result)


@manager_required
@require_POST
def portfolio_balance_view(request: HttpRequest) -> HttpResponse:
    """Preview how balancing would split the chosen collectors' accounts, or apply it with
    ``apply``."""
    form = BalanceForm(request.POST, prefix="balance")
    if not form.is_valid():
        return _portfolios_page(request, balance_form=form)
    collectors = [_user_or_404(n) for n in form.cleaned_data["collectors"]]
    try:
        result = portfolio_balance(
            as_of=dates.today(),
            collectors=collectors,
            actor=request.user,
            entity=form.cleaned_data["entity"] or None,
            apply="apply" in request.POST,
        )
    except OpenARError as exc:
        return _back_to_portfolios(request, exc)
    if result.applied:
        messages.success(
            request,
            _("%(n)d accounts moved to balance the portfolios.") % {"n": len(result.changes)},
        )
        return redirect("worklist:portfolios")
    return _portfolios_page(request, balance_form=form, balance=_balance_rows(result, collectors))


def _balance_rows(result: Any, collectors: list[Any]) -> dict[str, Any]:
    plan = result.plan
    return {
        "rows": [
            {"user": c, "before": plan.before[c.pk], "after": plan.after[c.pk]} for c in collectors
        ],
        "moved": len(result.changes),
        "groups": plan.moved_units,
        "spread": {
            m: (plan.spread(m, after=False), plan.spread(m))
            for m in ("accounts", "past_due", "calls")
        },
        "usernames": [c.get_username() for c in collectors],
    }


@manager_required
def cover_view(request: HttpRequest) -> HttpResponse:
    """Absence cover: who works whose queue, from when to when."""
    form = AbsenceForm(prefix="absence")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                absence = get_object_or_404(Absence, pk=request.POST.get("absence"))
                absence_cancel(absence=absence, actor=request.user)
                messages.success(request, _("Absence cancelled."))
                return redirect("worklist:cover")
            form = AbsenceForm(request.POST, prefix="absence")
            if form.is_valid():
                data = form.cleaned_data
                absence_record(
                    collector=data["collector"],
                    cover=data["cover"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    note=data["note"],
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Absence recorded. Queues move to the cover when they are next rebuilt."),
                )
                return redirect("worklist:cover")
        except OpenARError as exc:
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
    since = dates.today() - dt.timedelta(days=30)
    absences = Absence.objects.filter(end_date__gte=since).select_related("collector", "cover")
    return render(
        request,
        "worklist/cover.html",
        {"tab": "cover", "form": form, "absences": absences, "today": dates.today()},
    )


@manager_required
def weights_view(request: HttpRequest) -> HttpResponse:
    """Ranking weights and each collector's daily call target."""
    row = RankingWeights.objects.filter(key="default").first() or RankingWeights(key="default")
    weights_form = WeightsForm(instance=row, prefix="w")
    target_form = TargetForm(prefix="t")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "weights":
                weights_form = WeightsForm(request.POST, instance=row, prefix="w")
                if weights_form.is_valid():
                    ranking_weights_update(
                        weights={
                            name: weights_form.cleaned_data[name]
                            for name in weights_form.Meta.fields
                        },
                        actor=request.user,
                    )
                    messages.success(
                        request, _("Weights saved. They apply when queues are next rebuilt.")
                    )
                    return redirect("worklist:weights")
            elif action == "target":
                target_form = TargetForm(request.POST, prefix="t")
                if target_form.is_valid():
                    collector_profile_set(
                        user=target_form.cleaned_data["collector"],
                        daily_target=target_form.cleaned_data["daily_target"],
                        actor=request.user,
                    )
                    messages.success(request, _("Daily target saved."))
                    return redirect("worklist:weights")
            elif action == "rebuild":
                n = queues_rebuild(as_of=_queue_date(), actor=request.user)
                messages.success(request, _("Queues rebuilt: %(n)d work items.") % {"n": n})
                return redirect("worklist:weights")
        except OpenARError as exc:
            messages.error(request, exc.message)
    profiles = {p.user_id: p for p in CollectorProfile.objects.all()}
    collectors = [{"user": u, "profile": profiles.get(u.pk)} for u in collector_users()]
    return render(
        request,
        "worklist/weights.html",
        {
            "tab": "weights",
            "weights_form": weights_form,
            "target_form": target_form,
            "collectors": collectors,
        },
    )


@worker_required
def productivity_view(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None)
    day = dates.today()
    if form.is_valid() and form.cleaned_data.get("date"):
        day = form.cleaned_data["date"]
    rows = productivity(day=day)
    return render(
        request,
        "worklist/productivity.html",
        {
            "tab": "productivity",
            "form": form,
            "day": day,
            "rows": rows,
            "currency": rows[0].currency if rows else "",
            "is_manager": _is_manager(request),
        },
    )


def customer_panel(request: HttpRequest, customer: Any, as_of: Any) -> str:
    """The account's open work items on the customer page."""
    items = customer_work_items(customer=customer)
    if not items:
        return ""
    return render_to_string("worklist/_panel.html", {"items": items}, request=request)
