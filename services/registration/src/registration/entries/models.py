from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registration.base import Base
from skillcert.crypto import EncryptedText, blind_index_column, sync_blind_index


class ExamEntry(Base):
    """报考记录: a roster student an institution registered for an exam plan (为学生报考, seed
    003 §2.2.7), for every subject of the plan or the subjects it named. No eligibility review:
    the institution's approved quota (指标) of the plan's certificate for `year` covers it, one
    place per entry. Its id is the application id payment and exam-scheduling know it by."""

    __tablename__ = "exam_entries"
    __table_args__ = (
        # A person sits a plan once, whoever registered them.
        UniqueConstraint("plan_id", "id_number_hash"),
        # the places a quota has used: counted under the quota row's lock
        Index("ix_exam_entries_quota", "institution_id", "certificate_code", "year"),
        # the list of an institution's entries for a plan, newest first
        Index("ix_exam_entries_list", "institution_id", "plan_id", "entered_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    #: the institution's 学校标识码 (org_id of its staff)
    institution_id: Mapped[str] = mapped_column(String(50))
    plan_id: Mapped[UUID] = mapped_column(ForeignKey("exam_plans.plan_id"))
    #: the plan's occupation code: the quota's certificate
    certificate_code: Mapped[str] = mapped_column(String(50))
    #: the quota year (China time) the entry counts against
    year: Mapped[int] = mapped_column(Integer)
    #: the roster student (考生管理) registered; name and ID number as they were then
    student_id: Mapped[UUID]
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(EncryptedText())
    id_number_hash: Mapped[str] = blind_index_column()
    #: the plan subjects (科目代码) the student sits
    subject_codes: Mapped[list[str]] = mapped_column(JSON)
    #: the 参考对象 (target group) the student sits as, when a subject of theirs names groups
    audience: Mapped[str | None] = mapped_column(String(50), default=None)
    entered_by: Mapped[UUID]
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


sync_blind_index(ExamEntry.id_number, ExamEntry.id_number_hash)
