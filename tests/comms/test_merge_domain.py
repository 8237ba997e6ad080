"""The merge language of message templates: checks and filling, without a database."""

from __future__ import annotations

import pytest
from django.utils import translation

from openar.comms.domain import TemplateText, text_for
from openar.comms.merge import FIELD_NAMES, ITEMS, fields_used, merge, template_problems
from openar.comms.template_defaults import DEFAULTS


@pytest.fixture(autouse=True)
def _english():
    # The checks' messages are translated; an earlier test on the same worker may have left
    # another language active.
    with translation.override("en"):
        yield


def test_known_fields_pass_and_are_filled():
    source = "Dear {{ customer_name }},\nyou owe {{past_due}} {{ currency }}."
    assert template_problems(source) == []
    assert fields_used(source) == ["customer_name", "past_due", "currency"]
    filled = merge(source, {"customer_name": "Acme", "past_due": "10.00", "currency": "EUR"})
    assert filled == "Dear Acme,\nyou owe 10.00 EUR."


def test_unknown_field_is_named_with_its_line():
    problems = template_problems("Hello {{ customer_name }}\n\nPay {{ amount_owed }} now")
    assert [(p.line, p.field) for p in problems] == [(3, "amount_owed")]
    assert problems[0].message == "line 3: unknown merge field 'amount_owed'"


def test_attribute_walks_filters_and_calls_are_refused():
    for walk in (
        "{{ customer.delete }}",
        "{{ customer_name.upper }}",
        "{{ customer_name|upper }}",
        "{{ items.__class__ }}",
        "{{ sender() }}",
    ):
        problems = template_problems(walk)
        assert len(problems) == 1, walk
        assert problems[0].field == walk[3:-3]
        assert "no attributes, filters or calls" in problems[0].message


def test_attribute_walks_render_as_nothing():
    # Were a bad text ever to reach rendering, nothing is looked up: plain values only.
    class Trap:
        def delete(self):  # pragma: no cover - must never run
            raise AssertionError("called")

    values = {"customer": Trap(), "customer_name": "Acme"}
    assert merge("x{{ customer.delete }}y{{ customer_name }}", values) == "xyAcme"  # type: ignore[arg-type]


def test_syntax_errors_name_the_line():
    cases = {
        "Hello\n{{ customer_name": (2, "'{{' is not closed with '}}'"),
        "Hello\n\ncustomer_name }}": (3, "'}}' without an opening '{{'"),
        "{{ }}": (1, "an empty merge field"),
        "a\n{% if past_due %}x{% endif %}": (2, "'{%' is not allowed"),
        "{# note #}": (1, "'{#' is not allowed"),
        "{{ customer_name\n}}": (1, "'{{' is not closed"),
    }
    for source, (line, text) in cases.items():
        problems = template_problems(source)
        assert problems, source
        assert problems[0].line == line, source
        assert text in problems[0].message, source
        assert problems[0].message.startswith(f"line {line}: ")


def test_items_only_where_allowed():
    problems = template_problems("Items {{ items }}", allow=FIELD_NAMES - {ITEMS})
    assert problems[0].message == "line 1: the merge field 'items' can only be used in the body"
    assert template_problems("Items:\n{{ items }}") == []


def test_single_braces_are_plain_text():
    assert template_problems("{customer_name} costs {5}") == []
    assert merge("{customer_name}", {"customer_name": "x"}) == "{customer_name}"


def test_shipped_templates_use_known_fields_only():
    for default in DEFAULTS.values():
        for lang in default.body:
            assert template_problems(default.body[lang]) == []
            assert template_problems(default.subject[lang], allow=FIELD_NAMES - {ITEMS}) == []


def test_language_fallback():
    en = TemplateText("t", "en", "s", "b")
    es = TemplateText("t", "es", "s", "b")
    only_es = {("t", "es"): es}
    both = {("t", "en"): en, ("t", "es"): es}
    assert text_for("t", "es-MX", both) is es
    assert text_for("t", "pt-BR", both) is en  # no Portuguese: English
    assert text_for("t", "", both) is en
    assert text_for("t", "en", only_es) is es  # no English: the first language it has
    assert text_for("other", "en", both) is None


def test_user_docs_list_every_merge_field():
    from pathlib import Path

    from openar.comms.merge import MERGE_FIELDS

    doc = (Path(__file__).parents[2] / "docs" / "templates.md").read_text()
    for f in MERGE_FIELDS:
        assert f"| `{f.name}` | {f.description} |" in doc, f.name
