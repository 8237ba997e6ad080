"""Letterheads of the demo entities: addresses and a plain logo, so letters and statements look
like a company's."""

from __future__ import annotations

from typing import Any

from openar.comms.services import letterhead_save
from openar.ledger.models import Entity

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    '<rect width="40" height="40" rx="6" fill="#1f4e79"/>'
    '<text x="20" y="27" font-size="18" text-anchor="middle" fill="#fff" '
    'font-family="DejaVu Sans, sans-serif">AR</text></svg>'
)

# entity: (postal address, phone)
ADDRESSES = {
    "US01": ("500 Market Street, Suite 1200\nSan Francisco, CA 94105", "+1 415 555 0100"),
    "MX01": ("Av. Paseo de la Reforma 250, Piso 9\n06600 Ciudad de México", "+52 55 5555 0100"),
    "ES01": ("Calle de Alcalá 120, 3ª planta\n28009 Madrid", "+34 910 555 010"),
    "CR01": ("Edificio Torre Sabana, piso 4\nSan José 10108", "+506 2555 0100"),
    "PH01": ("Ayala Avenue 6750, 20th floor\nMakati City 1226", "+63 2 8555 0100"),
}


def demo_letterheads(*, actor: Any = "demo-data") -> int:
    """A letterhead for every demo entity; returns how many were written."""
    written = 0
    for entity in Entity.objects.filter(code__in=ADDRESSES):
        address, phone = ADDRESSES[entity.code]
        letterhead_save(
            entity=entity,
            actor=actor,
            address=address,
            phone=phone,
            email=f"collections.{entity.code.lower()}@openar-demo.example",
            website="openar-demo.example",
            logo_svg=LOGO,
        )
        written += 1
    return written
