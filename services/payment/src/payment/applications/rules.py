"""Payable-application rules. No I/O."""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    APPROVED = "approved"  # 审核通过: may pay
    WITHDRAWN = "withdrawn"  # 已撤回: final, a late approval does not revive it
