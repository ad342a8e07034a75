"""Payable-application rules. No I/O."""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    APPROVED = "approved"  # 审核通过: may pay
    WITHDRAWN = "withdrawn"  # 已撤回: final, a late approval does not revive it


def normalise_id_number(value: str) -> str:
    """ID numbers compare without surrounding spaces and with an upper-case check digit X:
    spreadsheets and forms spell it either way."""
    return value.strip().upper()
