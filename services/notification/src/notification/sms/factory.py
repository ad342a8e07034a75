"""The sender the configuration names."""

from __future__ import annotations

from notification.config import NotificationSettings
from notification.sms.rules import SmsProvider
from notification.sms.senders import AliyunSmsSender, DevSmsSender, SmsSender, TencentSmsSender


def build_sender(settings: NotificationSettings) -> SmsSender:
    """The sender `settings.sms_provider` names (the settings refuse dev in prod)."""
    if settings.sms_provider is SmsProvider.ALIYUN:
        return AliyunSmsSender(
            access_key_id=settings.aliyun_access_key_id,
            access_key_secret=settings.aliyun_access_key_secret.get_secret_value(),
            templates=settings.sms_templates,
            endpoint=settings.aliyun_sms_endpoint,
            region=settings.aliyun_region,
            timeout_s=settings.sms_timeout_s,
        )
    if settings.sms_provider is SmsProvider.TENCENT:
        return TencentSmsSender(
            secret_id=settings.tencent_secret_id,
            secret_key=settings.tencent_secret_key.get_secret_value(),
            sdk_app_id=settings.tencent_sms_sdk_app_id,
            templates=settings.sms_templates,
            endpoint=settings.tencent_sms_endpoint,
            region=settings.tencent_region,
            timeout_s=settings.sms_timeout_s,
        )
    return DevSmsSender()
