"""Message rules: default templates and how they are filled. No I/O."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum


class SmsStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


# code: (title, in-app text, SMS text or None)
DEFAULT_TEMPLATES: dict[str, tuple[str, str, str | None]] = {
    "sms_code": ("短信验证码", "", "您的验证码为{code}，{minutes}分钟内有效，请勿泄露给他人。"),
    "account_credentials": (
        "账号已开通",
        "",
        "{name}，您的账号已开通。账号：{username}，初始密码：{password}，请登录后及时修改密码。",
    ),
    "account_registered": ("注册成功", "{name}，欢迎使用职业技能等级认定平台。", None),
    "application_submitted": (
        "报名已提交",
        "您报名的“{plan_title}”已提交，正在审核中（审核中仍可修改）。",
        "您报名的“{plan_title}”已提交，请等待审核。",
    ),
    "application_approved": (
        "报名审核通过",
        "您报名的“{plan_title}”审核通过，请在缴费截止前完成缴费。",
        "您报名的“{plan_title}”审核通过，请登录平台完成缴费。",
    ),
    "application_rejected": (
        "报名审核不通过",
        "您报名的“{plan_title}”审核不通过，原因：{reasons}。请修改后重新提交。",
        "您报名的“{plan_title}”审核不通过，原因：{reasons}。请登录平台修改后重新提交。",
    ),
    "pilot_approved": (
        "证书试点申报审核通过",
        "贵校申报的{year}年“{certificate_name}”试点已审核通过，"
        "批准培训人数 {approved_headcount} 人。",
        "贵校申报的{year}年“{certificate_name}”试点已审核通过，批准培训人数{approved_headcount}人。",
    ),
    "pilot_rejected": (
        "证书试点申报审核不通过",
        "贵校申报的{year}年“{certificate_name}”试点{level_text}审核不通过，原因：{reason}。"
        "请修改后重新提交。",
        "贵校申报的{year}年“{certificate_name}”试点{level_text}审核不通过，原因：{reason}。"
        "请登录平台修改后重新提交。",
    ),
    "order_paid": ("缴费成功", "您已成功缴费 {amount_yuan} 元，请等待考场编排。", None),
    "candidate_scheduled": (
        "考场编排完成",
        "准考证号 {ticket_number}，考点 {site_name}，考场 {room_name}，座位号 {seat_number}，"
        "考试时间 {exam_starts_at}。请下载打印准考证。",
        "您的准考证号为{ticket_number}，考试时间{exam_starts_at}，请登录平台下载准考证。",
    ),
    "result_determined": ("成绩结果", "您参加的考试结果为：{result_text}。", None),
    "application_forfeited": (
        "报名已视为自动放弃",
        "您报名的“{plan_title}”未在截止日期前寄送纸质材料，已视为自动放弃。原因：{reason}。",
        "您报名的“{plan_title}”未在截止日期前寄送纸质材料，已视为自动放弃。",
    ),
    "order_refunded": ("退费成功", "您缴纳的 {amount_yuan} 元考试费已原路退回。", None),
    "certificate_revoked": (
        "证书已撤销",
        "您的证书 {certificate_number} 已被撤销，原因：{reason}。",
        "您的职业技能等级证书{certificate_number}已被撤销。",
    ),
    "certificate_issued": (
        "证书已签发",
        "您的电子证书已签发，证书编号 {certificate_number}，可在平台下载或查验。",
        "您的职业技能等级证书已签发，证书编号{certificate_number}。",
    ),
}


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, params: Mapping[str, object]) -> str:
    """Fill `{placeholders}`; an unknown one renders empty rather than failing a delivery."""
    return string.Formatter().vformat(template, (), _Missing(params))


def retry_delay(attempts: int) -> timedelta:
    """Back-off between SMS attempts: 2 s, 4 s, 8 s … capped at 5 minutes."""
    return timedelta(seconds=min(2**attempts, 300))
