"""The outbox: email and letter actions become rendered messages once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.comms.domain import (
    MessageContext,
    TemplateText,
    amount_text,
    message_language,
    render_message,
    template_for,
)
from openar.comms.models import OutboxMessage
from openar.comms.services import outbox_cancel, outbox_queue
from openar.comms.template_defaults import DEFAULTS
from openar.core.errors import Conflict
from openar.strategy.models import Action, Strategy, StrategyStep
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def _action(customer, kind, *, template="", dpd=10, status="open", key=None):
    strategy, _ = Strategy.objects.get_or_create(code="std", defaults={"name": "Standard"})
    step, _ = StrategyStep.objects.get_or_create(
        strategy=strategy,
        code=f"{kind}-{template or 'x'}",
        defaults={"name": kind, "kind": kind, "owner_role": "collector", "template": template},
    )
    return Action.objects.create(
        customer=customer,
        strategy=strategy,
        step=step,
        kind=kind,
        owner_role="collector",
        status=status,
        as_of=BASE_DATE,
        due_date=BASE_DATE,
        days_past_due=dpd,
        dedupe_key=key or f"{customer.pk}:{kind}:{template}:{status}",
    )


def test_actions_become_messages_in_the_customer_language_once():
    en = CustomerFactory(name="Acme Inc.", email="ap@acme.example", language="en")
    es = CustomerFactory(name="Ferretería Sol", email="pagos@sol.example", language="es-MX")
    DocumentFactory(customer=en, amount=Decimal("1200.00"), due_date=BASE_DATE.replace(day=1))
    DocumentFactory(customer=es, amount=Decimal("80.50"), due_date=BASE_DATE.replace(day=10))
    email = _action(en, "email")
    letter = _action(es, "letter")
    _action(en, "call")  # not a message
    _action(es, "email", status="done")  # closed already

    assert outbox_queue(as_of=BASE_DATE, actor="test") == 2
    assert outbox_queue(as_of=BASE_DATE, actor="test") == 0
    assert OutboxMessage.objects.count() == 2

    m_en = OutboxMessage.objects.get(action=email)
    assert (m_en.channel, m_en.template_code, m_en.language, m_en.status) == (
        "email",
        "past_due_notice",
        "en",
        "queued",
    )
    assert m_en.to_address == "ap@acme.example"
    assert "1,200.00 USD past due" in m_en.body
    m_es = OutboxMessage.objects.get(action=letter)
    assert (m_es.channel, m_es.template_code, m_es.language) == ("letter", "second_notice", "es")
    assert m_es.subject.startswith("Segundo aviso")
    assert "80,50 USD vencidos" in m_es.body
    assert m_es.to_address.startswith("Ferretería Sol")
    assert m_es.body.endswith("Atentamente,\nCuentas por Cobrar")


def test_email_without_address_becomes_a_letter():
    customer = CustomerFactory(email="", name="Sin Correo SA", country="ES")
    _action(customer, "email", dpd=-5)
    assert outbox_queue(as_of=BASE_DATE, actor="test") == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.channel, message.template_code) == (
        "queued",
        "letter",
        "reminder",
    )
    assert "no email address: a letter goes instead" in message.error
    assert message.to_address == "Sin Correo SA\nSPAIN"


def test_cancel_queued_message():
    customer = CustomerFactory(email="a@b.example")
    _action(customer, "email")
    outbox_queue(as_of=BASE_DATE, actor="test")
    message = outbox_cancel(message=OutboxMessage.objects.get(), actor="test")
    assert message.status == "cancelled"
    with pytest.raises(Conflict):
        outbox_cancel(message=message, actor="test")


def test_templates_render_in_both_languages():
    ctx = MessageContext("Acme", "C1", "USD", "10.00", "5.00", 12, BASE_DATE)
    for code, default in DEFAULTS.items():
        for lang in ("en", "es"):
            text = TemplateText(code, lang, default.subject[lang], default.body[lang])
            rendered = render_message(text, ctx)
            assert "C1" in rendered.subject
            assert "{" not in rendered.body
    assert message_language("pt") == "en"
    assert amount_text("1234567.5", "es") == "1.234.567,5"
    assert amount_text("-1234.50", "en") == "-1,234.50"
    assert amount_text("999", "en") == "999"
    assert template_for(
        kind="email", step_template="second_notice", days_past_due=1, known=DEFAULTS
    ) == ("second_notice")
    assert template_for(kind="email", step_template="unknown", days_past_due=0) == "reminder"


def test_message_of_a_cancelled_action_is_withdrawn():
    customer = CustomerFactory(email="a@b.example")
    action = _action(customer, "email")
    outbox_queue(as_of=BASE_DATE, actor="test")
    action.status = "cancelled"
    action.save(update_fields=["status"])
    assert outbox_queue(as_of=BASE_DATE, actor="test") == 0
    message = OutboxMessage.objects.get()
    assert (message.status, message.error) == ("cancelled", "the action was cancelled")
