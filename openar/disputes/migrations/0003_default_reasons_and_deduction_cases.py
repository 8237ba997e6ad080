"""The default reason codes, and a case for every deduction opened before cases existed."""

import datetime as dt

from django.db import migrations

DEFAULTS = [
    ("pricing", "Pricing", 20),
    ("quantity", "Quantity", 20),
    ("damaged", "Damaged goods", 30),
    ("not_received", "Not received", 30),
    ("duplicate", "Duplicate billing", 10),
    ("tax", "Tax error", 20),
    ("promotion", "Promotion not applied", 30),
    ("other", "Other", 30),
]
STATUS = {"open": "open", "research": "research", "resolved": "closed"}


def forward(apps, schema_editor):
    ReasonCode = apps.get_model("disputes", "ReasonCode")
    DisputeCase = apps.get_model("disputes", "DisputeCase")
    DisputeItem = apps.get_model("disputes", "DisputeItem")
    Deduction = apps.get_model("disputes", "Deduction")
    reasons = {}
    for order, (code, label, sla) in enumerate(DEFAULTS, start=1):
        reasons[code], _ = ReasonCode.objects.get_or_create(
            code=code, defaults={"label": label, "sla_days": sla, "order": order * 10}
        )
    other = reasons["other"]
    for d in Deduction.objects.filter(case__isnull=True).select_related("customer").order_by("id"):
        opened = d.opened_on
        case = DisputeCase.objects.create(
            kind="deduction",
            customer_id=d.customer_id,
            entity_id=d.customer.entity_id,
            reason=other,
            description=d.reason,
            amount=d.amount,
            currency=d.currency,
            status=STATUS.get(d.status, "open"),
            owner_team="research",
            owner_id=d.owner_id,
            opened_on=opened,
            due_on=opened + dt.timedelta(days=other.sla_days),
            receipt_id=d.receipt_id,
            closed_on=opened if d.status == "resolved" else None,
        )
        if d.document_id is not None:
            DisputeItem.objects.create(
                case=case, document_id=d.document_id, amount=d.amount, currency=d.currency
            )
        d.case = case
        d.save(update_fields=["case"])


def backward(apps, schema_editor):
    Deduction = apps.get_model("disputes", "Deduction")
    DisputeCase = apps.get_model("disputes", "DisputeCase")
    Deduction.objects.update(case=None)
    DisputeCase.objects.filter(kind="deduction").delete()


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_cases")]
    operations = [migrations.RunPython(forward, backward)]
