"""Events and helpers the review tests share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select

from review.cases.models import AuditEntry, CaseDecision, ReviewCase
from skillcert.events import (
    ApplicationResubmitted,
    ApplicationSubmitted,
    ExamPlanPublished,
    PlanCondition,
    PlanSubject,
    PriorCertificate,
    SubmittedDocument,
    WorkPeriod,
)
from skillcert.messaging import outbox_table
from skillcert.testing import ServiceHarness

ORG = "ORG-DEMO"
OTHER_ORG = "ORG-OTHER"
VALID_ID = "110101199003074514"
BAD_ID = "110101199003074515"
LEVEL1_MATERIALS = ["id_front", "id_back", "photo", "application_form", "prior_certificate"]
OCCUPATION_CODE = "4-01-02-02"
RELATED = ["营销员", "互联网营销师"]


def plan_published(org_id: str = ORG, plan_id: UUID | None = None, **overrides: Any):
    opens = datetime(2026, 9, 1, tzinfo=UTC)
    values: dict[str, Any] = {
        "plan_id": plan_id or uuid4(),
        "org_id": org_id,
        "org_name": "示例培训评价组织",
        "title": "2026年电子商务师一级认定",
        "occupation_code": OCCUPATION_CODE,
        "occupation_name": "电子商务师",
        "level": 1,
        "level_name": "一级/高级技师",
        "registration_opens_at": opens,
        "registration_closes_at": opens + timedelta(days=30),
        "exam_starts_at": opens + timedelta(days=60),
        "exam_ends_at": opens + timedelta(days=60, hours=3),
        "fee_fen": 50000,
        "subjects": [PlanSubject(code="T1", name="理论知识", method="computer")],
        "conditions": [
            PlanCondition(
                code="L2_PLUS_4Y",
                title="取得本职业二级/技师证书后，累计从事本职业工作满4年",
                prior_level=2,
                min_years_after_prior=4,
                related_occupations=RELATED,
                required_materials=LEVEL1_MATERIALS,
            )
        ],
    }
    values.update(overrides)
    return ExamPlanPublished(**values)


def documents(*kinds: str) -> list[SubmittedDocument]:
    kinds = kinds or tuple(LEVEL1_MATERIALS)
    return [
        SubmittedDocument(
            kind=kind,
            object_key=f"applications/{uuid4()}/{kind}.jpg",
            content_type="image/jpeg",
            size=60 * 1024,
        )
        for kind in kinds
    ]


def prior(**overrides: Any) -> PriorCertificate:
    """A level-2 certificate of the plan's own occupation, issued in May 2018."""
    values: dict[str, Any] = {
        "occupation_code": OCCUPATION_CODE,
        "occupation_name": "电子商务师",
        "level": 2,
        "certificate_number": "S000044000001234",
        "issued_on": date(2018, 5, 20),
    }
    values.update(overrides)
    return PriorCertificate(**values)


def period(start: str, end: str | None, unit: str = "某某电子商务有限公司") -> WorkPeriod:
    """A work history entry from "YYYY-MM" to "YYYY-MM" (None: still there)."""

    def month(value: str) -> date:
        year, mon = value.split("-")
        return date(int(year), int(mon), 1)

    return WorkPeriod(
        from_month=month(start),
        to_month=month(end) if end is not None else None,
        unit=unit,
        post="运营主管",
        referee="李四",
        referee_phone="13900139000",
    )


# 2012-03..2016-06 (52 months) and 2016-07..2025-12 (114 months): 166 months, 91 after 2018-05.
HISTORY = [period("2012-03", "2016-06", "甲公司"), period("2016-07", "2025-12", "乙公司")]
HISTORY_MONTHS = 166


def filed(
    plan_id: UUID,
    *,
    cls: type[ApplicationSubmitted] | type[ApplicationResubmitted] = ApplicationSubmitted,
    **overrides: Any,
):
    values: dict[str, Any] = {
        "application_id": uuid4(),
        "candidate_id": uuid4(),
        "plan_id": plan_id,
        "org_id": ORG,
        "revision": 1,
        "candidate_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "birth_date": date(1990, 3, 7),
        "condition_code": "L2_PLUS_4Y",
        "years_worked": 5,
        "documents": documents(),
        "submitted_at": datetime.now(UTC),
        "prior_certificate": prior(),
        "work_history": HISTORY,
        "total_work_months": HISTORY_MONTHS,
    }
    values.update(overrides)
    return cls(**values)


def resubmitted(previous: ApplicationSubmitted | ApplicationResubmitted, **overrides: Any):
    values = previous.model_dump(exclude={"type", "event_id", "occurred_at"})
    values.update(revision=previous.revision + 1, submitted_at=datetime.now(UTC))
    values.update(overrides)
    return ApplicationResubmitted(**values)


async def count(harness: ServiceHarness, model: Any) -> int:
    async with harness.ctx.sessionmaker() as session:
        query = select(func.count()).select_from(model)
        return int((await session.execute(query)).scalar_one())


async def case_of(harness: ServiceHarness, application_id: UUID) -> ReviewCase:
    async with harness.ctx.sessionmaker() as session:
        query = select(ReviewCase).where(ReviewCase.application_id == application_id)
        return (await session.execute(query)).scalar_one()


async def written(harness: ServiceHarness) -> tuple[int, int, int, list[str]]:
    """What a failed request must not have changed: decisions, audit, outbox, statuses."""
    async with harness.ctx.sessionmaker() as session:
        statuses = (await session.execute(select(ReviewCase.status))).scalars().all()
    return (
        await count(harness, CaseDecision),
        await count(harness, AuditEntry),
        await count(harness, outbox_table),
        sorted(statuses),
    )
