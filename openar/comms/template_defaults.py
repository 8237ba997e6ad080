"""The message templates OpenAR ships with, in English and Spanish: the first version of each
template (seeded by the comms migrations) and the text used for a template that has none."""

from __future__ import annotations

from dataclasses import dataclass

REMINDER = "reminder"
PAST_DUE_NOTICE = "past_due_notice"
SECOND_NOTICE = "second_notice"


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    channel: str  # email or letter
    name: str  # English; the pages show choices.TEMPLATE_LABELS, translated
    subject: dict[str, str]
    body: dict[str, str]


DEFAULTS: dict[str, DefaultTemplate] = {
    REMINDER: DefaultTemplate(
        REMINDER,
        "email",
        "Payment reminder",
        subject={
            "en": "Payment reminder: {{ customer_name }} ({{ customer_ref }})",
            "es": "Recordatorio de pago: {{ customer_name }} ({{ customer_ref }})",
        },
        body={
            "en": (
                "Dear {{ customer_name }},\n\n"
                "This is a friendly reminder that invoices on your account {{ customer_ref }} "
                "fall due soon. Your open balance is {{ balance }} {{ currency }}.\n\n"
                "{{ items }}\n\n"
                "If you have already paid, thank you, and please ignore this message.\n\n"
                "Kind regards,\n{{ sender }}"
            ),
            "es": (
                "Estimado cliente {{ customer_name }}:\n\n"
                "Le recordamos que próximamente vencen facturas de su cuenta {{ customer_ref }}. "
                "Su saldo pendiente es de {{ balance }} {{ currency }}.\n\n"
                "{{ items }}\n\n"
                "Si ya realizó el pago, le agradecemos y le rogamos ignorar este mensaje.\n\n"
                "Atentamente,\n{{ sender }}"
            ),
        },
    ),
    PAST_DUE_NOTICE: DefaultTemplate(
        PAST_DUE_NOTICE,
        "email",
        "Past-due notice",
        subject={
            "en": "Past-due notice: {{ customer_name }} ({{ customer_ref }})",
            "es": "Aviso de saldo vencido: {{ customer_name }} ({{ customer_ref }})",
        },
        body={
            "en": (
                "Dear {{ customer_name }},\n\n"
                "Our records show {{ past_due }} {{ currency }} past due on your account "
                "{{ customer_ref }}, the oldest item {{ days_past_due }} days past its due date "
                "(open balance {{ balance }} {{ currency }}).\n\n"
                "{{ items }}\n\n"
                "Please arrange payment or let us know when we can expect it. If you have "
                "already paid, please send us the remittance details.\n\n"
                "Kind regards,\n{{ sender }}"
            ),
            "es": (
                "Estimado cliente {{ customer_name }}:\n\n"
                "Según nuestros registros, su cuenta {{ customer_ref }} tiene {{ past_due }} "
                "{{ currency }} vencidos; la partida más antigua lleva {{ days_past_due }} días "
                "de atraso (saldo pendiente {{ balance }} {{ currency }}).\n\n"
                "{{ items }}\n\n"
                "Le rogamos realizar el pago o indicarnos cuándo podemos esperarlo. Si ya pagó, "
                "por favor envíenos el detalle del pago.\n\n"
                "Atentamente,\n{{ sender }}"
            ),
        },
    ),
    SECOND_NOTICE: DefaultTemplate(
        SECOND_NOTICE,
        "letter",
        "Second notice (letter)",
        subject={
            "en": "Second notice: overdue account {{ customer_ref }}",
            "es": "Segundo aviso: cuenta vencida {{ customer_ref }}",
        },
        body={
            "en": (
                "Dear Sir or Madam,\n\n"
                "Despite our previous reminders, {{ past_due }} {{ currency }} remains past due "
                "on your account {{ customer_ref }}; the oldest item is {{ days_past_due }} days "
                "overdue.\n\n"
                "{{ items }}\n\n"
                "Please pay the overdue amount within 10 days of this letter. Otherwise we may "
                "have to put further deliveries on hold.\n\n"
                "Yours faithfully,\n{{ sender }}"
            ),
            "es": (
                "Estimados señores:\n\n"
                "A pesar de nuestros avisos anteriores, su cuenta {{ customer_ref }} mantiene "
                "{{ past_due }} {{ currency }} vencidos; la partida más antigua lleva "
                "{{ days_past_due }} días de atraso.\n\n"
                "{{ items }}\n\n"
                "Les rogamos pagar el importe vencido dentro de los 10 días siguientes a esta "
                "carta. De lo contrario, podríamos tener que retener próximas entregas.\n\n"
                "Atentamente,\n{{ sender }}"
            ),
        },
    ),
}
