from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from gateway.accounts.rules import (
    CODE_PATTERN,
    ORG_BOUND_ROLES,
    PHONE_PATTERN,
    STAFF_ROLES,
    USERNAME_PATTERN,
    SmsPurpose,
    password_problem,
)
from skillcert.auth import Role

Phone = Field(pattern=PHONE_PATTERN, description="中国大陆手机号", examples=["13800138000"])
Code = Field(pattern=CODE_PATTERN, description="6 位短信验证码")
Password = Field(min_length=1, max_length=200, description="至少 8 位，须同时包含字母和数字")


def _check_password(value: str) -> str:
    problem = password_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class SmsCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Phone
    purpose: SmsPurpose


class SmsCodeSentOut(BaseModel):
    expires_in_s: int
    resend_after_s: int


class RegisterIn(BaseModel):
    """Candidate sign-up (考生注册)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str = Phone
    code: str = Code
    password: str = Password
    name: str = Field(min_length=1, max_length=50, description="姓名")

    _password = field_validator("password")(_check_password)


class PhoneProofIn(BaseModel):
    """An SMS code (purpose `register`) exchanged for a phone proof: the institution service
    signs an institution up with it (it does not own SMS codes)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str = Phone
    code: str = Code


class PhoneProofOut(BaseModel):
    phone_proof: str
    expires_in_s: int


class InstitutionAdminIn(BaseModel):
    """A business admin (试点院校业务管理员) of the head's own institution."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="小写字母开头的用户名")
    name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    password: str = Password

    _password = field_validator("password")(_check_password)


class CityReviewerIn(BaseModel):
    """A city-level reviewer (地市级教育行政部门审核员) of a city in the admin's province."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="小写字母开头的用户名")
    name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    password: str = Password
    city: str = Field(pattern=r"^\d{6}$", description="GB/T 2260 city code (地级)")

    _password = field_validator("password")(_check_password)


class DutyAccountIn(BaseModel):
    """An exam-day duty account: an invigilator (监考人员) made by an institution, an inspector
    (巡考人员) made by an organisation. The first password goes to the phone by SMS, so the
    phone is required and no password is chosen here."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="小写字母开头的用户名")
    name: str = Field(min_length=1, max_length=100)
    phone: str = Phone


class TokenOut(BaseModel):
    account_id: UUID
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    role: Role
    refresh_token: str | None = Field(
        description="刷新令牌: exchange it once at POST /sessions/refresh for new tokens; null "
        "when it was set as the HttpOnly cookie instead (X-Refresh-Cookie: 1, the web app)"
    )
    refresh_expires_in: int


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(
        default=None,
        min_length=20,
        max_length=200,
        description="the refresh token; omitted by the web app, whose token is in the cookie",
    )


class LoginIn(BaseModel):
    """登录: a password, or for a phone an SMS code sent for purpose login."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    login: str = Field(min_length=1, max_length=50, description="手机号或工作人员用户名")
    password: str | None = Field(default=None, min_length=1, max_length=200)
    # Validated even when omitted: one of password and code is required.
    code: str | None = Field(default=None, pattern=CODE_PATTERN, validate_default=True)

    @field_validator("code")
    @classmethod
    def _password_or_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        password = info.data.get("password")
        if value is None and password is None and "password" in info.data:
            raise ValueError("请填写密码或短信验证码")
        if value is not None and password is not None:
            raise ValueError("密码和短信验证码只需填写一项")
        return value


class PasswordResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Phone
    code: str = Code
    new_password: str = Password

    _password = field_validator("new_password")(_check_password)


class StaffAccountIn(BaseModel):
    """A staff account created by ops (工作人员账号)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="小写字母开头的用户名")
    name: str = Field(min_length=1, max_length=100)
    role: Role
    # Validated even when omitted: whether it is required depends on the role.
    org_id: str | None = Field(default=None, min_length=1, max_length=50, validate_default=True)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    password: str = Password

    _password = field_validator("password")(_check_password)

    @field_validator("role")
    @classmethod
    def _staff_role(cls, value: Role) -> Role:
        if value not in STAFF_ROLES:
            raise ValueError("考生账号请通过手机号注册")
        return value

    @field_validator("org_id")
    @classmethod
    def _org_matches_role(cls, value: str | None, info: ValidationInfo) -> str | None:
        role = info.data.get("role")  # absent when the role itself was invalid
        if role in ORG_BOUND_ROLES and value is None:
            raise ValueError("该角色须指定所属机构（org_id）")
        if role is Role.OPS and value is not None:
            raise ValueError("运维账号不属于任何机构，请勿填写 org_id")
        return value


class StaffAccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account_id: UUID
    username: str
    name: str
    role: Role
    org_id: str | None
    phone: str | None = Field(description="脱敏后的手机号")
