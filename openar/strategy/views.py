"""Strategy pages: list, editor, simulation, activate/deactivate, import/export, actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, check_role, has_role, role_required
from openar.strategy import editor
from openar.strategy.choices import StepKind, StepTrigger
from openar.strategy.domain.definitions import RISK_CLASSES
from openar.strategy.filters import ActionFilterSet, StrategyFilterSet
from openar.strategy.models import Action, Strategy
from openar.strategy.selectors import (
    last_run,
    strategies_export,
    strategy_def,
    strategy_simulate,
)
from openar.strategy.services import (
    StrategyInvalid,
    dump_document,
    parse_document,
    strategies_import,
    strategy_delete,
    strategy_save,
    strategy_set_active,
)
from openar.strategy.tables import ActionTable, StrategyTable

SIMULATION_ROWS = 500


EDIT_DENIED = gettext_lazy("Only a collections manager can change strategies.")


def _can_edit(request: HttpRequest) -> bool:
    return has_role(request.user, Role.MANAGER)


def _get_strategy(code: str) -> Strategy:
    strategy = Strategy.objects.filter(code=code).first()
    if strategy is None:
        raise Http404(_("No such strategy"))
    return strategy


def _date_param(request: HttpRequest, name: str = "as_of") -> tuple[dt.date, str | None]:
    text = request.GET.get(name, "").strip()
    if not text:
        return dates.today(), None
    try:
        return dates.parse_iso_date(text, field=name), None
    except OpenARError as exc:
        return dates.today(), exc.message


class StrategyListView(ObjectListView):
    """The strategies in the order they are tried, with the buttons to simulate and (for a
    manager) activate them, and the import form; anyone signed in may read it."""

    filterset_class = StrategyFilterSet
    table_class = StrategyTable
    template_name = "strategy/strategy_list.html"
    # Set by the import view, which answers with this page and its report.
    import_context: dict[str, Any] | None = None

    def get_queryset(self) -> QuerySet[Strategy]:
        return Strategy.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {
            "can_edit": _can_edit(self.request),
            "last_run": last_run(),
            "import_report": None,
            **(self.import_context or {}),
        }


strategy_list_view = StrategyListView.as_view()


def _choices() -> dict[str, Any]:
    return {
        "trigger_choices": StepTrigger.choices,
        "kind_choices": StepKind.choices,
        "role_choices": Role.choices,
        "risk_classes": RISK_CLASSES,
    }


def _render_editor(
    request: HttpRequest, state: editor.EditorState, strategy: Strategy | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "strategy/strategy_edit.html",
        {
            "state": state,
            "values": state.values,
            "rows": state.rows(),
            "step_count": len(state.steps),
            "strategy": strategy,
            "can_edit": _can_edit(request),
            **_choices(),
        },
        status=status,
    )


def _editor(request: HttpRequest, strategy: Strategy | None) -> HttpResponse:
    if request.method == "POST":
        check_role(request.user, Role.MANAGER, message=EDIT_DENIED)
        state, op = editor.state_from_post(request.POST)
        if op != "save" and editor.apply_operation(state, op):
            return _render_editor(request, state, strategy)
        data = editor.definition_from_state(state)
        try:
            saved, warnings = strategy_save(
                data=data,
                actor=request.user,
                original_code=strategy.code if strategy is not None else None,
            )
        except StrategyInvalid as exc:
            editor.place(state, exc.validation.errors, exc.validation.warnings)
            return _render_editor(request, state, strategy, status=400)
        messages.success(request, _("Strategy %(code)s saved.") % {"code": saved.code})
        for warning in warnings:
            messages.warning(request, str(warning))
        return redirect("strategy:edit", code=saved.code)
    if strategy is None:
        state = editor.EditorState(
            values={"priority": 100, "crit_risk_class": []}, steps=[editor.blank_step()]
        )
    else:
        state = editor.state_from_definition(strategy_def(strategy).as_dict())
    return _render_editor(request, state, strategy)


@role_required(Role.MANAGER, message=EDIT_DENIED)
def strategy_new_view(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
def strategy_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    return _editor(request, _get_strategy(code))


@role_required(Role.MANAGER, message=EDIT_DENIED)
@require_POST
def strategy_active_view(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _get_strategy(code)
    active = request.POST.get("active") == "1"
    strategy_set_active(strategy=strategy, active=active, actor=request.user)
    if active:
        messages.success(request, _("Strategy %(code)s is active.") % {"code": code})
    else:
        messages.success(request, _("Strategy %(code)s is inactive.") % {"code": code})
    target = request.POST.get("next", "")
    # Only back to a strategy page: never an address taken from the form elsewhere.
    return redirect(target if target.startswith("/strategies/") else "strategy:list")


@role_required(Role.MANAGER, message=EDIT_DENIED)
@require_POST
def strategy_delete_view(request: HttpRequest, code: str) -> HttpResponse:
    strategy_delete(strategy=_get_strategy(code), actor=request.user)
    messages.success(request, _("Strategy %(code)s deleted.") % {"code": code})
    return redirect("strategy:list")


@login_required
def strategy_simulate_view(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _get_strategy(code)
    as_of, date_error = _date_param(request)
    result = strategy_simulate(strategy=strategy, as_of=as_of, limit=SIMULATION_ROWS)
    step_names = {s.code: s.name for s in strategy.steps.all()}
    kind_labels = dict(StepKind.choices)
    return render(
        request,
        "strategy/simulate.html",
        {
            "strategy": strategy,
            "result": result,
            "as_of": as_of,
            "date_error": date_error,
            "by_step": [
                (code, step_names.get(code, code), n) for code, n in sorted(result.by_step.items())
            ],
            "by_kind": [(kind_labels.get(k, k), n) for k, n in sorted(result.by_kind.items())],
            "skipped": sorted(result.skipped.items()),
            "kind_labels": kind_labels,
            "role_labels": dict(Role.choices),
            "can_edit": _can_edit(request),
        },
    )


@role_required(Role.MANAGER, message=EDIT_DENIED)
@require_POST
def strategy_import_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    dry_run = request.POST.get("dry_run") == "on"
    if upload is None:
        messages.error(request, _("Choose a YAML or JSON file to import."))
        return redirect("strategy:list")
    data, problems = parse_document(upload.read())
    if problems:
        report = None
        errors = [str(p) for p in problems]
    else:
        report = strategies_import(data=data, actor=request.user, dry_run=dry_run)
        errors = [str(i) for i in report.errors]
    view = StrategyListView()
    view.setup(request)
    view.import_context = {
        "import_report": report,
        "import_errors": errors,
        "import_name": upload.name,
    }
    response = view.get(request)
    if errors:
        response.status_code = 400
    return response


@login_required
def strategy_export_view(request: HttpRequest) -> HttpResponse:
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    codes = request.GET.getlist("code") or None
    text = dump_document(strategies_export(codes=codes), fmt)
    content_type = "application/json" if fmt == "json" else "application/yaml"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="strategies.{fmt}"'
    return response


class ActionListView(ObjectListView):
    """What the strategies asked for, newest first, filtered, sorted and paged."""

    filterset_class = ActionFilterSet
    table_class = ActionTable
    template_name = "strategy/action_list.html"

    def get_queryset(self) -> QuerySet[Action]:
        return Action.objects.all()

    def count_text(self, count: int) -> str:
        return ngettext("%(n)s action", "%(n)s actions", count) % {"n": count}


action_list_view = ActionListView.as_view()
