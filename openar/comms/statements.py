"""The statement of account as an Excel workbook (the PDF is in ``services.sending``)."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from openar.comms.domain import aging_rows, message_language
from openar.comms.parties import parties_for
from openar.comms.selectors import account_items
from openar.core.money import minor_units
from openar.core.spreadsheets import xlsx_workbook
from openar.ledger.models import Customer


def statement_xlsx(*, customer: Customer, as_of: dt.date) -> bytes:
    """Every open item, the aging and the balance per currency, in the customer's language;
    amounts are numbers with the currency's decimals (never text)."""
    party = parties_for([customer.pk])[customer.pk]
    account = account_items([customer.pk], as_of)[customer.pk]
    language = message_language(party.language)
    buffer = io.BytesIO()
    with translation.override(language):
        book = xlsx_workbook(buffer, {"in_memory": True})
        bold = book.add_format({"bold": True})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        money = {
            cur: book.add_format(
                {"num_format": "#,##0" + ("." + "0" * minor_units(cur) if minor_units(cur) else "")}
            )
            for cur in {i.currency for i in account.items} | set(account.unapplied) | {"USD"}
        }
        sheet = book.add_worksheet(_("Statement")[:31])
        sheet.write(0, 0, _("Statement of account"), bold)
        sheet.write(1, 0, party.entity_name)
        sheet.write(2, 0, f"{party.customer_ref} {party.customer_name}")
        sheet.write(3, 0, _("Date"))
        sheet.write_datetime(3, 1, dt.datetime.combine(as_of, dt.time()), date_fmt)
        heads = [
            _("Document"),
            _("Type"),
            _("Date"),
            _("Due date"),
            _("Days past due"),
            _("Currency"),
            _("Amount"),
            _("Open amount"),
            _("In dispute"),
            _("To pay"),
        ]
        row = 5
        for col, head in enumerate(heads):
            sheet.write(row, col, head, bold)
        for item in account.items:
            row += 1
            sheet.write(row, 0, item.document_ref)
            sheet.write(row, 1, item.document_type)
            sheet.write_datetime(
                row, 2, dt.datetime.combine(item.document_date, dt.time()), date_fmt
            )
            sheet.write_datetime(row, 3, dt.datetime.combine(item.due_date, dt.time()), date_fmt)
            sheet.write_number(row, 4, max(item.days_past_due, 0))
            sheet.write(row, 5, item.currency)
            sheet.write_number(row, 6, item.amount, money[item.currency])
            sheet.write_number(row, 7, item.open_amount, money[item.currency])
            if item.in_dispute:
                sheet.write_number(row, 8, item.in_dispute, money[item.currency])
            sheet.write_number(row, 9, item.collectible, money[item.currency])
        row += 2
        names, rows = aging_rows(account, tuple(settings.OPENAR_AGING_BUCKETS))
        sheet.write(row, 0, _("Aging"), bold)
        row += 1
        sheet.write(row, 0, _("Currency"), bold)
        for col, name in enumerate(names, start=1):
            sheet.write(row, col, _("Current") if name == "current" else name, bold)
        sheet.write(row, len(names) + 1, _("Balance"), bold)
        for cur, cells, total in rows:
            row += 1
            sheet.write(row, 0, cur)
            for col, value in enumerate(cells, start=1):
                sheet.write_number(row, col, value, money[cur])
            sheet.write_number(row, len(names) + 1, total, money[cur])
        for cur, value in sorted(account.unapplied.items()):
            row += 2
            sheet.write(row, 0, _("Payments received, not yet applied"))
            sheet.write(row, 5, cur)
            sheet.write_number(row, 7, -value, money.setdefault(cur, money["USD"]))
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, 9, 13)
        book.close()
    return buffer.getvalue()
