from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from exam_scheduling.fields import (
    Code,
    Email,
    Mobile,
    Region,
    Text50,
    Text100,
    Text200,
    Text500,
    Text1000,
)
from exam_scheduling.sites.models import Room, Site, SiteAttachment, SiteBorrowing
from exam_scheduling.sites.rules import (
    MAX_ATTACHMENT_BYTES,
    MAX_ROOM_CAPACITY,
    MIN_ROOM_CAPACITY,
)

RoomTypeName = Literal["computer", "practical", "written"]
AttachmentType = Literal[
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]


class SiteCertificateIn(BaseModel):
    """A certificate (考核证书) the site applies to hold exams for: occupation and level."""

    model_config = ConfigDict(extra="forbid")

    occupation_code: Code
    level: int = Field(ge=1, le=5)


class SiteIn(BaseModel):
    """An application for an exam site (申报考核站点) by the caller's own institution. A
    recognisable name follows 学校名称 + 证书简称 + 考核站点."""

    model_config = ConfigDict(extra="forbid")

    name: Text100
    org_id: Code  # 申报对象: the certifying organisation
    institution_name: Text100
    province_code: Region
    city_code: Region
    county_code: Region | None = None
    address: Text200
    description: Text1000
    contact_name: Text50
    contact_phone: Mobile
    contact_email: Email
    certificates: list[SiteCertificateIn] = Field(min_length=1, max_length=20)


class SiteDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text200


class RoomIn(BaseModel):
    """A room (考场) of a site for one exam plan."""

    model_config = ConfigDict(extra="forbid")

    plan_id: UUID
    name: Text50
    room_type: RoomTypeName
    capacity: int = Field(ge=MIN_ROOM_CAPACITY, le=MAX_ROOM_CAPACITY)
    address: Text200


class RoomEditIn(BaseModel):
    """编辑考场: the room's name, type, seats and address; it stays with its plan."""

    model_config = ConfigDict(extra="forbid")

    name: Text50
    room_type: RoomTypeName
    capacity: int = Field(ge=MIN_ROOM_CAPACITY, le=MAX_ROOM_CAPACITY)
    address: Text200


class CopyRoomsIn(BaseModel):
    """沿用之前的考场设置: copy the rooms the site had for `from_plan_id` (by default the latest
    earlier plan it had rooms for) to `plan_id`."""

    model_config = ConfigDict(extra="forbid")

    plan_id: UUID
    from_plan_id: UUID | None = None


class BorrowingIn(BaseModel):
    """借考: an institution without a site asks the organisation to seat its candidates at
    another institution's site."""

    model_config = ConfigDict(extra="forbid")

    org_id: Code
    institution_name: Text100
    occupation_code: Code
    level: int = Field(ge=1, le=5)
    candidate_count: int = Field(ge=1, le=10_000)
    note: Text500 | None = None


class AssignSiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: UUID


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    site_id: UUID
    plan_id: UUID | None
    number: int
    name: str
    room_type: RoomTypeName
    capacity: int
    address: str | None


class SiteCertificateOut(BaseModel):
    occupation_code: str
    level: int


class SiteOut(BaseModel):
    """An exam site application (考核站点) as its institution and organisation see it."""

    id: UUID
    name: str
    institution_id: str
    institution_name: str
    org_id: str
    org_name: str
    province_code: str | None
    city_code: str | None
    county_code: str | None
    region: str  # 所在区域 as a person reads it
    address: str
    description: str
    contact_name: str
    contact_phone: str
    contact_email: str
    certificates: list[SiteCertificateOut]
    status: str
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, site: Site, region: str) -> SiteOut:
        return cls(
            id=site.id,
            name=site.name,
            institution_id=site.institution_id,
            institution_name=site.institution_name,
            org_id=site.org_id,
            org_name=site.org_name,
            province_code=site.province_code,
            city_code=site.city_code,
            county_code=site.county_code,
            region=region,
            address=site.address,
            description=site.description,
            contact_name=site.contact_name,
            contact_phone=site.contact_phone,
            contact_email=site.contact_email,
            certificates=[SiteCertificateOut.model_validate(c) for c in site.certificates],
            status=site.status,
            decided_at=site.decided_at,
            decision_reason=site.decision_reason,
            created_at=site.created_at,
        )


class PlanRoomsOut(BaseModel):
    """A plan the site serves, with the rooms set up for it."""

    plan_id: UUID
    plan_number: str
    plan_title: str
    exam_starts_at: datetime
    rooms: list[RoomOut]


class SiteRoomsOut(BaseModel):
    """考场管理: a site's rooms per exam plan it serves, newest exam first; `standing` are rooms
    set up before rooms were per exam (they serve every plan)."""

    site_id: UUID
    plans: list[PlanRoomsOut]
    standing: list[RoomOut]


class BorrowingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    institution_id: str
    institution_name: str
    org_id: str
    occupation_code: str
    level: int
    candidate_count: int
    note: str
    status: str
    site_id: UUID | None
    site_name: str | None = None
    decision_reason: str | None
    decided_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, row: SiteBorrowing, site_name: str | None) -> BorrowingOut:
        out = cls.model_validate(row)
        out.site_name = site_name
        return out


class OrganisationOut(BaseModel):
    """A certifying organisation (培训评价组织) an institution may apply to."""

    org_id: str
    name: str


def room_out(room: Room) -> RoomOut:
    return RoomOut.model_validate(room)


class AttachmentIn(BaseModel):
    """A supporting document to upload (其他佐证材料): a PDF or Word file up to 20 MB."""

    model_config = ConfigDict(extra="forbid")

    file_name: Text100
    content_type: AttachmentType
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES)


class AttachmentOut(BaseModel):
    id: UUID
    file_name: str
    content_type: str
    size: int
    status: str
    created_at: datetime
    # A short-lived link, for an accepted file.
    download_url: str | None = None

    @classmethod
    def from_model(cls, row: SiteAttachment, download_url: str | None = None) -> AttachmentOut:
        return cls(
            id=row.id,
            file_name=row.file_name,
            content_type=row.content_type,
            size=row.size,
            status=row.status,
            created_at=row.created_at,
            download_url=download_url,
        )


class SiteUploadOut(BaseModel):
    """POST: a multipart form to `url` with `fields` and the file last as `file` (the storage
    server refuses a file over the limit or of another type). PUT: the bytes with `headers`."""

    method: str
    url: str
    headers: dict[str, str]
    fields: dict[str, str] = {}
    expires_in_s: int


class AttachmentUploadOut(BaseModel):
    attachment: AttachmentOut
    upload: SiteUploadOut
