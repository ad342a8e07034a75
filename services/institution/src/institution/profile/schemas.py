from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from institution.profile.models import InstitutionProfile
from institution.profile.rules import InstitutionType
from skillcert.pii import mask_phone


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    province: str = Field(max_length=6)
    city: str = Field(max_length=6)
    county: str | None = Field(default=None, max_length=6)
    street: str = Field(min_length=1, max_length=200, description="详细地址")


class AddressOut(AddressIn):
    model_config = ConfigDict(extra="ignore")


class BaseInfoIn(BaseModel):
    """完善院校基础信息; the name is the directory's, the code the institution's own."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: InstitutionType
    credit_code: str = Field(min_length=1, max_length=18, description="统一社会信用代码")
    website: HttpUrl | None = None
    education_department: str = Field(min_length=1, max_length=100, description="省教育行政部门")
    address: AddressIn
    contact_name: str = Field(min_length=1, max_length=50)
    contact_phone: str = Field(pattern=r"^1[3-9]\d{9}$")
    contact_email: str = Field(max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class BaseInfoOut(BaseModel):
    institution_code: str
    name: str
    complete: bool = Field(description="required before the first pilot application")
    type: InstitutionType | None = None
    credit_code: str | None = None
    website: str | None = None
    education_department: str | None = None
    address: AddressOut | None = None
    contact_name: str | None = None
    contact_phone: str | None = Field(default=None, description="masked")
    contact_email: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def of(cls, code: str, name: str, profile: InstitutionProfile | None) -> BaseInfoOut:
        if profile is None:
            return cls(institution_code=code, name=name, complete=False)
        return cls(
            institution_code=code,
            name=name,
            complete=True,
            type=InstitutionType(profile.type),
            credit_code=profile.credit_code,
            website=profile.website,
            education_department=profile.education_department,
            address=AddressOut(
                province=profile.province,
                city=profile.city,
                county=profile.county,
                street=profile.street,
            ),
            contact_name=profile.contact_name,
            contact_phone=mask_phone(profile.contact_phone),
            contact_email=profile.contact_email,
            updated_at=profile.updated_at,
        )
