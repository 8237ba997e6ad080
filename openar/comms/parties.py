"""Who a message is from and to, read in bulk: the customer, its entity's letterhead and bank
accounts, and the collector who sends it."""

from __future__ import annotations

from dataclasses import dataclass

from openar.comms.documents import Party
from openar.comms.selectors import letterheads, payment_accounts
from openar.ledger.models import Customer


@dataclass
class Recipient(Party):
    customer_id: int = 0
    email: str = ""
    language: str = ""
    country: str = ""
    time_zone: str = ""
    collector_name: str = ""
    collector_email: str = ""


def postal_address(attributes: dict | None) -> str:
    """The customer's street address (``attributes.address`` or ``postal_address``), or ""."""
    return str((attributes or {}).get("address") or (attributes or {}).get("postal_address") or "")


# The last line of an address block names the country in capitals (as postal services ask);
# a country not listed here keeps its ISO code.
COUNTRY_NAMES = {
    "US": "UNITED STATES", "MX": "MEXICO", "CR": "COSTA RICA", "PH": "PHILIPPINES",
    "ES": "SPAIN", "CA": "CANADA", "GB": "UNITED KINGDOM", "DE": "GERMANY", "FR": "FRANCE",
    "BR": "BRAZIL", "CO": "COLOMBIA", "PA": "PANAMA", "GT": "GUATEMALA", "PE": "PERU",
    "CL": "CHILE", "AR": "ARGENTINA", "PT": "PORTUGAL",
}  # fmt: skip


def postal_block(name: str, attributes: dict, country: str) -> str:
    """The customer's name, postal address (``attributes.address``, one line per line) and
    country, as printed in a window envelope."""
    address = postal_address(attributes)
    country_line = COUNTRY_NAMES.get((country or "").upper(), country)
    lines = [name, *str(address).strip().splitlines(), country_line]
    return "\n".join(line.strip() for line in lines if line and line.strip())


def parties_for(customer_ids: list[int]) -> dict[int, Recipient]:
    rows = list(
        Customer.objects.filter(id__any_of=customer_ids).values(
            "id",
            "customer_ref",
            "name",
            "currency",
            "language",
            "email",
            "country",
            "attributes",
            "entity_id",
            "entity__name",
            "collector__first_name",
            "collector__last_name",
            "collector__username",
            "collector__email",
        )
    )
    entity_ids = sorted({r["entity_id"] for r in rows})
    heads = letterheads(entity_ids)
    banks = payment_accounts(entity_ids)
    out = {}
    for r in rows:
        attrs = r["attributes"] or {}
        collector = " ".join(
            p for p in (r["collector__first_name"], r["collector__last_name"]) if p
        ) or (r["collector__username"] or "")
        out[r["id"]] = Recipient(
            customer_ref=r["customer_ref"],
            customer_name=r["name"],
            customer_currency=r["currency"],
            postal_block=postal_block(r["name"], attrs, r["country"]),
            entity_name=r["entity__name"],
            letterhead=heads.get(r["entity_id"]),
            payment_accounts=banks.get(r["entity_id"], []),
            customer_id=r["id"],
            email=(r["email"] or "").strip(),
            language=r["language"] or "",
            country=r["country"] or "",
            time_zone=str(attrs.get("time_zone") or ""),
            collector_name=collector,
            collector_email=r["collector__email"] or "",
        )
    return out
