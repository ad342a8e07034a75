"""The mailer the configuration names, if any."""

from __future__ import annotations

from notification.config import NotificationSettings
from notification.mail.sender import SmtpConfig, SmtpMailer


def build_mailer(settings: NotificationSettings) -> SmtpMailer | None:
    if not settings.smtp_host:  # unset, or set empty by a deploy file
        return None
    return SmtpMailer(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() or None,
            security=settings.smtp_security,
        )
    )
