"""SMS provider rules: which provider error codes are worth a retry, receipt states. No I/O."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from skillcert.states import StateMachine


class SmsProvider(StrEnum):
    DEV = "dev"
    ALIYUN = "aliyun"
    TENCENT = "tencent"


class ProviderTemplate(BaseModel):
    """One message template as a provider knows it: the code the provider gave the approved
    template, the approved signature (签名) and, in the provider template's order, the names of
    our parameters (Tencent takes a list; Aliyun a JSON object, keyed by the same names)."""

    template_code: str = Field(min_length=1)
    sign_name: str = Field(min_length=1)
    params: list[str] = Field(default_factory=list)


class Delivery(StrEnum):
    """What the handset's carrier said, from the provider's receipt (回执)."""

    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"


#: A receipt sets the delivery once (none → delivered | undelivered); a repeated or late one
#: changes nothing, so providers pushing the same report again is harmless.
_DELIVERY_TARGETS: dict[Delivery | None, set[Delivery | None]] = {
    None: {Delivery.DELIVERED, Delivery.UNDELIVERED}
}
DELIVERY = StateMachine.of_targets(_DELIVERY_TARGETS)


class SmsSendError(Exception):
    """The provider refused or could not take the message. `permanent`: sending it again cannot
    succeed (bad number, unapproved template or signature, daily cap for the number)."""

    def __init__(self, provider: SmsProvider, code: str, message: str, *, permanent: bool):
        super().__init__(f"{provider} {code}: {message}")
        self.provider, self.code, self.permanent = provider, code, permanent


class TemplateNotConfigured(SmsSendError):
    def __init__(self, provider: SmsProvider, template_code: str):
        super().__init__(
            provider,
            "TemplateNotConfigured",
            f"no {provider} template for {template_code}",
            permanent=True,
        )


# Aliyun dysmsapi SendSms error codes (短信服务错误码). Unlisted codes are retried: the attempts
# are bounded, and an unknown code is more often a passing fault than a verdict on the message.
ALIYUN_PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_SIGN_ILLEGAL",
        "isv.INVALID_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_CONTENT_ILLEGAL",
        "isv.DAY_LIMIT_CONTROL",
        "isv.EXTEND_CODE_ERROR",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    }
)

# Tencent Cloud SMS SendSms (2021-01-11) codes, per number (SendStatusSet[].Code) or for the
# request (Response.Error.Code). Unlisted codes are retried, as above.
TENCENT_PERMANENT = frozenset(
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "InvalidParameterValue.TemplateParameterFormatError",
        "InvalidParameterValue.TemplateParameterLengthLimit",
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
        "InvalidParameterValue.ContentLengthLimit",
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.SignatureIncorrectOrUnapproved",
        "FailedOperation.PhoneNumberInBlacklist",
        "FailedOperation.ContainSensitiveWord",
        "FailedOperation.MissingSignature",
        "FailedOperation.MissingTemplateToModify",
        "LimitExceeded.PhoneNumberDailyLimit",
        "LimitExceeded.DailyLimit",
        "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
        "UnsupportedOperation.UnsupportedRegion",
    }
)


def aliyun_error(code: str, message: str) -> SmsSendError:
    return SmsSendError(SmsProvider.ALIYUN, code, message, permanent=code in ALIYUN_PERMANENT)


def tencent_error(code: str, message: str) -> SmsSendError:
    return SmsSendError(SmsProvider.TENCENT, code, message, permanent=code in TENCENT_PERMANENT)
