from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from registration.base import Base
from skillcert.crypto import EncryptedText, blind_index_column, sync_blind_index


class RosterStudent(Base):
    """考生 in 考生管理: a student (院校考生) or trainee (社会考生) on an institution's roster,
    imported once and used for every exam they register for."""

    __tablename__ = "roster_students"
    __table_args__ = (
        # A person is on an institution's roster once; re-importing updates them.
        UniqueConstraint("institution_id", "id_number_hash"),
        # the roster list: an institution's students, newest first
        Index("ix_roster_students_institution_imported", "institution_id", "imported_at", "id"),
        # which institution lists an ID number (latest first), for the application submit path
        Index("ix_roster_students_id_number_imported", "id_number_hash", "imported_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    #: the institution admin's org_id (试点院校/考核站点)
    institution_id: Mapped[str] = mapped_column(String(50))
    student_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    name_pinyin: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(30))
    # Encrypted at rest, found and kept unique by the keyed hash (skillcert.crypto).
    id_number: Mapped[str] = mapped_column(EncryptedText())
    id_number_hash: Mapped[str] = blind_index_column()
    phone: Mapped[str] = mapped_column(EncryptedText())
    # 就读专业, 专业层次, 入学年份: required of school students, optional for trainees
    major: Mapped[str | None] = mapped_column(String(100))
    major_level: Mapped[str | None] = mapped_column(String(20))
    enrolment_year: Mapped[int | None] = mapped_column(Integer)
    #: when the institution put the student on its roster; a re-import does not move it
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: 考生照片 (rules.PhotoStatus): only a checked photo is ever stored, under `photo_key`
    photo_status: Mapped[str] = mapped_column(
        String(20), default="missing", server_default="missing"
    )
    photo_key: Mapped[str | None] = mapped_column(String(200))
    photo_content_type: Mapped[str | None] = mapped_column(String(50))
    photo_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: 实名认证 (rules.IdentityStatus); the last 人工确认 (also in the audit records)
    identity_status: Mapped[str] = mapped_column(
        String(20), default="unchecked", server_default="unchecked"
    )
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    identity_confirmed_by: Mapped[str | None] = mapped_column(String(100))
    identity_confirmation_reason: Mapped[str | None] = mapped_column(String(200))


class RosterAuditRecord(Base):
    """操作记录 of the roster that the law or the seed asks to be traceable: a 人工确认 of a
    student's identity (who, when, why) and an export with full ID numbers (批量导出, PIPL)."""

    __tablename__ = "roster_audit_records"
    __table_args__ = (
        Index("ix_roster_audit_records_institution_at", "institution_id", "at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    institution_id: Mapped[str] = mapped_column(String(50))
    #: identity_confirmed | exported
    action: Mapped[str] = mapped_column(String(30))
    #: the student confirmed; none for an export (a student may be deleted later: no FK)
    student_id: Mapped[UUID | None] = mapped_column(Uuid)
    student_name: Mapped[str | None] = mapped_column(String(50))
    actor_account_id: Mapped[UUID] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(200))
    #: how many students an export held
    student_count: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


sync_blind_index(RosterStudent.id_number, RosterStudent.id_number_hash)
