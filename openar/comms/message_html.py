"""The HTML of a message's items table, payment instructions and body, written in Python.

The daily cycle renders one message per email or letter action (tens of thousands on a busy day);
Django's template engine took ~0.6 ms for these few tables, most of the outbox step's time, where
plain string joins take a tenth of that. The same writers serve the statement's page, so the
tables read the same in an email, a letter and a statement. Every value is escaped as the
template engine would (``conditional_escape``); labels come from gettext in the active language.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

_TH = '<th style="padding: 3px 6px">'
_TH_RIGHT = '<th style="padding: 3px 6px; text-align: right">'
_TD = '<td style="padding: 3px 6px">'
_TD_RIGHT = '<td style="padding: 3px 6px; text-align: right">'
_ROW = '<tr style="border-bottom: 1px solid #ddd">'
_ROW_CREDIT = '<tr style="border-bottom: 1px solid #ddd; color: #1d6b2f">'


def _e(value: Any) -> str:
    # What the template engine prints for a value (django.utils.html.escape is html.escape).
    return html.escape(str(value))


@functools.cache
def _labels(language: str | None) -> dict[str, str]:
    """The table's column labels in ``language`` (the active one: gettext reads it), escaped."""
    return {
        key: _e(_(text))
        for key, text in (
            ("document", gettext_noop("Document")),
            ("type", gettext_noop("Type")),
            ("date", gettext_noop("Date")),
            ("due", gettext_noop("Due date")),
            ("dpd", gettext_noop("Days past due")),
            ("open", gettext_noop("Open amount")),
            ("currency", gettext_noop("Currency")),
            ("past_due", gettext_noop("Past due")),
            ("in_dispute", gettext_noop("In dispute")),
            ("credits", gettext_noop("Credits")),
            ("unapplied", gettext_noop("Unapplied cash")),
            ("to_pay", gettext_noop("Amount to pay")),
            ("disputed", gettext_noop("in dispute: not requested")),
            ("received", gettext_noop("Payments received, not yet applied")),
            ("how", gettext_noop("How to pay")),
        )
    }


def partly_disputed(row: dict[str, Any]) -> str:
    """The mark of an item partly in dispute: the part not asked for and the part to pay."""
    return _("%(disputed)s in dispute, not requested; %(collectible)s to pay") % {
        "disputed": row["disputed_part"],
        "collectible": row["collectible"],
    }


def items_html(fig: dict[str, Any]) -> SafeString:
    """The items table (past-due or open items, credits, unapplied cash) and the totals by
    currency, from ``documents._figures``. Dates, days and amounts go in as they are:
    ``_figures`` writes them from dates, integers and Decimals (digits, '-', ',' and '.'),
    which escaping leaves unchanged."""
    label = _labels(get_language())
    out = [
        '<table class="items" style="border-collapse: collapse; width: 100%; font-size: 10pt; '
        'margin: 8px 0">\n'
        '  <thead><tr style="text-align: left; border-bottom: 1px solid #999">\n'
        f"    {_TH}{label['document']}</th>{_TH}{label['type']}</th>{_TH}{label['date']}</th>"
        f"{_TH}{label['due']}</th>{_TH_RIGHT}{label['dpd']}</th>{_TH_RIGHT}{label['open']}</th>"
        f"{_TH}{label['currency']}</th>\n"
        "  </tr></thead>\n"
        "  <tbody>\n"
        "  "
    ]
    for row in fig["items"]:
        mark = ""
        if row.get("disputed_part"):
            mark = (
                ' <strong class="disputed" style="color: #a15c00">'
                f"({_e(partly_disputed(row))})</strong>"
            )
        elif row["disputed"]:
            mark = (
                f' <strong class="disputed" style="color: #a15c00">({label["disputed"]})</strong>'
            )
        out.append(
            f"{_ROW}\n"
            f"    {_TD}{_e(row['ref'])}{mark}</td>{_TD}{_e(row['type'])}</td>"
            f"{_TD}{row['date']}</td>{_TD}{row['due']}</td>"
            f"{_TD_RIGHT}{row['dpd']}</td>{_TD_RIGHT}{row['open']}</td>"
            f"{_TD}{_e(row['currency'])}</td>\n"
            "  </tr>"
        )
    out.append("\n  ")
    for row in fig["credits"]:
        out.append(
            f"{_ROW_CREDIT}\n"
            f"    {_TD}{_e(row['ref'])}</td>{_TD}{_e(row['type'])}</td>"
            f"{_TD}{row['date']}</td>{_TD}{row['due']}</td><td></td>"
            f"{_TD_RIGHT}{row['open']}</td>{_TD}{_e(row['currency'])}</td>\n"
            "  </tr>"
        )
    out.append("\n  ")
    for row in fig["unapplied"]:
        out.append(
            f"{_ROW_CREDIT}\n"
            f'    <td style="padding: 3px 6px" colspan="5">{label["received"]}</td>'
            f"{_TD_RIGHT}{row['amount']}</td>{_TD}{_e(row['currency'])}</td>\n"
            "  </tr>"
        )
    out.append(
        "\n  </tbody>\n</table>\n"
        '<table class="totals" style="border-collapse: collapse; font-size: 10pt; '
        'margin: 4px 0 10px auto">\n'
        '  <thead><tr style="border-bottom: 1px solid #999">'
        f'<th style="padding: 3px 6px; text-align: left">{label["currency"]}</th>'
        f"{_TH_RIGHT}{label['past_due']}</th>{_TH_RIGHT}{label['in_dispute']}</th>"
        f"{_TH_RIGHT}{label['credits']}</th>{_TH_RIGHT}{label['unapplied']}</th>"
        f"{_TH_RIGHT}{label['to_pay']}</th></tr></thead>\n"
        "  <tbody>"
    )
    for t in fig["totals"]:
        out.append(
            "<tr>\n"
            f"    {_TD}{_e(t['currency'])}</td>{_TD_RIGHT}{t['past_due']}</td>"
            f"{_TD_RIGHT}{t['disputed']}</td>{_TD_RIGHT}{t['credits']}</td>"
            f"{_TD_RIGHT}{t['unapplied']}</td>"
            f"{_TD_RIGHT}<strong>{t['requested']}</strong></td>\n"
            "  </tr>"
        )
    out.append("</tbody>\n</table>\n")
    return mark_safe("".join(out))  # every value above is escaped or written by _figures


def payment_html(payment: Sequence[dict[str, str]], customer_ref: str) -> SafeString:
    """How to pay: the entity's bank accounts (``documents._payment_lines``) and the account
    number to quote; nothing but a line break when the entity has no bank account."""
    if not payment:
        return mark_safe("\n")
    rows = "".join(
        '<tr><td style="padding: 2px 8px 2px 0">'
        f"{_e(p['currencies'])}</td>"
        f'<td style="padding: 2px 8px">{_e(p["bank"])}</td>'
        f'<td style="padding: 2px 8px">{_e(p["account"])}</td>'
        f'<td style="padding: 2px 8px">{f"BIC {_e(p['bic'])}" if p["bic"] else ""}</td></tr>'
        for p in payment
    )
    # As {% blocktranslate %}: the variable is escaped, the translation is not.
    quote = _("Please quote your account number %(ref)s.") % {"ref": _e(customer_ref)}
    return mark_safe(  # every value above is escaped
        '<div class="payment" style="font-size: 10pt; margin-top: 10px">\n'
        f"  <strong>{_labels(get_language())['how']}</strong>\n"
        '  <table style="border-collapse: collapse; font-size: 10pt">\n'
        f"  {rows}\n"
        "  </table>\n"
        f'  <p style="margin: 4px 0">{quote}</p>\n'
        "</div>\n"
    )


def message_html(
    *,
    lang: str,
    paragraphs: Sequence[dict[str, Any]],
    fig: dict[str, Any],
    payment: Sequence[dict[str, str]],
    customer_ref: str,
) -> SafeString:
    """An email's HTML part (and a letter's body): the paragraphs of the rendered template, the
    items table and payment instructions where the template lists the items."""
    out = [
        f'<div class="message" lang="{_e(lang)}" style="font-family: Helvetica, Arial, '
        'sans-serif; font-size: 11pt; color: #222; max-width: 760px">\n'
    ]
    for paragraph in paragraphs:
        if paragraph["items"]:
            out.append(items_html(fig))
            out.append(payment_html(payment, customer_ref))
        else:
            lines = "<br>".join(_e(line) for line in paragraph["lines"])
            out.append(f'<p style="margin: 0 0 10px">{lines}</p>')
        out.append("\n")
    out.append("</div>\n")
    return mark_safe("".join(out))  # every value above is escaped
