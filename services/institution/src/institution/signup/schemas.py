from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SignUpIn(BaseModel):
    """注册账号: province and city, then an institution of the list (its name typed as the list
    has it), and the phone proven by an SMS code (the gateway's `POST /phone-proofs`)."""

    model_config = ConfigDict(extra="forbid")

    province: str = Field(max_length=6, description="GB/T 2260 province code")
    city: str = Field(max_length=6, description="GB/T 2260 city code")
    institution_code: str = Field(max_length=10, description="学校标识码")
    institution_name: str = Field(min_length=1, max_length=100)
    phone_proof: str = Field(min_length=1, max_length=2000)


class SignUpOut(BaseModel):
    institution_code: str
    institution_name: str
    username: str = Field(description="the head's login name; the password comes by SMS")
    phone: str = Field(description="masked")
