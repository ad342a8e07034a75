"""Every column of every service that holds a resident ID number or a phone is encrypted at
rest (skillcert.crypto.EncryptedText); a column added later with such a name and a plain type
fails here. Hash columns (`…_hash`) hold keyed hashes, never the value."""

import importlib
import re

import pytest
from sqlalchemy import MetaData

from skillcert.crypto import EncryptedText

SERVICES = [
    "gateway",
    "registration",
    "review",
    "exam_scheduling",
    "payment",
    "scoring",
    "certificate",
    "notification",
    "institution",
]

PERSONAL = re.compile(r"(^|_)(id_number|phone|mobile)$")

#: columns named like personal data that hold something else, and why
NOT_PERSONAL: dict[str, str] = {
    # keyed hash of the login as typed (phone or username), not the login
    "gateway.login_throttles.login": "keyed hash",
}


def metadata_of(service: str) -> MetaData:
    importlib.import_module(f"{service}.main")  # registers every table, as migrations/env.py
    metadata: MetaData = importlib.import_module(f"{service}.base").Base.metadata
    return metadata


@pytest.mark.parametrize("service", SERVICES)
def test_personal_columns_are_encrypted(service: str):
    metadata = metadata_of(service)
    personal = [
        (table.name, column)
        for table in metadata.tables.values()
        for column in table.columns
        if PERSONAL.search(column.name)
    ]
    plain = [
        f"{service}.{table}.{column.name}"
        for table, column in personal
        if not isinstance(column.type, EncryptedText)
        and f"{service}.{table}.{column.name}" not in NOT_PERSONAL
    ]
    assert plain == []


def test_every_service_has_some():
    """The name pattern still finds what it should (it found these when it was written)."""
    found = set()
    for service in SERVICES:
        metadata = metadata_of(service)
        found |= {
            f"{service}.{t.name}.{c.name}"
            for t in metadata.tables.values()
            for c in t.columns
            if isinstance(c.type, EncryptedText)
        }
    assert {
        "gateway.accounts.phone",
        "registration.roster_students.id_number",
        "payment.payable_applications.id_number",
        "notification.sms_deliveries.phone",
        "institution.institution_heads.phone",
    } <= found
