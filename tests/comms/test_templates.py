"""Message templates: versions, checks on save, roles, and the outbox using the active text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openar.comms.models import MessageTemplate, OutboxMessage, TemplateVersion
from openar.comms.services import (
    outbox_queue,
    template_create,
    template_version_restore,
    template_version_save,
)
from openar.comms.template_defaults import DEFAULTS
from openar.core.audit import AuditEvent
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return UserFactory(username="boss", roles=["manager"])


def _notice() -> MessageTemplate:
    return MessageTemplate.objects.get(code="past_due_notice")


def test_shipped_templates_are_seeded_as_version_one():
    for code, default in DEFAULTS.items():
        template = MessageTemplate.objects.get(code=code)
        assert template.channel == default.channel
        for lang in ("en", "es"):
            version = template.versions.get(language=lang, is_active=True)
            assert (version.number, version.subject, version.body) == (
                1,
                default.subject[lang],
                default.body[lang],
            )


def test_every_save_is_a_new_version_and_restore_brings_one_back(manager):
    notice = _notice()
    v2 = template_version_save(
        template=notice,
        language="en",
        subject="Overdue: {{ customer_ref }}",
        body="Dear {{ customer_name }},\n\n{{ items }}\n\nThanks,\n{{ sender }}",
        actor=manager,
    )
    v3 = template_version_save(
        template=notice,
        language="en",
        subject="Overdue again: {{ customer_ref }}",
        body="Hello {{ customer_name }}\n\n{{ items }}",
        actor=manager,
    )
    assert (v2.number, v3.number) == (2, 3)
    assert v3.created_by == manager
    active = TemplateVersion.objects.filter(template=notice, language="en", is_active=True)
    assert list(active) == [v3]
    # The Spanish text is a chain of its own, untouched.
    assert notice.versions.get(language="es", is_active=True).number == 1
    # Saving the same text again adds nothing.
    same = template_version_save(
        template=notice, language="en", subject=v3.subject, body=v3.body, actor=manager
    )
    assert same.pk == v3.pk
    restored = template_version_restore(version=v2, actor=manager)
    assert (restored.number, restored.restored_from, restored.subject) == (4, 2, v2.subject)
    assert restored.is_active and not TemplateVersion.objects.get(pk=v3.pk).is_active
    with pytest.raises(Conflict):
        template_version_restore(version=restored, actor=manager)
    actions = list(
        AuditEvent.objects.filter(object_type="message_template", actor=manager)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["template.save", "template.save", "template.restore"]


def test_unknown_merge_field_is_refused_with_the_field_named(manager):
    notice = _notice()
    with pytest.raises(ValidationError) as err:
        template_version_save(
            template=notice,
            language="en",
            subject="Overdue {{ customer_ref }}",
            body="Dear {{ customer_name }},\n\nplease pay {{ amount_owed }}.",
            actor=manager,
        )
    assert err.value.field == "body"
    assert err.value.message == "body, line 3: unknown merge field 'amount_owed'"
    with pytest.raises(ValidationError) as err:
        template_version_save(
            template=notice,
            language="es",
            subject="Vencido {{ customer.delete }}",
            body="Hola",
            actor=manager,
        )
    assert err.value.field == "subject"
    assert "'customer.delete'" in err.value.message
    with pytest.raises(ValidationError) as err:
        template_version_save(
            template=notice,
            language="en",
            subject="Overdue",
            body="Dear {{ customer_name },\n\n{{ items }}\n{% load x %}",
            actor=manager,
        )
    assert err.value.message == ("body, line 1: '{{' is not closed with '}}' (and 1 more problem)")
    # Nothing was written.
    assert notice.versions.count() == 2


def test_bad_language_and_empty_text(manager):
    notice = _notice()
    for kwargs, field in (
        ({"language": "fr", "subject": "x", "body": "y"}, "language"),
        ({"language": "en", "subject": " ", "body": "y"}, "subject"),
        ({"language": "en", "subject": "x", "body": ""}, "body"),
    ):
        with pytest.raises(ValidationError) as err:
            template_version_save(template=notice, actor=manager, **kwargs)
        assert err.value.field == field


def test_only_managers_and_admins_change_templates():
    collector = UserFactory(username="col", roles=["collector"])
    with pytest.raises(PermissionDenied):
        template_version_save(
            template=_notice(), language="en", subject="x", body="y", actor=collector
        )
    with pytest.raises(PermissionDenied):
        template_create(code="final", name="Final", channel="letter", actor=collector)
    admin = UserFactory(username="root", roles=["admin"])
    assert template_create(code="final", name="Final", channel="letter", actor=admin).pk


def test_create_checks_code_and_channel(manager):
    with pytest.raises(ValidationError) as err:
        template_create(code="Final Demand!", name="x", channel="letter", actor=manager)
    assert err.value.field == "code"
    with pytest.raises(ValidationError) as err:
        template_create(code="final", name="x", channel="fax", actor=manager)
    assert err.value.field == "channel"
    with pytest.raises(Conflict) as conflict:
        template_create(code="reminder", name="x", channel="email", actor=manager)
    assert conflict.value.field == "code"


def test_outbox_uses_the_active_version_in_the_customer_language(manager):
    en = CustomerFactory(name="Acme Inc.", email="ap@acme.example", language="en")
    es = CustomerFactory(name="Ferretería Sol", email="pagos@sol.example", language="es-MX")
    pt = CustomerFactory(name="Loja Lua", email="pagar@lua.example", language="pt-BR")
    for customer in (en, es, pt):
        DocumentFactory(
            customer=customer, amount=Decimal("1200.00"), due_date=BASE_DATE.replace(day=1)
        )
    notice = _notice()
    template_version_save(
        template=notice,
        language="en",
        subject="Old text {{ customer_ref }}",
        body="Old\n\n{{ items }}",
        actor=manager,
    )
    active_en = template_version_save(
        template=notice,
        language="en",
        subject="Please pay, {{ customer_name }}",
        body="{{ customer_name }} owes {{ past_due }} {{ currency }} ({{ amount_to_pay }} to pay)."
        "\n\n{{ items }}\n\n{{ sender }}",
        actor=manager,
    )
    for customer in (en, es, pt):
        _action(customer, "email", key=f"k{customer.pk}")
    assert outbox_queue(as_of=BASE_DATE, actor="test") == 3

    m_en = OutboxMessage.objects.get(customer=en)
    assert m_en.subject == "Please pay, Acme Inc."
    assert m_en.body.startswith("Acme Inc. owes 1,200.00 USD (1,200.00 to pay).")
    assert "Past-due items" in m_en.body
    assert m_en.template_version_id == active_en.pk
    assert "1,200.00" in m_en.html and "Acme Inc. owes" in m_en.html
    # Spanish: its own text (version 1), amounts written the Spanish way.
    m_es = OutboxMessage.objects.get(customer=es)
    assert m_es.subject == f"Aviso de saldo vencido: Ferretería Sol ({es.customer_ref})"
    assert "1.200,00 USD vencidos" in m_es.body
    assert m_es.template_version == notice.versions.get(language="es", number=1)
    # Portuguese has no text: English.
    m_pt = OutboxMessage.objects.get(customer=pt)
    assert (m_pt.language, m_pt.subject) == ("en", "Please pay, Loja Lua")


def test_a_step_names_a_template_of_its_own(manager):
    final = template_create(
        code="final_demand", name="Final demand", channel="letter", actor=manager
    )
    customer = CustomerFactory(name="Late Ltd", email="", language="es")
    DocumentFactory(customer=customer, amount=Decimal("50.00"), due_date=BASE_DATE.replace(day=1))
    # No text yet in any language: the step's kind decides (the second notice).
    _action(customer, "letter", template="final_demand", key="a")
    outbox_queue(as_of=BASE_DATE, actor="test")
    assert OutboxMessage.objects.get().template_code == "second_notice"
    OutboxMessage.objects.all().delete()
    template_version_save(
        template=final,
        language="en",
        subject="Final demand {{ customer_ref }}",
        body="Pay {{ past_due }} now.\n\n{{ items }}",
        actor=manager,
    )
    outbox_queue(as_of=BASE_DATE, actor="test")
    message = OutboxMessage.objects.get()
    # Spanish customer, English-only template: English, amounts the English way.
    assert (message.template_code, message.language) == ("final_demand", "en")
    assert message.body.startswith("Pay 50.00 now.")


def test_markup_in_a_text_is_shown_as_text_not_run(manager):
    customer = CustomerFactory(name="<b>Bold</b> & Co", email="ap@bold.example", language="en")
    DocumentFactory(customer=customer, amount=Decimal("10.00"), due_date=BASE_DATE.replace(day=1))
    template_version_save(
        template=_notice(),
        language="en",
        subject="Hi {{ customer_name }}",
        body='<script>alert("x")</script> {{ customer_name }}\n\n{{ items }}',
        actor=manager,
    )
    _action(customer, "email")
    outbox_queue(as_of=BASE_DATE, actor="test")
    message = OutboxMessage.objects.get()
    assert "<script>" not in message.html and "<b>Bold" not in message.html
    assert "&lt;script&gt;" in message.html and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in message.html
    # The plain-text part and the subject carry the text as written.
    assert message.subject == "Hi <b>Bold</b> & Co"
