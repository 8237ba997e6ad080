"""Cash application pages: statement upload and list, the review workbench (one line, its
suggestions and the customer's open items, worked from the keyboard), the unidentified-cash
queue, applied lines, and the CSV/XLSX layout editor with a file preview.

Every write goes through ``openar.cashapp.services`` (import, match, apply, assign, on account,
unidentified) or ``openar.cashapp.layouts``; the views only read, call one service and redirect."""

from openar.cashapp.views.actions import (
    _money,
    customer_search,
    line_apply,
    line_assign,
    line_match,
    line_on_account,
    line_unidentified,
)
from openar.cashapp.views.applied import applied
from openar.cashapp.views.layouts import layout_edit, layout_list
from openar.cashapp.views.statements import statement_list
from openar.cashapp.views.workbench import highlight, line_view, review, unidentified

__all__ = [
    "_money",
    "applied",
    "customer_search",
    "highlight",
    "layout_edit",
    "layout_list",
    "line_apply",
    "line_assign",
    "line_match",
    "line_on_account",
    "line_unidentified",
    "line_view",
    "review",
    "statement_list",
    "unidentified",
]
