"""The providers' receipt (回执) formats, as their documents give them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AliyunReport(BaseModel):
    """One item of Aliyun SMS's SmsReport HTTP batch push (HTTP批量推送)."""

    model_config = ConfigDict(extra="ignore")

    phone_number: str
    success: bool
    err_code: str = ""
    err_msg: str = ""
    biz_id: str = ""
    out_id: str = ""
    report_time: str = ""


class TencentReport(BaseModel):
    """One item of Tencent Cloud SMS's status callback (短信下发状态回调)."""

    model_config = ConfigDict(extra="ignore")

    mobile: str
    report_status: str
    errmsg: str = ""
    description: str = ""
    sid: str
    user_receive_time: str = ""
