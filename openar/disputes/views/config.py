"""Settings a manager edits: reason codes with their SLA days, routing rules and each team's
manager (who gets its cases past the SLA)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openar.core.errors import OpenARError, ValidationError
from openar.core.roles import Role, check_role, role_required
from openar.disputes.choices import OwnerTeam
from openar.disputes.models import ReasonCode, RoutingRule, Team
from openar.disputes.services import reason_save, rule_delete, rule_save, team_save
from openar.disputes.views.common import CONFIG_MESSAGE, READ_MESSAGE, READERS, reason_label
from openar.ledger.models import Customer, Entity


def _amount(text: str, field: str) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount such as 500.00."), field=field) from None


def _save(request: HttpRequest) -> None:
    post = request.POST
    form = post.get("form")
    users = get_user_model().objects
    if form == "reason":
        try:
            sla = int(post.get("sla_days") or 0)
        except ValueError:
            raise ValidationError(_("SLA days are a whole number."), field="sla_days") from None
        reason_save(
            code=post.get("code", ""),
            label=post.get("label", ""),
            sla_days=sla,
            active=bool(post.get("active")),
            actor=request.user,
        )
    elif form == "rule":
        customer = None
        if post.get("customer_ref"):
            customer = Customer.objects.filter(customer_ref=post["customer_ref"].strip()).first()
            if customer is None:
                raise ValidationError(_("No customer with that number."), field="customer_ref")
        rule_save(
            name=post.get("name", ""),
            priority=int(post.get("priority") or 100),
            reason=ReasonCode.objects.filter(code=post.get("reason")).first(),
            entity=Entity.objects.filter(code=post.get("entity")).first(),
            customer=customer,
            min_amount=_amount(post.get("min_amount", ""), "min_amount"),
            max_amount=_amount(post.get("max_amount", ""), "max_amount"),
            owner_team=post.get("owner_team", ""),
            owner=users.filter(pk=post.get("owner") or 0).first(),
            actor=request.user,
        )
    elif form == "delete_rule":
        rule = RoutingRule.objects.filter(pk=post.get("rule") or 0).first()
        if rule is not None:
            rule_delete(rule=rule, actor=request.user)
    elif form == "team":
        team_save(
            code=post.get("code", ""),
            manager=users.filter(pk=post.get("manager") or 0).first(),
            members=users.filter(pk__in=post.getlist("members")),
            actor=request.user,
        )


@role_required(*READERS, message=READ_MESSAGE)
def settings_view(request: HttpRequest) -> HttpResponse:
    """Anyone in collections reads the settings; only a manager saves them."""
    error: OpenARError | None = None
    if request.method == "POST":
        check_role(request.user, Role.MANAGER, message=CONFIG_MESSAGE)
        try:
            _save(request)
        except OpenARError as exc:
            error = exc
        else:
            messages.success(request, _("Saved."))
            return redirect("disputes:settings")
    people = list(
        get_user_model().objects.filter(is_active=True).exclude(groups=None).distinct()
        .order_by("first_name", "username")
    )  # fmt: skip
    teams = {t.code: t for t in Team.objects.select_related("manager").prefetch_related("members")}
    team_rows: list[dict[str, Any]] = [
        {"code": code, "label": label, "team": teams.get(code)} for code, label in OwnerTeam.choices
    ]
    return render(
        request,
        "disputes/settings.html",
        {
            "reasons": [(r, reason_label(r)) for r in ReasonCode.objects.all()],
            "rules": RoutingRule.objects.select_related("reason", "entity", "customer", "owner"),
            "teams": team_rows,
            "team_choices": OwnerTeam.choices,
            "people": people,
            "entities": Entity.objects.order_by("code"),
            "error": error,
            "post": request.POST if error else {},
            "is_manager": request.user.is_superuser
            or request.user.groups.filter(name__in=[Role.MANAGER, Role.ADMIN]).exists(),
        },
        status=400 if error else 200,
    )
