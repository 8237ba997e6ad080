"""ledger.services.documents_dispute_flag: many documents flagged at once, each audited."""

from __future__ import annotations

import pytest

from openar.core.models import AuditEvent
from openar.ledger.models import Document
from openar.ledger.services.offsets import documents_dispute_flag
from tests.factories import CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_many_documents_flagged_with_one_audit_event_each():
    # Cash application flags the short-paid documents of a whole statement in one call: far
    # more ids than fit in one audit row's object id (80 characters on PostgreSQL).
    customer = CustomerFactory()
    docs = [DocumentFactory(customer=customer) for _ in range(40)]
    ids = [d.pk for d in docs]

    assert documents_dispute_flag(document_ids=ids + ids[:5], disputed=True, actor="tester") == 40
    assert Document.objects.filter(pk__in=ids, disputed=True).count() == 40
    events = AuditEvent.objects.filter(action="document.dispute_flag")
    assert sorted(int(e.object_id) for e in events) == sorted(ids)
    first = events.get(object_id=str(docs[0].pk))
    assert first.before == {"disputed": False} and first.after == {"disputed": True}
    assert docs[0].document_ref in first.summary

    # Flagging again changes nothing and records nothing; clearing one is one more event.
    assert documents_dispute_flag(document_ids=ids, disputed=True, actor="tester") == 0
    assert documents_dispute_flag(document_ids=ids[:1], disputed=False, actor="tester") == 1
    assert AuditEvent.objects.filter(action="document.dispute_flag").count() == 41
