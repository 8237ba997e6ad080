"""Date inputs carry ISO dates whatever the reader's language: a browser's date field takes
nothing else (the Spanish promise form pre-filled 13/12/2026 and could not be saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openar.activity.forms import PromiseForm
from openar.worklist.forms import LogCallForm


def test_the_spanish_promise_form_prefills_an_iso_date():
    with translation.override("es"):
        form = PromiseForm(initial={"promised_date": dt.date(2026, 12, 13)})
        html = str(form["promised_date"])
    assert 'value="2026-12-13"' in html and 'type="date"' in html


def test_an_iso_date_is_accepted_in_spanish():
    with translation.override("es"):
        form = LogCallForm(
            {"outcome": "promise_taken", "promise_amount": "10", "promise_date": "2026-12-13"}
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["promise_date"] == dt.date(2026, 12, 13)


@pytest.mark.django_db
def test_a_promise_typed_in_is_refused_beyond_the_horizon_or_above_the_balance(settings):
    from openar.activity.models import PromiseToPay
    from openar.activity.services import promise_record
    from openar.core.errors import ValidationError
    from tests.factories import DocumentFactory

    settings.OPENAR_PROMISE_HORIZON_DAYS = 60
    doc = DocumentFactory(amount=Decimal("300.00"))
    day = dt.date(2026, 6, 30)
    with pytest.raises(ValidationError) as exc:
        promise_record(
            customer=doc.customer, amount="100", currency="USD", actor="test", strict=True,
            promised_date=day + dt.timedelta(days=61), taken_on=day,
        )  # fmt: skip
    assert exc.value.field == "promised_date"
    with pytest.raises(ValidationError) as exc:
        promise_record(
            customer=doc.customer, amount="300.01", currency="USD", actor="test", strict=True,
            promised_date=day + dt.timedelta(days=5), taken_on=day,
        )  # fmt: skip
    assert exc.value.field == "amount"
    assert not PromiseToPay.objects.exists()
    promise_record(
        customer=doc.customer, amount="300.00", currency="USD", actor="test", strict=True,
        promised_date=day + dt.timedelta(days=60), taken_on=day,
    )  # fmt: skip
