from __future__ import annotations

from pathlib import Path

CUSTOMERS_HEADER = (
    "customer_ref,name,parent_ref,entity,currency,credit_limit,payment_terms_days,language,"
    "country,collector,segment,email,phone"
)
ITEMS_HEADER = (
    "entity,customer_ref,document_ref,document_type,document_date,due_date,currency,amount,"
    "open_amount,cleared_date,reference,po_number,disputed"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def customers_csv(tmp_path: Path, *rows: str, name: str = "customers.csv") -> Path:
    return write(tmp_path, name, "\n".join([CUSTOMERS_HEADER, *rows]) + "\n")


def items_csv(tmp_path: Path, *rows: str, name: str = "items.csv") -> Path:
    return write(tmp_path, name, "\n".join([ITEMS_HEADER, *rows]) + "\n")
