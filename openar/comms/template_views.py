"""The message templates' pages: the list (on the list kit), the editor with the merge fields
and the version history, and the preview on a real customer (email, letter PDF, Word).

Collectors read and preview; collections managers and administrators save, create and restore
(``TEMPLATE_EDITORS``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from openar.comms.choices import MessageChannel
from openar.comms.domain import LANGUAGES, TemplateText
from openar.comms.filters import TemplateFilterSet
from openar.comms.merge import MERGE_FIELDS
from openar.comms.models import MessageTemplate, TemplateVersion
from openar.comms.previews import (
    PREVIEW_LANGUAGE_NAMES,
    preview_docx,
    preview_pdf,
    template_preview,
)
from openar.comms.selectors import customers_matching, template_steps, template_versions
from openar.comms.services import (
    TEMPLATE_EDITORS,
    template_create,
    template_version_restore,
    template_version_save,
)
from openar.comms.services.templates import text_problems
from openar.comms.tables import TemplateTable
from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, check_role, has_role, role_required
from openar.ledger.models import Customer

READERS = (Role.COLLECTOR, Role.MANAGER)
EDIT_MESSAGE = gettext_lazy("Only a collections manager or an administrator can change templates.")


class TemplateListView(ObjectListView):
    roles = READERS
    filterset_class = TemplateFilterSet
    table_class = TemplateTable
    template_name = "comms/template_list.html"

    def get_queryset(self) -> QuerySet[MessageTemplate]:
        return MessageTemplate.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_edit": has_role(self.request.user, *TEMPLATE_EDITORS)}


template_list_view = TemplateListView.as_view()


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("language") or ""
    return lang if lang in LANGUAGES else LANGUAGES[0]


def _problems(subject: str, body: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for where, problem in text_problems(subject=subject, body=body):
        found.setdefault(where, []).append(problem.message)
    return found


@role_required(*READERS)
def template_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """One template in one language: its active text (or an older version, ``?version=N``),
    saved as a new version on POST."""
    template = get_object_or_404(MessageTemplate, code=code)
    language = _language(request)
    versions = list(template_versions(template, language))
    active = next((v for v in versions if v.is_active), None)
    shown = active
    if request.GET.get("version", "").isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["version"])), active)
    subject = shown.subject if shown else ""
    body = shown.body if shown else ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        check_role(request.user, *TEMPLATE_EDITORS, message=EDIT_MESSAGE)
        subject = request.POST.get("subject", "")
        body = request.POST.get("body", "").replace("\r\n", "\n")
        errors = _problems(subject, body)
        if not errors:
            try:
                version = template_version_save(
                    template=template,
                    language=language,
                    subject=subject,
                    body=body,
                    actor=request.user,
                )
            except OpenARError as exc:
                errors = {exc.field or "body": [exc.message]}
            else:
                if active is not None and version.pk == active.pk:
                    messages.info(request, _("Nothing changed: the text is the active version."))
                else:
                    messages.success(
                        request,
                        _("Saved as version %(n)s: it is what goes out from now on.")
                        % {"n": version.number},
                    )
                return redirect(f"{reverse('templates:edit', args=[code])}?lang={language}")
    can_edit = has_role(request.user, *TEMPLATE_EDITORS)
    tabs = [{"code": lang, "name": PREVIEW_LANGUAGE_NAMES[lang]} for lang in LANGUAGES]
    return render(
        request,
        "comms/template_edit.html",
        {
            "template": template,
            "language": language,
            "language_name": PREVIEW_LANGUAGE_NAMES[language],
            "languages": tabs,
            "versions": versions,
            "active": active,
            "shown": shown,
            "viewing_old": shown is not None and active is not None and shown.pk != active.pk,
            "subject": subject,
            "body": body,
            "errors": errors,
            "can_edit": can_edit,
            "fields": MERGE_FIELDS,
            "steps": template_steps(template),
        },
        status=400 if errors else 200,
    )


@role_required(*TEMPLATE_EDITORS, message=EDIT_MESSAGE)
@require_POST
def template_restore_view(
    request: HttpRequest, code: str, language: str, number: int
) -> HttpResponse:
    version = get_object_or_404(
        TemplateVersion, template__code=code, language=language, number=number
    )
    try:
        restored = template_version_restore(version=version, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(old)s restored as version %(n)s: it is what goes out from now on.")
            % {"old": number, "n": restored.number},
        )
    return redirect(f"{reverse('templates:edit', args=[code])}?lang={language}")


@role_required(*TEMPLATE_EDITORS, message=EDIT_MESSAGE)
def template_new_view(request: HttpRequest) -> HttpResponse:
    values = {"code": "", "name": "", "channel": MessageChannel.EMAIL.value}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            template = template_create(actor=request.user, **values)
        except OpenARError as exc:
            errors[exc.field or "code"] = exc.message
        else:
            messages.success(
                request, _("Template created: write its text in each language and save.")
            )
            return redirect("templates:edit", code=template.code)
    return render(
        request,
        "comms/template_new.html",
        {"values": values, "errors": errors, "channels": MessageChannel.choices},
        status=400 if errors else 200,
    )


def _posted_text(request: HttpRequest, template: MessageTemplate) -> TemplateText:
    language = _language(request)
    return TemplateText(
        template.code,
        language,
        request.POST.get("subject", ""),
        request.POST.get("body", "").replace("\r\n", "\n"),
    )


def _posted_customer(request: HttpRequest) -> Customer | None:
    ref = request.POST.get("customer", "").strip()
    # "C0000042 · Acme Ltd" as the picker fills it, or the number alone.
    ref = ref.split(" · ", 1)[0].strip()
    return Customer.objects.filter(customer_ref__iexact=ref).first() if ref else None


@role_required(*READERS)
@require_POST
def template_preview_view(request: HttpRequest, code: str) -> HttpResponse:
    """The text in the editor (saved or not) rendered for a real customer, as it would go out."""
    template = get_object_or_404(MessageTemplate, code=code)
    text = _posted_text(request, template)
    context: dict[str, Any] = {"template": template, "text": text}
    customer = _posted_customer(request)
    problems = _problems(text.subject, text.body)
    if problems:
        context["problems"] = [m for msgs in problems.values() for m in msgs]
    elif customer is None:
        context["missing"] = request.POST.get("customer", "").strip()
    else:
        context["preview"] = template_preview(text=text, customer=customer, as_of=dates.today())
    return render(request, "comms/_template_preview.html", context)


def _document(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, code=code)
    text = _posted_text(request, template)
    customer = _posted_customer(request)
    problems = _problems(text.subject, text.body)
    if customer is None or problems:
        message = (
            "; ".join(m for msgs in problems.values() for m in msgs)
            if problems
            else _("Pick a customer to preview on.")
        )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    as_of = dates.today()
    if kind == "pdf":
        content, content_type = (
            preview_pdf(text=text, customer=customer, as_of=as_of),
            "application/pdf",
        )
    else:
        content = preview_docx(text=text, customer=customer, as_of=as_of)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if kind == "pdf" else "attachment"
    filename = f"{template.code}-{customer.customer_ref}-{text.language}.{kind}"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@role_required(*READERS)
@require_POST
def template_preview_pdf_view(request: HttpRequest, code: str) -> HttpResponse:
    """The letter this text makes for the customer, as PDF."""
    return _document(request, code, "pdf")


@role_required(*READERS)
@require_POST
def template_preview_docx_view(request: HttpRequest, code: str) -> HttpResponse:
    """The letter this text makes for the customer, as a Word document to edit by hand."""
    return _document(request, code, "docx")


@role_required(*READERS)
@require_GET
def customer_options_view(request: HttpRequest) -> HttpResponse:
    """Suggestions for the preview's customer picker (``<option>`` elements)."""
    found = customers_matching(request.GET.get("customer", ""))
    return render(request, "comms/_customer_options.html", {"customers": found})
